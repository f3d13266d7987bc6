/**
 * Issue #19, the privacy rules tried as an adversary would, on the local cloud: a merchant differencing two
 * audiences (and every count it is told about one), a level-targeted audience, public rating photos that could
 * follow one person, an export carrying other people's openids, and a formula planted in a product name.
 */
import { DEMO, newRequestId, readAll, readDoc, testCloudForThisFile, type Doc } from './support/cloud'
import { pickedUpGroupBuy } from './support/after-pickup'
import { createProduct, groupBuyFromOffer, paidOrder, publishOffer } from './support/merchant'

jest.setTimeout(180_000)

const cloud = testCloudForThisFile()

const consent = (openid: string) => cloud.call('user', openid, { action: 'setMarketingConsent', consent: true })
const size = (audience: Doc) => cloud.call<{ size: number }>('insight', DEMO.merchant, { action: 'audienceSize', audience })

async function newPoint(name: string): Promise<string> {
  const made = await cloud.call<{ pickupPointId: string }>('admin', DEMO.admin, { action: 'createPickupPoint', name, address: '一号路', storeName: '便民店' })
  expect(made.ok).toBe(true)
  return made.data.pickupPointId
}

async function resident(openid: string, pointId: string): Promise<void> {
  expect((await cloud.call('user', openid, { action: 'choosePickupPoint', pickupPointId: pointId })).ok).toBe(true)
  expect((await consent(openid)).ok).toBe(true)
}

function campaign(audience: Doc, title: string) {
  const now = Date.now()
  return cloud.call<{ campaignId: string; notified: number }>('coupon', DEMO.merchant, {
    action: 'createCampaign', title, valueFen: 500, priceFen: 0, total: 100, limitPerUser: 1, validFrom: now - 1000, validTo: now + 86400_000,
    pickupPointIds: [cloud.pickupPointId], audience,
  })
}

async function myCampaign(campaignId: string): Promise<Doc> {
  const res = await cloud.call<{ items: Doc[] }>('coupon', DEMO.merchant, { action: 'listMyCampaigns' })
  return res.data.items.find((c) => c.campaignId === campaignId)!
}

