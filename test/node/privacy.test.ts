/**
 * Issue #13, residents' rights (个人信息保护法): exportMyData returns every document that references me and
 * nothing about anyone else; after deleteMe no document in any collection holds my openid, the orders and
 * refunds the books need are kept (unlinked), and nothing a merchant or leader sees changes but the name.
 */
import { existsSync } from 'fs'
import path from 'path'
import { userFolder } from '../../local-cloud/storage'
import { DEMO, database, join, readAll, readDoc, testCloudForThisFile, type Doc } from './support/cloud'
import { PNG_1PX, storedFiles } from './support/images'
import { createProduct, endNow, groupBuyFromOffer, paidOrder, publishOffer, schemaCollections } from './support/merchant'

jest.setTimeout(120_000)

const cloud = testCloudForThisFile()
// Same length, neither a prefix of the other: a text search for one never finds the other.
const ME = 'ins-priv-me-01'
const OTHER = 'ins-priv-ot-01'
let gb1 = ''
let gb2 = ''
let pendingOrderId = ''
let couponCode = ''
let exportUrl = ''
let strayUpload = ''

/** Every collection the schema declares (so collections later issues add are scanned too). */
const collections = () => schemaCollections()

/** Every stored document whose JSON mentions the openid, anywhere (its id included), by collection. */
async function documentsMentioning(openid: string): Promise<Map<string, Doc[]>> {
  const out = new Map<string, Doc[]>()
  for (const c of collections()) {
    const docs = (await readAll(c, {})).filter((d) => JSON.stringify(d).includes(openid))
    if (docs.length) out.set(c, docs)
  }
  return out
}

beforeAll(async () => {
  await cloud.call('user', ME, { action: 'choosePickupPoint', pickupPointId: cloud.pickupPointId })
  await cloud.call('user', ME, { action: 'setMarketingConsent', consent: true })
  await cloud.call('user', ME, { action: 'recordConsent', templates: ['GROUP_SUCCEEDED'] })
  await cloud.call('user', OTHER, { action: 'choosePickupPoint', pickupPointId: cloud.pickupPointId })
  const offerId = await publishOffer(cloud, await createProduct(cloud, { name: '橙子' }))
  gb1 = await groupBuyFromOffer(cloud, DEMO.leader, offerId)
  gb2 = await groupBuyFromOffer(cloud, DEMO.leader, offerId, { minParticipants: 5 })
  await paidOrder(cloud, ME, gb1, 2)
  await paidOrder(cloud, OTHER, gb1, 1)
  const pending = await join(cloud, ME, gb1, 1)
  pendingOrderId = pending.data.orderId
  await paidOrder(cloud, ME, gb2, 1)
  await paidOrder(cloud, OTHER, gb2, 1)
  await endNow(cloud, gb2) // fails: both refunded
  await cloud.fireTimer('settle')
  const campaigns = await cloud.call<{ items: Doc[] }>('coupon', ME, { action: 'listCampaigns', pickupPointId: cloud.pickupPointId })
  const free = campaigns.data.items.find((c) => c.priceFen === 0)!
  const claimed = await cloud.call<Doc>('coupon', ME, { action: 'claim', campaignId: free.campaignId, requestId: 'privacy-claim-1' })
  couponCode = claimed.data.code
  await database().collection('ratings').add({ data: { _id: 'rt-me', openid: ME, orderId: 'x', groupBuyId: gb1, stars: 5, tags: ['新鲜'], comment: '很甜，我家孩子爱吃', photos: ['cloud://env.bucket/r/me.png'], createdAt: Date.now() } })
  // I type codes at the counter (anyone may try; refused attempts are audited with my openid).
  expect((await cloud.call('pickup', ME, { action: 'verify', code: '12345678' })).error?.code).toBe('AUTH.FORBIDDEN')
  expect((await cloud.call('coupon', ME, { action: 'redeem', code: couponCode })).error?.code).toBe('AUTH.FORBIDDEN')
  // A photo I upload and never attach to anything, noted as mine as the app does right after uploading.
  const up = await fetch(`${cloud.url}/storage/upload?cloudPath=feedback/stray.png`, { method: 'POST', headers: { 'X-WX-OPENID': ME }, body: new Uint8Array(PNG_1PX) })
  strayUpload = ((await up.json()) as { data: { fileID: string } }).data.fileID
  expect((await cloud.call('user', ME, { action: 'recordUpload', fileID: strayUpload })).ok).toBe(true)
  await database().collection('ratings').add({ data: { _id: 'rt-other', openid: OTHER, orderId: 'y', groupBuyId: gb1, stars: 3, tags: [], comment: '一般', createdAt: Date.now() } })
})

