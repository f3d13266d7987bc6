/**
 * Issue #13, 精准推送 without exposing anyone: audiences are rules over residents who consented to marketing;
 * under 10 nobody learns a number and no campaign is launched; only residents inside a targeted campaign see
 * or claim it; a launch tells each of them once a day.
 */
import { DEMO, newRequestId, readAll, readDoc, testCloudForThisFile, type Doc } from './support/cloud'
import { createProduct, groupBuyFromOffer, paidOrder, publishOffer } from './support/merchant'

jest.setTimeout(120_000)

const cloud = testCloudForThisFile()
const R = (n: number) => `ins-aud-res-${String(n).padStart(2, '0')}`
let point = ''
let grainGroupBuy = ''

const consent = (openid: string, value: boolean) => cloud.call('user', openid, { action: 'setMarketingConsent', consent: value })
const size = (audience: Doc, caller: string = DEMO.merchant) => cloud.call<{ size: number }>('insight', caller, { action: 'audienceSize', audience })

function campaign(audience: Doc | undefined, title = '会员专享券') {
  const now = Date.now()
  return cloud.call<{ campaignId: string; notified: number }>('coupon', DEMO.merchant, {
    action: 'createCampaign', title, valueFen: 500, priceFen: 0, total: 100, limitPerUser: 1, validFrom: now - 1000, validTo: now + 86400_000, pickupPointIds: [point], ...(audience ? { audience } : {}),
  })
}

beforeAll(async () => {
  const made = await cloud.call<{ pickupPointId: string }>('admin', DEMO.admin, { action: 'createPickupPoint', name: '精准推送小区', address: '一号路', storeName: '便民店' })
  point = made.data.pickupPointId
  // R1–R12 live at the new point; R1–R9 consent now.
  for (let i = 1; i <= 12; i++) expect((await cloud.call('user', R(i), { action: 'choosePickupPoint', pickupPointId: point })).ok).toBe(true)
  for (let i = 1; i <= 9; i++) expect((await consent(R(i), true)).ok).toBe(true)
  grainGroupBuy = await groupBuyFromOffer(cloud, DEMO.leader, await publishOffer(cloud, await createProduct(cloud, { name: '东北大米', category: '粮油' })))
})

describe('audience sizes (k-anonymity)', () => {
  it('refuses 9 consenting residents with AUDIENCE.TOO_SMALL and no number, answers 10 with 10', async () => {
    const nine = await size({ pickupPointIds: [point] })
    expect(nine).toMatchObject({ ok: false, error: { code: 'AUDIENCE.TOO_SMALL' } })
    expect(JSON.stringify(nine)).not.toMatch(/\b9\b/)
    expect(nine.data).toBeUndefined()
    // R10 has not consented: living there is not enough.
    expect((await cloud.call<Doc>('user', R(10), { action: 'me' })).data.marketingConsent).toBe(false)
    await consent(R(10), true)
    expect(await size({ pickupPointIds: [point] })).toEqual({ ok: true, data: { size: 10 } })
  })

  it('drops a resident who withdraws consent at once, and counts them again when they give it back', async () => {
    await consent(R(3), false)
    expect((await size({ pickupPointIds: [point] })).error?.code).toBe('AUDIENCE.TOO_SMALL')
    await consent(R(3), true)
    expect((await size({ pickupPointIds: [point] })).data.size).toBe(10)
  })

  it('narrows by what residents bought, how often and how recently', async () => {
    // R1–R10 each bought rice once, R1–R3 twice.
    for (let i = 1; i <= 10; i++) await paidOrder(cloud, R(i), grainGroupBuy, 1)
    for (let i = 1; i <= 3; i++) await paidOrder(cloud, R(i), grainGroupBuy, 1)
    // R11 bought rice too but never consented.
    await paidOrder(cloud, R(11), grainGroupBuy, 1)
    expect((await size({ boughtCategories: ['粮油'] })).data.size).toBe(10)
    expect((await size({ boughtCategories: ['粮油'], withinDays: 1, pickupPointIds: [point] })).data.size).toBe(10)
    expect((await size({ boughtCategories: ['粮油'], minOrders: 2 })).error?.code).toBe('AUDIENCE.TOO_SMALL')
    expect((await size({ boughtCategories: ['水果'] })).error?.code).toBe('AUDIENCE.TOO_SMALL')
    // Nobody here picked anything up yet: no lifetime points, every level is 0, so any minLevel ≥ 1 is empty.
    expect((await size({ pickupPointIds: [point], minLevel: 1 })).error?.code).toBe('AUDIENCE.TOO_SMALL')
    expect((await size({ pickupPointIds: [point], minLevel: 0 })).data.size).toBe(10)
  })

  it('is for merchants and admins only, and takes rules, not lists', async () => {
    expect((await size({ pickupPointIds: [point] }, R(1))).error?.code).toBe('AUTH.FORBIDDEN')
    expect((await size({ pickupPointIds: [point] }, DEMO.leader)).error?.code).toBe('AUTH.FORBIDDEN')
    expect((await size({ openids: [R(1)] })).error?.code).toBe('INPUT.INVALID')
    expect((await size({ pickupPointIds: [point], withinDays: 0 })).error?.code).toBe('INPUT.INVALID')
  })
})

