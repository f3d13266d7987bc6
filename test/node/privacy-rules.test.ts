/**
 * Issue #19, the privacy rules tried as an adversary would, on the local cloud: a merchant differencing two
 * audiences (and every count it is told about one), a level-targeted audience, public rating photos that could
 * follow one person, an export carrying other people's openids, and a formula planted in a product name.
 */
import { chinaMonth } from '@shared/domain/calendar'
import { userFolder } from '../../local-cloud/storage'
import { pickedUpGroupBuy, pickedUpSupplyRound, uploadPhoto } from './support/after-pickup'
import { DEMO, createGroupBuy, newRequestId, readAll, readDoc, testCloudForThisFile, type Doc } from './support/cloud'
import { storedFiles } from './support/images'
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

/** A photo uploaded by `openid` and noted as theirs, as the app does. */
async function myPhoto(openid: string, name: string): Promise<string> {
  const fileID = await uploadPhoto(cloud, openid, name)
  expect((await cloud.call('user', openid, { action: 'recordUpload', fileID })).ok).toBe(true)
  return fileID
}

const cloudPath = (fileID: string) => fileID.replace(/^cloud:\/\/[^/]+\//, '')

/** Every path component a reader of the public list sees for a rating's photos: in the file ids and the URLs. */
function pathComponents(r: Doc): Set<string> {
  const paths = [...(r.images as string[]).map(cloudPath), ...(r.imageUrls as string[]).map((u) => new URL(u).pathname.replace(/^\/storage\/file\//, ''))]
  return new Set(paths.flatMap((p) => p.split('/')))
}

const shared = (a: Set<string>, b: Set<string>) => [...a].filter((x) => b.has(x)).sort()

describe('public views carry no stable per-person identifier', () => {
  const P = 'pr-photo-p'
  const Q = 'pr-photo-q'
  const reader = 'pr-photo-reader'

  it('two ratings by one person, read from the public lists, share nothing ratings by two people do not', async () => {
    const first = await pickedUpGroupBuy(cloud, { [P]: 1, [Q]: 1 })
    const second = await pickedUpGroupBuy(cloud, { [P]: 1 })
    const originals = [await myPhoto(P, 'feedback/a.png'), await myPhoto(P, 'feedback/b.png'), await myPhoto(Q, 'feedback/c.png')]
    expect(originals.every((f, i) => cloudPath(f).startsWith(userFolder(i < 2 ? P : Q) + '/'))).toBe(true)
    const rate = (who: string, orderId: string, image: string) => cloud.call<Doc>('feedback', who, { action: 'rate', orderId, stars: 5, text: '好', images: [image] })
    const rated = [await rate(P, first.orders[P], originals[0]), await rate(P, second.orders[P], originals[1]), await rate(Q, first.orders[Q], originals[2])]
    for (const r of rated) expect(r.ok).toBe(true)
    // (Each rater knows their own rating's shown photo; the public list names no order.)
    const shownPhoto = rated.map((r) => r.data.rating.images[0] as string)

    const list = async (groupBuyId: string) => (await cloud.call<{ items: Doc[] }>('feedback', reader, { action: 'listForGroupBuy', groupBuyId })).data.items
    const [firstList, secondList] = [await list(first.groupBuyId), await list(second.groupBuyId)]
    const p1 = firstList.find((r) => r.images[0] === shownPhoto[0])!
    const p2 = secondList.find((r) => r.images[0] === shownPhoto[1])!
    const q1 = firstList.find((r) => r.images[0] === shownPhoto[2])!
    for (const r of [...firstList, ...secondList]) expect(r.orderId).toBeUndefined()
    for (const r of [p1, p2, q1]) expect(r.imageUrls.every((u: string) => u.length > 0)).toBe(true)
    // What P's two ratings have in common is only what any two ratings have in common (the folder, the photo's position).
    expect(shared(pathComponents(p1), pathComponents(p2))).toEqual(shared(pathComponents(p1), pathComponents(q1)))
    const publicJson = JSON.stringify([firstList, secondList])
    for (const who of [P, Q]) {
      expect(publicJson).not.toContain(who)
      expect(publicJson).not.toContain(userFolder(who).split('/')[1])
    }
    // The photos are still the photos: the copy serves the uploaded bytes.
    expect((await fetch(p1.imageUrls[0])).status).toBe(200)

    // An edit that resends the shown photo keeps it; a new one gets a path of its own.
    const extra = await myPhoto(P, 'feedback/d.png')
    const edited = await cloud.call<Doc>('feedback', P, { action: 'edit', orderId: first.orders[P], stars: 4, images: [p1.images[0], extra] })
    expect(edited.data.rating.images[0]).toBe(p1.images[0])
    expect(cloudPath(edited.data.rating.images[1]).split('/')[1]).not.toBe(cloudPath(p1.images[0]).split('/')[1])

    // Erased: every file P stored is gone from the storage folder — originals (attached or not) and the copies shown.
    const pFiles = [...originals.slice(0, 2), extra, ...edited.data.rating.images, p2.images[0]].map(cloudPath)
    expect(storedFiles(cloud.storage.dir)).toEqual(expect.arrayContaining(pFiles))
    expect((await cloud.call('user', P, { action: 'deleteMe', confirm: true })).ok).toBe(true)
    const left = storedFiles(cloud.storage.dir)
    expect(pFiles.filter((f) => left.includes(f))).toEqual([])
    expect(left.filter((f) => f.startsWith(userFolder(P) + '/'))).toEqual([])
    // Q's photo is untouched.
    expect(left).toContain(cloudPath(q1.images[0]))
  })

  it('will not note someone else’s file as mine (so nobody can have it deleted with their account)', async () => {
    const theirs = await myPhoto(Q, 'feedback/e.png')
    expect((await cloud.call('user', reader, { action: 'recordUpload', fileID: theirs })).error?.code).toBe('INPUT.INVALID')
    const product = (await readAll('products', {}))[0]
    expect((await cloud.call('user', reader, { action: 'recordUpload', fileID: product.images[0] })).error?.code).toBe('INPUT.INVALID')
    expect((await cloud.call('user', reader, { action: 'deleteMe', confirm: true })).ok).toBe(true)
    expect(storedFiles(cloud.storage.dir)).toEqual(expect.arrayContaining([cloudPath(theirs), cloudPath(product.images[0])]))
  })
})

describe('an export holds the person’s own data only', () => {
  it('after a decided 售后 case, the leader, merchant and decider are their roles, never their openids', async () => {
    const R = 'pr-export-r'
    const round = await pickedUpSupplyRound(cloud, { [R]: 2 })
    const orderId = round.orders[R]
    expect((await cloud.call('feedback', R, { action: 'rate', orderId, stars: 4 })).ok).toBe(true)
    const asked = await cloud.call<{ caseId: string }>('afterSales', R, { action: 'request', orderId, quantity: 1, reason: 'QUALITY', requestId: newRequestId('as') })
    expect(asked.ok).toBe(true)
    const decided = await cloud.call<Doc>('afterSales', DEMO.merchant, { action: 'decide', caseId: asked.data.caseId, approve: false, note: '照片看不清' })
    expect(decided.data.status).toBe('REJECTED')
    // What is stored names them (the books and the inbox need it).
    expect(await readDoc('afterSalesCases', asked.data.caseId)).toMatchObject({ creatorOpenid: DEMO.leader, merchantId: DEMO.merchant, decidedBy: DEMO.merchant })

    const res = await cloud.call<Doc>('user', R, { action: 'exportMyData' })
    expect(res.ok).toBe(true)
    const { data } = res.data
    expect(data.afterSales).toEqual([expect.objectContaining({ _id: asked.data.caseId, openid: R, creatorOpenid: '团长', merchantId: '商家', decidedBy: '商家', status: 'REJECTED', note: '照片看不清' })])
    expect(data.ratings).toEqual([expect.objectContaining({ openid: R, merchantId: '商家' })])
    const json = JSON.stringify(data)
    for (const other of [DEMO.leader, DEMO.merchant, DEMO.clerk, DEMO.admin]) expect(json).not.toContain(other)
    expect(json).toContain(R)
    // The downloadable file is the same export.
    expect(await (await fetch(res.data.tempFileURL)).json()).toEqual(data)
  })
})

describe('an erased resident’s paid goods can still be collected', () => {
  it('deleteMe with an order waiting at the counter: its code (which names the resident, #23) is re-linked, not removed, and hands the goods over', async () => {
    const R = 'pr-erase-waiting'
    const groupBuyId = await createGroupBuy(cloud, { minParticipants: 1 })
    const orderId = await paidOrder(cloud, R, groupBuyId, 1)
    expect((await cloud.call('groupBuy', DEMO.leader, { action: 'markArrived', groupBuyId })).ok).toBe(true)
    const code = (await readDoc<{ pickupCode: string }>('orders', orderId))!.pickupCode
    expect((await readDoc('pickupCodes', code))!.openid).toBe(R)

    expect((await cloud.call('user', R, { action: 'deleteMe', confirm: true })).ok).toBe(true)
    const binding = (await readDoc<{ openid: string; orderId: string }>('pickupCodes', code))!
    expect(binding.orderId).toBe(orderId)
    expect(binding.openid).not.toBe(R)
    expect(binding.openid).toBe((await readDoc<{ openid: string }>('orders', orderId))!.openid)
    const handed = await cloud.call<{ orderId: string; contact: unknown }>('pickup', DEMO.clerk, { action: 'verify', code })
    expect(handed.ok).toBe(true)
    expect(handed.data).toMatchObject({ orderId, contact: null })
    expect(await readAll('pickupCodes', { openid: R })).toEqual([])
  })
})

describe('an export leaves the books out', () => {
  it('a 帮卖 order picked up with no case: its ledger position (the leader’s and merchant’s shares, the supply price) is not in the resident’s export', async () => {
    const R = 'pr-export-books'
    const round = await pickedUpSupplyRound(cloud, { [R]: 1 })
    const orderId = round.orders[R]
    // #23 keeps the ledger position on the order itself: it names the leader and the merchant and their terms.
    const stored = (await readDoc<Doc>('orders', orderId))!
    expect(stored.ledger).toMatchObject({ accounts: { leader: DEMO.leader, merchant: DEMO.merchant }, terms: { kind: 'offer', supplyPriceFen: 1000 } })

    const { data } = (await cloud.call<Doc>('user', R, { action: 'exportMyData' })).data
    const order = (data.orders as Doc[]).find((o) => o._id === orderId)!
    expect(order).toMatchObject({ _id: orderId, openid: R, status: 'PICKED_UP' })
    expect(order.ledger).toBeUndefined()
    const json = JSON.stringify(data)
    for (const other of [DEMO.leader, DEMO.merchant, DEMO.clerk, DEMO.admin]) expect(json).not.toContain(other)
    expect(json).not.toContain('supplyPriceFen')
    expect(json).not.toContain('commissionBp')
  })
})

describe('every CSV goes through the one cell writer', () => {
  it('a formula in a merchant’s product name reaches the leader’s statement as text; amounts stay numbers', async () => {
    const formula = '=HYPERLINK("http://evil.example/x","领红包")'
    const gb = await groupBuyFromOffer(cloud, DEMO.leader, await publishOffer(cloud, await createProduct(cloud, { name: formula, category: '水果' })))
    await paidOrder(cloud, 'pr-csv-buyer', gb, 1)
    const res = await cloud.call<Doc>('ledger', DEMO.leader, { action: 'statement', month: chinaMonth(Date.now()) })
    expect(res.ok).toBe(true)
    const csv = Buffer.from(await (await fetch(res.data.csv.tempFileURL)).arrayBuffer()).toString('utf8')
    const line = csv.split('\r\n').find((l) => l.includes('HYPERLINK'))!
    expect(line).toContain(`,"'=HYPERLINK(""http://evil.example/x"",""领红包"")",`)
    // No cell of the file starts a formula unneutralised.
    expect(csv.split('\r\n').flatMap((l) => l.split(',')).filter((c) => /^[=+@\t\r]/.test(c))).toEqual([])
    expect(line.split(',').at(-1)).toMatch(/^-?\d+\.\d{2}$/)
  })
})