describe('user.exportMyData', () => {
  it('returns exactly the documents that reference me, in every collection, and nobody else’s', async () => {
    // What is stored at the moment of the export (the export then notes its file on my profile, for deleteMe).
    const stored = await documentsMentioning(ME)
    const res = await cloud.call<Doc>('user', ME, { action: 'exportMyData' })
    expect(res.ok).toBe(true)
    const data = res.data.data
    const sections: Array<[string, Doc[]]> = [
      ['users', data.profile ? [data.profile] : []], ['subscriptions', data.consents.subscribeMessages], ['orders', data.orders], ['refunds', data.refunds],
      ['participations', data.participations], ['coupons', data.coupons], ['couponClaims', data.couponClaims], ['notices', data.notices], ['outbox', data.messages],
      ['ratings', data.ratings], ['members', data.points], ['verifications', data.codesTyped], ['uploads', data.files],
      // An order's pickup code names its resident (#23: pickup.verify reads them beside the clerk).
      ['pickupCodes', data.pickupCodes],
    ]
    const exported = sections.flatMap(([, docs]) => docs)
    const exportedKeys = sections.flatMap(([c, docs]) => docs.map((d) => `${c}/${d._id}`)).sort()
    const storedKeys = [...stored.entries()].flatMap(([c, docs]) => docs.map((d) => `${c}/${d._id}`)).sort()
    // Together they are exactly the stored documents that mention me, each as stored — an order without its ledger
    // position (#23 keeps the platform's books on the order; they name the leader and the merchant and are not mine).
    expect(exportedKeys).toEqual(storedKeys)
    const asExported = (c: string, d: Doc | undefined) => (c === 'orders' && d ? Object.fromEntries(Object.entries(d).filter(([k]) => k !== 'ledger')) : d)
    for (const [c, docs] of sections) for (const d of docs) expect(d).toEqual(asExported(c, stored.get(c)!.find((x) => x._id === d._id)))
    expect(data.orders.some((o: Doc) => 'ledger' in o)).toBe(false)
    // What this resident has: orders (2 paid, 1 pending, 1 refunded), a refund, tallies, a coupon, notices, consents.
    expect(data.orders).toHaveLength(3)
    expect(data.refunds).toHaveLength(1)
    expect(data.coupons).toHaveLength(1)
    expect(data.consents).toMatchObject({ marketing: true })
    expect(data.consents.subscribeMessages).toHaveLength(1)
    expect(data.notices.length).toBeGreaterThanOrEqual(2)
    expect(data.ratings.map((r: Doc) => r._id)).toEqual(['rt-me'])
    expect(data.codesTyped.map((v: Doc) => v.kind).sort()).toEqual(['coupon', 'pickup'])
    expect(data.files.map((f: Doc) => f.fileID)).toEqual([strayUpload])
    // Nothing about anyone else.
    for (const d of exported) expect(JSON.stringify(d)).toContain(ME)
    expect(JSON.stringify(data)).not.toContain(OTHER)
    // The same as a downloadable file.
    const file = await fetch(res.data.tempFileURL)
    expect(file.status).toBe(200)
    expect(await file.json()).toEqual(data)
    expect(res.data.fileID).not.toContain(ME)
    expect((await readDoc('users', ME))!.exportFiles).toEqual([res.data.fileID])
    exportUrl = res.data.tempFileURL
  })
})