describe('targeted campaigns', () => {
  let campaignId = ''

  it('refuses a campaign whose audience is under 10 the same way, creating nothing', async () => {
    const before = (await readAll('couponCampaigns', {})).length
    expect((await campaign({ boughtCategories: ['粮油'], minOrders: 2 })).error?.code).toBe('AUDIENCE.TOO_SMALL')
    expect((await readAll('couponCampaigns', {})).length).toBe(before)
  })

  it('launches to its audience only: one notice each, a subscribe message where accepted, nobody else', async () => {
    // R12 consents and withdraws before the launch: nothing reaches them. R1 accepted the marketing template.
    await consent(R(12), true)
    await consent(R(12), false)
    expect((await cloud.call('user', R(1), { action: 'recordConsent', templates: ['MARKETING'] })).ok).toBe(true)
    const res = await campaign({ pickupPointIds: [point], boughtCategories: ['粮油'] })
    expect(res.ok).toBe(true)
    expect(res.data.notified).toBe(10)
    campaignId = res.data.campaignId
    // The in-app notices are written by settle's next run, for every queued message (#23), which also sends them.
    const sent = (await cloud.fireTimer('settle')) as { data: { messages: { sent: number } } }
    for (let i = 1; i <= 12; i++) {
      const notices = (await readAll('notices', { openid: R(i), kind: 'MARKETING' }))
      expect(notices).toHaveLength(i <= 10 ? 1 : 0)
    }
    const messages = await readAll('outbox', { template: 'MARKETING' })
    expect(messages.map((m) => m.toOpenid)).toEqual([R(1)])
    expect(sent.data.messages.sent).toBeGreaterThanOrEqual(1)
    expect((await readDoc('subscriptions', `${R(1)}_MARKETING`))!.credits).toBe(0)
  })

  it('is invisible and unclaimable outside its audience, as if it did not exist', async () => {
    const seen = async (openid: string) => (await cloud.call<{ items: Doc[] }>('coupon', openid, { action: 'listCampaigns', pickupPointId: point })).data.items.map((c) => c.campaignId)
    expect(await seen(R(2))).toContain(campaignId)
    for (const outsider of [R(11), R(12), 'ins-aud-stranger']) {
      expect(await seen(outsider)).not.toContain(campaignId)
      const claim = await cloud.call('coupon', outsider, { action: 'claim', campaignId, requestId: newRequestId() })
      const missing = await cloud.call('coupon', outsider, { action: 'claim', campaignId: 'no-such-campaign', requestId: newRequestId() })
      expect(claim.error?.code).toBe('COUPON.NOT_FOUND')
      expect(claim.error?.message).toBe(missing.error?.message)
    }
    expect((await cloud.call<Doc>('coupon', R(2), { action: 'claim', campaignId, requestId: newRequestId() })).data.status).toBe('ISSUED')
    expect((await readDoc('couponCampaigns', campaignId))!.issued).toBe(1)
    // Withdrawing consent takes R4 out at once: the campaign disappears for them.
    await consent(R(4), false)
    expect(await seen(R(4))).not.toContain(campaignId)
    expect((await cloud.call('coupon', R(4), { action: 'claim', campaignId, requestId: newRequestId() })).error?.code).toBe('COUPON.NOT_FOUND')
    await consent(R(4), true)
    // An untargeted campaign is still everyone's.
    const open = await campaign(undefined, '全员券')
    expect(open.data.notified).toBe(0)
    expect(await seen(R(11))).toContain(open.data.campaignId)
  })

  it('sends at most one marketing message per resident per day', async () => {
    const second = await campaign({ pickupPointIds: [point] }, '第二张券')
    expect(second.ok).toBe(true)
    expect(second.data.notified).toBe(0)
    await cloud.fireTimer('settle')
    for (let i = 1; i <= 10; i++) expect(await readAll('notices', { openid: R(i), kind: 'MARKETING' })).toHaveLength(1)
    expect(await readAll('outbox', { template: 'MARKETING' })).toHaveLength(1)
  })
})