describe('no answer to a merchant moves by one person (differencing)', () => {
  const A = Array.from({ length: 10 }, (_, i) => `pr-diff-a-${String(i + 1).padStart(2, '0')}`)
  const T = 'pr-diff-target'
  let audienceA: Doc = {}
  let audienceB: Doc = {}
  let grain = ''

  beforeAll(async () => {
    const p1 = await newPoint('差分一号小区')
    const p2 = await newPoint('差分二号小区')
    for (const r of A) await resident(r, p1)
    await resident(T, p2) // the one consenting resident at point 2
    grain = await groupBuyFromOffer(cloud, DEMO.leader, await publishOffer(cloud, await createProduct(cloud, { name: '五常大米', category: '粮油' })))
    for (const r of A) await paidOrder(cloud, r, grain, 1)
    audienceA = { pickupPointIds: [p1], boughtCategories: ['粮油'] }
    audienceB = { pickupPointIds: [p1, p2], boughtCategories: ['粮油'] }
  })

  it('A (10 buyers) and B (A + the one resident at point 2) answer the same after that person buys', async () => {
    const before = [await size(audienceA), await size(audienceB)]
    expect(before).toEqual([{ ok: true, data: { size: 10 } }, { ok: true, data: { size: 10 } }])
    await paidOrder(cloud, T, grain, 1) // B now holds 11 people
    const after = [await size(audienceA), await size(audienceB)]
    expect(after).toEqual(before)
  })

  it('a second same-day campaign to B does not answer notified: 1, and claim counts move in tens', async () => {
    const toA = await campaign(audienceA, '差分券A')
    expect(toA.data.notified).toBe(10)
    const toB = await campaign(audienceB, '差分券B')
    expect(toB.ok).toBe(true)
    // Exactly one person (T) was told by the second launch; the merchant is told a multiple of 10: 0.
    expect(toB.data.notified).toBe(0)
    expect(await readAll('notices', { openid: T, kind: 'MARKETING' })).toHaveLength(1)

    // T alone claims from B: the merchant's 我的券活动 does not move.
    const before = await myCampaign(toB.data.campaignId)
    expect((await cloud.call<Doc>('coupon', T, { action: 'claim', campaignId: toB.data.campaignId, requestId: newRequestId() })).data.status).toBe('ISSUED')
    expect(await myCampaign(toB.data.campaignId)).toEqual(before)
    expect((await readDoc('couponCampaigns', toB.data.campaignId))!.issued).toBe(1) // what is stored stays exact
    // Nor does a resident account of the merchant's inside the audience learn it through `remaining`.
    const seenByA1 = (await cloud.call<{ items: Doc[] }>('coupon', A[0], { action: 'listCampaigns', pickupPointId: cloud.pickupPointId })).data.items
    expect(seenByA1.find((c) => c.campaignId === toB.data.campaignId)!.remaining).toBe(100)

    // Ten more claims: 11 issued is shown as 10; T's coupon redeemed at the counter: 1 redeemed is shown as 0.
    for (const r of A) expect((await cloud.call('coupon', r, { action: 'claim', campaignId: toB.data.campaignId, requestId: newRequestId() })).ok).toBe(true)
    expect(await myCampaign(toB.data.campaignId)).toMatchObject({ issued: 10, redeemed: 0 })
    const code = (await cloud.call<{ items: Doc[] }>('coupon', T, { action: 'listMine' })).data.items.find((c) => c.campaignId === toB.data.campaignId)!.code
    expect((await cloud.call('coupon', DEMO.clerk, { action: 'redeem', code })).ok).toBe(true)
    expect(await myCampaign(toB.data.campaignId)).toMatchObject({ issued: 10, redeemed: 0 })
    const afterEleven = (await cloud.call<{ items: Doc[] }>('coupon', A[0], { action: 'listCampaigns', pickupPointId: cloud.pickupPointId })).data.items
    expect(afterEleven.find((c) => c.campaignId === toB.data.campaignId)!.remaining).toBe(90)
  })
})

describe('minLevel audiences', () => {
  it('reach the residents whose lifetime points make the level (12 银卡 → 10), and only them', async () => {
    const point = await newPoint('会员小区')
    const silver = Array.from({ length: 12 }, (_, i) => `pr-level-${String(i + 1).padStart(2, '0')}`)
    const plain = 'pr-level-plain'
    for (const r of [...silver, plain]) await resident(r, point)
    // ¥500 picked up = 500 lifetime points = 银卡 (level 1); the plain resident's ¥19.90 stays 普通.
    await pickedUpGroupBuy(cloud, Object.fromEntries(silver.map((r) => [r, 1])), { priceFen: 50_000 })
    await pickedUpGroupBuy(cloud, { [plain]: 1 })
    expect((await cloud.call<Doc>('member', silver[0], { action: 'me' })).data).toMatchObject({ level: 1 })

    expect(await size({ pickupPointIds: [point], minLevel: 1 })).toEqual({ ok: true, data: { size: 10 } })
    expect((await size({ pickupPointIds: [point], minLevel: 2 })).error?.code).toBe('AUDIENCE.TOO_SMALL')
    const launched = await campaign({ pickupPointIds: [point], minLevel: 1 }, '银卡专享')
    expect(launched.ok).toBe(true)
    expect(launched.data.notified).toBe(10)
    const sees = async (openid: string) => (await cloud.call<{ items: Doc[] }>('coupon', openid, { action: 'listCampaigns' })).data.items.some((c) => c.campaignId === launched.data.campaignId)
    expect(await sees(silver[11])).toBe(true)
    expect(await sees(plain)).toBe(false)
  })
})