describe('user.deleteMe', () => {
  it('asks for confirm: true and is not for staff', async () => {
    expect((await cloud.call('user', ME, { action: 'deleteMe' })).error?.code).toBe('INPUT.INVALID')
    expect((await cloud.call('user', ME, { action: 'deleteMe', confirm: false })).error?.code).toBe('INPUT.INVALID')
    expect((await cloud.call('user', DEMO.leader, { action: 'deleteMe', confirm: true })).error?.code).toBe('AUTH.FORBIDDEN')
    expect((await readDoc('users', ME))).not.toBeNull()
  })

  it('leaves no document holding my openid, keeps the books, and changes nothing others see but my name', async () => {
    const myOrders = await readAll('orders', { openid: ME })
    const myRefunds = await readAll('refunds', { openid: ME })
    const from = Date.now() - 86400_000
    const to = Date.now() + 3600_000
    const dashboard = async (who: string) => (await cloud.call<Doc>('insight', who, { action: 'dashboard', from, to })).data
    const merchantBefore = await dashboard(DEMO.merchant)
    const leaderBefore = await dashboard(DEMO.leader)
    const participantsBefore = (await cloud.call<{ items: Doc[] }>('groupBuy', DEMO.leader, { action: 'participants', groupBuyId: gb1 })).data.items
    const gbBefore = (await readDoc('groupBuys', gb1))!
    const typedBefore = await readAll('verifications', { clerkOpenid: ME })
    expect(typedBefore).toHaveLength(2)
    const strayPath = strayUpload.replace(/^cloud:\/\/[^/]+\//, '')
    expect(storedFiles(cloud.storage.dir)).toContain(strayPath)
    expect((await documentsMentioning(ME)).size).toBeGreaterThan(5)

    expect(await cloud.call('user', ME, { action: 'deleteMe', confirm: true })).toEqual({ ok: true, data: { deleted: true } })

    // 1. No document in any collection mentions me, and my data exports are gone from storage.
    expect([...(await documentsMentioning(ME)).keys()]).toEqual([])
    expect((await fetch(exportUrl)).status).toBe(404)
    // Nothing I uploaded is left in the storage folder: not the stray photo, nothing in my upload folder.
    const files = storedFiles(cloud.storage.dir)
    expect(files).not.toContain(strayPath)
    expect(files.filter((f) => f.startsWith(userFolder(ME) + '/'))).toEqual([])
    expect(existsSync(path.join(cloud.storage.dir, strayPath))).toBe(false)

    // The counter's audit keeps its rows (codes, outcomes, times), on the tombstone instead of my openid.
    for (const v of typedBefore) {
      const { clerkOpenid: _was, ...rest } = v
      expect(await readDoc('verifications', v._id)).toMatchObject({ ...rest, clerkOpenid: expect.stringMatching(/^erased_[0-9a-f]{24}$/) })
    }

    // 2. Orders and refunds are all still there, unchanged but for the link, on one tombstone.
    const kept = await Promise.all(myOrders.map((o) => readDoc('orders', o._id)))
    const tombstones = new Set(kept.map((o) => o!.openid))
    expect(tombstones.size).toBe(1)
    const [tombstone] = [...tombstones]
    expect(tombstone).toMatch(/^erased_[0-9a-f]{24}$/)
    for (const [i, o] of kept.entries()) {
      // An order still awaiting payment is cancelled (its hold given back), so money paid later from the open pay
      // sheet is refunded instead of buying goods nobody can collect (an audit: attacks-coupons.test.ts).
      const status = myOrders[i].status === 'PENDING_PAYMENT' ? 'CANCELLED' : myOrders[i].status
      expect(o).toMatchObject({ groupBuyId: myOrders[i].groupBuyId, quantity: myOrders[i].quantity, amountFen: myOrders[i].amountFen, status, nickname: '已注销用户' })
    }
    for (const r of myRefunds) {
      const now = (await readDoc('refunds', r._id))!
      expect(now).toMatchObject({ openid: tombstone, orderId: r.orderId, amountFen: r.amountFen, status: r.status })
      expect(await readDoc('orders', now.orderId)).not.toBeNull()
    }
    // The books (#9): every group buy's paid quantity still equals its paid orders, and the refunds total is the same.
    const paidQuantity = (await readAll('orders', { groupBuyId: gb1 })).filter((o) => ['PAID', 'READY_FOR_PICKUP', 'PICKED_UP'].includes(o.status)).reduce((s, o) => s + o.quantity, 0)
    expect((await readDoc('groupBuys', gb1))!).toMatchObject({ soldQuantity: gbBefore.soldQuantity, paidParticipants: gbBefore.paidParticipants })
    expect(paidQuantity).toBe(gbBefore.soldQuantity)
    expect(await dashboard(DEMO.merchant)).toEqual(merchantBefore)
    expect(await dashboard(DEMO.leader)).toEqual(leaderBefore)

    // 3. The leader's list is the same list, my lines now 已注销用户.
    const participantsAfter = (await cloud.call<{ items: Doc[] }>('groupBuy', DEMO.leader, { action: 'participants', groupBuyId: gb1 })).data.items
    const mineBefore = new Set(myOrders.filter((o) => o.groupBuyId === gb1).map((o) => o.createdAt))
    // (my order awaiting payment is cancelled: see 2.)
    const shown = (p: Doc) => [p.seq, p.quantity, mineBefore.has(p.createdAt) && p.status === 'PENDING_PAYMENT' ? 'CANCELLED' : p.status]
    expect(participantsAfter.map((p) => [p.seq, p.quantity, p.status])).toEqual(participantsBefore.map(shown))
    const mine = new Set(myOrders.filter((o) => o.groupBuyId === gb1).map((o) => o.createdAt))
    for (const p of participantsAfter) expect(p.maskedName).toBe(mine.has(p.createdAt) ? '已注销用户' : '邻居**')

    // 4. My coupon is void: the counter cannot redeem it. My rating keeps its stars, not my words or photos.
    expect((await cloud.call('coupon', DEMO.clerk, { action: 'redeem', code: couponCode })).error?.code).toBe('COUPON.NOT_FOUND')
    expect((await readAll('coupons', { openid: tombstone }))[0]).toMatchObject({ status: 'VOIDED' })
    const rating = (await readDoc('ratings', 'rt-me'))!
    expect(rating).toMatchObject({ stars: 5, tags: ['新鲜'], openid: tombstone })
    expect(rating.comment).toBeUndefined()
    expect(rating.photos).toBeUndefined()
    expect((await readDoc('ratings', 'rt-other'))!).toMatchObject({ openid: OTHER, comment: '一般' })

    // 5. The order that awaited payment was cancelled by the erase and handed its stock back then; money paid for it
    //    later from the open pay sheet is refunded (as for any cancelled order), and settle moves nothing of it again.
    const pending = myOrders.find((o) => o._id === pendingOrderId)!
    expect((await readDoc('orders', pendingOrderId))!.status).toBe('CANCELLED')
    expect((await readDoc('groupBuys', gb1))!.stockLeft).toBe(gbBefore.stockLeft + pending.quantity)
    await cloud.fireTimer('settle')
    expect((await readDoc('groupBuys', gb1))!.stockLeft).toBe(gbBefore.stockLeft + pending.quantity)
    expect([...(await documentsMentioning(ME)).keys()]).toEqual([])
  })

  it('starts a fresh profile on my next call, with nothing of the old one', async () => {
    expect((await cloud.call<Doc>('user', ME, { action: 'me' })).data).toMatchObject({ openid: ME, pickupPointId: null, marketingConsent: false })
    expect((await cloud.call<{ items: Doc[] }>('order', ME, { action: 'listMine' })).data.items).toEqual([])
    expect((await cloud.call<{ items: Doc[] }>('coupon', ME, { action: 'listMine' })).data.items).toEqual([])
    const exported = (await cloud.call<Doc>('user', ME, { action: 'exportMyData' })).data.data
    expect(exported).toMatchObject({ profile: null, orders: [], refunds: [], coupons: [], notices: [], ratings: [], consents: { marketing: false, subscribeMessages: [] } })
    // Deleting again is harmless.
    expect((await cloud.call('user', ME, { action: 'deleteMe', confirm: true })).ok).toBe(true)
    expect([...(await documentsMentioning(ME)).keys()]).toEqual([])
  })
})
