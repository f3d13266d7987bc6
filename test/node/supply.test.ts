/**
 * Issue #9: brand merchants' supply sold by leaders (帮卖). Offers allocate atomically, 成团 tells leader and
 * merchant once, purchase orders carry exactly the paid quantity per pickup point, a shortage at arrival is
 * served in 跟团号 order and refunded exactly once, and nobody acts outside their role.
 */
import { DEMO, database, join, readAll, readDoc, testCloudForThisFile, type Doc } from './support/cloud'
import { PNG_1PX } from './support/images'
import { publishPriceFloor } from '@shared/domain/supply'

jest.setTimeout(60_000)

const cloud = testCloudForThisFile()
const LEADER2 = 'supply-leader-2'
const MERCHANT2 = 'supply-merchant-2'

let productSeq = 0
/** A merchant uploads a photo through the host and creates a product with it, as the merchant screens do. */
async function product(terms: { supplyPriceFen?: number; merchantId?: string } = {}): Promise<string> {
  const merchant = terms.merchantId ?? DEMO.merchant
  const up = await fetch(`${cloud.url}/storage/upload?cloudPath=${encodeURIComponent(`products/grape-${++productSeq}.png`)}`, { method: 'POST', headers: { 'X-WX-OPENID': merchant }, body: new Uint8Array(PNG_1PX) })
  const uploaded = (await up.json()) as { ok: boolean; data: { fileID: string } }
  expect(uploaded.ok).toBe(true)
  const res = await cloud.call<{ productId: string }>('catalog', merchant, {
    action: 'createProduct', name: '阳光玫瑰葡萄', unit: '盒', spec: '2斤', category: '水果', description: '云南产',
    images: [uploaded.data.fileID], supplyPriceFen: terms.supplyPriceFen ?? 1000, suggestedPriceFen: 2500,
  })
  if (!res.ok) throw new Error(`createProduct: ${res.error?.code} ${res.error?.message}`)
  return res.data.productId
}

async function publish(productId: string, patch: Record<string, unknown> = {}, merchant: string = DEMO.merchant): Promise<string> {
  const now = Date.now()
  const res = await cloud.call<{ offerId: string }>('supply', merchant, {
    action: 'publish', productId, stock: 100, commissionBp: 1000, minPriceFen: 1500, maxPriceFen: 2500, startAt: now - 1000, endAt: now + 7 * 86400_000, ...patch,
  })
  if (!res.ok) throw new Error(`publish: ${res.error?.code} ${res.error?.message}`)
  return res.data.offerId
}

function fromOffer(leader: string, offerId: string, patch: Record<string, unknown> = {}) {
  return cloud.call<{ groupBuyId: string }>('groupBuy', leader, { action: 'createFromOffer', offerId, priceFen: 1990, stock: 1, minParticipants: 1, limitPerUser: 1, ...patch })
}

async function paidOrder(openid: string, groupBuyId: string, quantity: number): Promise<string> {
  const res = await join(cloud, openid, groupBuyId, quantity)
  if (!res.ok) throw new Error(`join: ${res.error?.code}`)
  expect((await cloud.pay.pay(res.data.orderId)).ok).toBe(true)
  return res.data.orderId
}

/** Time passing to the group buy's end, then one settle run. */
async function endNow(groupBuyId: string): Promise<void> {
  await database().collection('groupBuys').doc(groupBuyId).update({ data: { endAt: Date.now() - 1 } })
  const res = (await cloud.fireTimer('settle')) as { ok: boolean }
  expect(res.ok).toBe(true)
}

beforeAll(async () => {
  await cloud.call('admin', DEMO.admin, { action: 'grantRole', openid: LEADER2, role: 'leader', pickupPointId: cloud.otherPickupPointId })
  await cloud.call('admin', DEMO.admin, { action: 'grantRole', openid: MERCHANT2, role: 'merchant' })
})

describe('supply offers', () => {
  it('allocates exactly the offer stock under 20 concurrent createFromOffer by two leaders', async () => {
    const offerId = await publish(await product(), { stock: 10 })
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => fromOffer(i % 2 ? LEADER2 : DEMO.leader, offerId)))
    const made = results.filter((r) => r.ok)
    expect(made).toHaveLength(10)
    expect(results.filter((r) => !r.ok).every((r) => r.error?.code === 'SUPPLY.SOLD_OUT')).toBe(true)
    expect((await readDoc('offers', offerId))!.stockLeft).toBe(0)
    const gbs = await readAll('groupBuys', { offerId })
    expect(gbs.reduce((s, g) => s + g.stock, 0)).toBe(10)
    // Each leader's group buy is at their own pickup point, with the product's terms.
    for (const g of gbs) {
      expect(g.pickupPointId).toBe(g.creatorOpenid === LEADER2 ? cloud.otherPickupPointId : cloud.pickupPointId)
      expect(g).toMatchObject({ title: '阳光玫瑰葡萄', unit: '盒', merchantId: DEMO.merchant, supplyPriceFen: 1000, commissionBp: 1000 })
    }
    // Residents see the product's photo on the group buy, as a URL that serves the uploaded bytes.
    const view = await cloud.call<{ groupBuy: Doc }>('groupBuy', 'photo-viewer', { action: 'get', groupBuyId: gbs[0]._id })
    expect(view.data.groupBuy.images[0]).toMatch(/^cloud:\/\//)
    expect(Buffer.from(await (await fetch(view.data.groupBuy.imageUrls[0])).arrayBuffer())).toEqual(PNG_1PX)
  })

  it('refuses prices out of range, windows outside the offer, and points it is not open to — allocating nothing', async () => {
    const now = Date.now()
    const offerId = await publish(await product(), { stock: 5, pickupPointIds: [cloud.pickupPointId] })
    expect((await fromOffer(DEMO.leader, offerId, { priceFen: 1499 })).error?.code).toBe('SUPPLY.PRICE_OUT_OF_RANGE')
    expect((await fromOffer(DEMO.leader, offerId, { priceFen: 2501 })).error?.code).toBe('SUPPLY.PRICE_OUT_OF_RANGE')
    expect((await fromOffer(DEMO.leader, offerId, { endAt: now + 30 * 86400_000 })).error?.code).toBe('INPUT.INVALID')
    expect((await fromOffer(LEADER2, offerId)).error?.code).toBe('SUPPLY.NOT_AVAILABLE')
    expect((await fromOffer(DEMO.leader, offerId, { stock: 6, limitPerUser: 1 })).error?.code).toBe('SUPPLY.SOLD_OUT')
    expect((await readDoc('offers', offerId))!.stockLeft).toBe(5)
    // listOpen shows it to the point it is open to, not to the other one.
    const mine = await cloud.call<{ items: Doc[] }>('supply', DEMO.leader, { action: 'listOpen' })
    expect(mine.data.items.map((o) => o.offerId)).toContain(offerId)
    const other = await cloud.call<{ items: Doc[] }>('supply', LEADER2, { action: 'listOpen' })
    expect(other.data.items.map((o) => o.offerId)).not.toContain(offerId)
  })

  it('refuses a price at which the platform share could go negative, and says the lowest one that opens', async () => {
    // Supply 1000, commission 50% (+ up to 2% tier bonus): below about 20.84 the platform's share would go negative.
    const productId = await product({ supplyPriceFen: 1000 })
    const now = Date.now()
    const unsellable = await cloud.call('supply', DEMO.merchant, { action: 'publish', productId, stock: 5, commissionBp: 5000, minPriceFen: 1000, maxPriceFen: 2000, startAt: now - 1000, endAt: now + 86400_000 })
    expect(unsellable.error?.code).toBe('SUPPLY.PRICE_OUT_OF_RANGE')
    const offerId = await publish(productId, { commissionBp: 5000, minPriceFen: 1000, maxPriceFen: 5000 })
    expect((await fromOffer(DEMO.leader, offerId, { priceFen: 2000 })).error?.code).toBe('SUPPLY.PRICE_OUT_OF_RANGE')
    // The store charges 1.00 per order at this point (set by the admin): 21.00 no longer leaves the platform anything.
    await database().collection('pickupPoints').doc(cloud.pickupPointId).update({ data: { handlingFeeFen: 100 } })
    try {
      expect((await fromOffer(DEMO.leader, offerId, { priceFen: 2100 })).error?.code).toBe('SUPPLY.PRICE_OUT_OF_RANGE')
      const listed = await cloud.call<{ items: Doc[] }>('supply', DEMO.leader, { action: 'listOpen' })
      const lowest = listed.data.items.find((o) => o.offerId === offerId)!.lowestPriceFen
      expect(lowest).toBeGreaterThan(2100)
      expect((await fromOffer(DEMO.leader, offerId, { priceFen: lowest - 1 })).error?.code).toBe('SUPPLY.PRICE_OUT_OF_RANGE')
      expect((await fromOffer(DEMO.leader, offerId, { priceFen: lowest })).ok).toBe(true)
    } finally {
      await database().collection('pickupPoints').doc(cloud.pickupPointId).update({ data: { handlingFeeFen: 0 } })
    }
  })

  it('supply.pricing gives the publish form the server\'s own floor: the price listOpen shows and createFromOffer accepts (#22)', async () => {
    const productId = await product({ supplyPriceFen: 1800 })
    await database().collection('pickupPoints').doc(cloud.pickupPointId).update({ data: { handlingFeeFen: 50 } })
    try {
      const pricing = await cloud.call<{ maxTierBonusBp: number; handlingFees: Array<{ pickupPointId: string; handlingFeeFen: number }> }>('supply', DEMO.merchant, { action: 'pricing' })
      expect(pricing.ok).toBe(true)
      expect(pricing.data.handlingFees).toContainEqual({ pickupPointId: cloud.pickupPointId, handlingFeeFen: 50 })
      expect(pricing.data.handlingFees.some((h) => h.pickupPointId === cloud.otherPickupPointId)).toBe(false)
      // What the form shows before submit, for a minimum of ¥18 at 10 % …
      const terms = { minPriceFen: 1800, maxPriceFen: 3000, supplyPriceFen: 1800, commissionBp: 1000 }
      const fee = pricing.data.handlingFees.find((h) => h.pickupPointId === cloud.pickupPointId)!.handlingFeeFen
      const floor = publishPriceFloor(terms, pricing.data.maxTierBonusBp, [fee])
      expect(floor.lowestFen).toBeGreaterThan(1800)
      // … is what the leader at that point is then shown, and exactly the lowest price the server lets open.
      const offerId = await publish(productId, { commissionBp: 1000, minPriceFen: 1800, maxPriceFen: 3000 })
      const listed = await cloud.call<{ items: Doc[] }>('supply', DEMO.leader, { action: 'listOpen' })
      expect(listed.data.items.find((o) => o.offerId === offerId)!.lowestPriceFen).toBe(floor.lowestFen)
      expect((await fromOffer(DEMO.leader, offerId, { priceFen: floor.lowestFen! - 1 })).error?.code).toBe('SUPPLY.PRICE_OUT_OF_RANGE')
      expect((await fromOffer(DEMO.leader, offerId, { priceFen: floor.lowestFen! })).ok).toBe(true)
      // The rule's inputs are the merchant's to read, not a resident's or a leader's.
      expect((await cloud.call('supply', DEMO.leader, { action: 'pricing' })).error?.code).toBe('AUTH.FORBIDDEN')
      expect((await cloud.call('supply', 'supply-resident', { action: 'pricing' })).error?.code).toBe('AUTH.FORBIDDEN')
    } finally {
      await database().collection('pickupPoints').doc(cloud.pickupPointId).update({ data: { handlingFeeFen: 0 } })
    }
  })

  it('only the product’s merchant publishes; residents and leaders cannot', async () => {
    const productId = await product()
    const before = (await readAll('offers', { productId })).length
    const now = Date.now()
    const input = { action: 'publish', productId, stock: 5, commissionBp: 100, minPriceFen: 1500, maxPriceFen: 2000, startAt: now, endAt: now + 3600_000 }
    expect((await cloud.call('supply', MERCHANT2, input)).error?.code).toBe('PRODUCT.NOT_FOUND')
    expect((await cloud.call('supply', 'supply-resident', input)).error?.code).toBe('AUTH.FORBIDDEN')
    expect((await cloud.call('supply', DEMO.leader, input)).error?.code).toBe('AUTH.FORBIDDEN')
    expect((await cloud.call('supply', DEMO.merchant, { ...input, minPriceFen: 999 })).error?.code).toBe('INPUT.INVALID')
    expect((await readAll('offers', { productId })).length).toBe(before)
  })
})

describe('成团, purchase orders and shipping', () => {
  it('tells leader and merchant exactly once, forms one purchase order per point with the paid quantity, ships once', async () => {
    const offerId = await publish(await product(), { stock: 30 })
    const made = await fromOffer(DEMO.leader, offerId, { stock: 12, minParticipants: 3, limitPerUser: 3 })
    const groupBuyId = made.data.groupBuyId
    const orders = await Promise.all(['po-a', 'po-b', 'po-c', 'po-d', 'po-e'].map(async (who, i) => {
      const res = await join(cloud, who, groupBuyId, (i % 3) + 1)
      return res.data.orderId
    }))
    // Five payments race across the threshold of three.
    await Promise.all(orders.map((id) => cloud.pay.pay(id)))
    expect((await readDoc('groupBuys', groupBuyId))!.status).toBe('SUCCEEDED')
    const leaderNotices = await readAll('notices', { openid: DEMO.leader, kind: 'GROUP_SUCCEEDED' })
    expect(leaderNotices.filter((n) => n.page.includes(groupBuyId))).toHaveLength(1)
    const merchantNotices = await readAll('notices', { openid: DEMO.merchant, kind: 'GROUP_SUCCEEDED' })
    expect(merchantNotices.filter((n) => n._id.endsWith(groupBuyId))).toHaveLength(1)

    // A second leader's group buy of the same offer fails (nobody paid): it adds nothing.
    const other = await fromOffer(LEADER2, offerId, { stock: 5, minParticipants: 2, limitPerUser: 1 })
    await endNow(groupBuyId)
    await endNow(other.data.groupBuyId)
    await cloud.fireTimer('settle')

    const pos = await cloud.call<{ items: Doc[] }>('supply', DEMO.merchant, { action: 'purchaseOrders', offerId })
    expect(pos.ok).toBe(true)
    expect(pos.data.items).toHaveLength(1)
    const paidQuantity = (await readAll('orders', { groupBuyId, status: 'PAID' })).reduce((s, o) => s + o.quantity, 0)
    expect(paidQuantity).toBe(1 + 2 + 3 + 1 + 2)
    expect(pos.data.items[0]).toMatchObject({ pickupPointId: cloud.pickupPointId, quantity: paidQuantity, groupBuyIds: [groupBuyId], status: 'OPEN' })
    expect(pos.data.items[0].address).not.toBe('')
    expect(await readAll('notices', { openid: DEMO.merchant, kind: 'PURCHASE_ORDER' })).toHaveLength(1)

    // Unsold units went back to the offer exactly once: 30 − 12 − 5 + (12 − 9) + 5.
    expect((await readDoc('offers', offerId))!.stockLeft).toBe(30 - paidQuantity)
    const progress = await cloud.call<{ items: Doc[] }>('supply', DEMO.merchant, { action: 'listMine' })
    const offer = progress.data.items.find((o) => o.offerId === offerId)!
    expect(offer.sold).toBe(paidQuantity)
    expect(offer.points.find((p: Doc) => p.pickupPointId === cloud.pickupPointId)).toMatchObject({ allocated: paidQuantity, sold: paidQuantity })

    const poId = pos.data.items[0].purchaseOrderId
    expect((await cloud.call('supply', MERCHANT2, { action: 'markShipped', purchaseOrderId: poId })).error?.code).toBe('PURCHASE_ORDER.NOT_FOUND')
    const shipped = await Promise.all(Array.from({ length: 5 }, () => cloud.call('supply', DEMO.merchant, { action: 'markShipped', purchaseOrderId: poId })))
    expect(shipped.every((r) => r.ok)).toBe(true)
    expect(await readAll('notices', { openid: DEMO.leader, kind: 'SHIPPED' })).toHaveLength(1)
    expect((await readDoc('purchaseOrders', poId))!.status).toBe('SHIPPED')

    // Arrival in full: every order ready, the purchase order received.
    const arrived = await cloud.call<Doc>('groupBuy', DEMO.leader, { action: 'markArrived', groupBuyId })
    expect(arrived.data).toMatchObject({ readyOrders: 5, shortOrders: 0, refundedFen: 0 })
    expect((await readDoc('purchaseOrders', poId))!).toMatchObject({ status: 'RECEIVED', receivedQuantity: paidQuantity })
  })
})

describe('arrival with a shortage', () => {
  it('serves 跟团号 order, refunds 3 units exactly once under 10 concurrent sign-offs', async () => {
    const offerId = await publish(await product(), { stock: 20 })
    const made = await fromOffer(DEMO.leader, offerId, { stock: 8, minParticipants: 1, limitPerUser: 2, priceFen: 1990 })
    const groupBuyId = made.data.groupBuyId
    const buyers = ['short-1', 'short-2', 'short-3', 'short-4']
    const orderIds: string[] = []
    for (const who of buyers) orderIds.push(await paidOrder(who, groupBuyId, 2)) // in 跟团号 order
    await endNow(groupBuyId)

    const refusals = await Promise.all([
      cloud.call('groupBuy', 'short-1', { action: 'markArrived', groupBuyId, receivedQuantity: 1 }),
      cloud.call('groupBuy', LEADER2, { action: 'markArrived', groupBuyId, receivedQuantity: 1 }),
      cloud.call('groupBuy', DEMO.merchant, { action: 'markArrived', groupBuyId, receivedQuantity: 1 }),
    ])
    expect(refusals.map((r) => r.error?.code)).toEqual(['AUTH.FORBIDDEN', 'AUTH.FORBIDDEN', 'AUTH.FORBIDDEN'])
    expect((await readDoc('groupBuys', groupBuyId))!.arrivedAt).toBeNull()

    const results = await Promise.all(Array.from({ length: 10 }, (_, i) => cloud.call<Doc>('groupBuy', i % 2 ? DEMO.leader : DEMO.clerk, { action: 'markArrived', groupBuyId, receivedQuantity: 5 })))
    expect(results.every((r) => r.ok)).toBe(true)
    expect(results.reduce((s, r) => s + r.data.refundedFen, 0)).toBe(3 * 1990)
    expect(results.reduce((s, r) => s + r.data.shortOrders, 0)).toBe(2)
    expect(results.reduce((s, r) => s + r.data.readyOrders, 0)).toBe(3)

    // A later sign-off with another number changes nothing.
    const again = await cloud.call<Doc>('groupBuy', DEMO.leader, { action: 'markArrived', groupBuyId, receivedQuantity: 8 })
    expect(again.data).toEqual({ readyOrders: 0, shortOrders: 0, refundedFen: 0 })

    for (let i = 0; i < 3; i++) await cloud.fireTimer('settle')
    const views = await Promise.all(buyers.map((who, i) => cloud.call<{ order: Doc }>('order', who, { action: 'get', orderId: orderIds[i] })))
    const o = views.map((v) => v.data.order)
    expect(o.map((x) => x.status)).toEqual(['READY_FOR_PICKUP', 'READY_FOR_PICKUP', 'READY_FOR_PICKUP', 'REFUNDED'])
    expect(o.map((x) => x.servedQuantity)).toEqual([2, 2, 1, 0])
    expect(o.map((x) => x.refundedFen)).toEqual([0, 0, 1990, 2 * 1990])

    // WeChat Pay paid out exactly once per short order, the right amounts.
    expect(orderIds.map((id) => cloud.pay.refundedFor(id))).toEqual([0, 0, 1990, 3980])
    expect(orderIds.map((id) => cloud.pay.refundCountFor(id))).toEqual([0, 0, 1, 1])

    // The short residents were told; the clerk hands over what arrived.
    expect(await readAll('notices', { openid: 'short-3', kind: 'SHORTAGE_REFUNDED' })).toHaveLength(1)
    expect(await readAll('notices', { openid: 'short-4', kind: 'SHORTAGE_REFUNDED' })).toHaveLength(1)
    const verified = await cloud.call<Doc>('pickup', DEMO.clerk, { action: 'verify', code: o[2].pickupCode })
    expect(verified.data).toMatchObject({ quantity: 1, orderedQuantity: 2, status: 'PICKED_UP' })

    const list = await cloud.call<{ items: Doc[] }>('groupBuy', DEMO.leader, { action: 'pickList', groupBuyId })
    expect(list.data.items.map((it) => [it.seq, it.quantity, it.servedQuantity])).toEqual([[1, 2, 2], [2, 2, 2], [3, 2, 1]])
    // The CSV export: the same list, UTF-8 with a BOM, fetched from its temp URL.
    const csv = await cloud.call<{ items: Doc[]; fileID: string; tempFileURL: string }>('groupBuy', DEMO.merchant, { action: 'pickList', groupBuyId, format: 'csv' })
    expect(csv.ok).toBe(true)
    expect(csv.data.fileID).toMatch(/^cloud:\/\//)
    const text = Buffer.from(await (await fetch(csv.data.tempFileURL)).arrayBuffer()).toString('utf8')
    expect(text.charCodeAt(0)).toBe(0xfeff)
    expect(text.slice(1).split('\r\n').filter(Boolean)).toEqual(['跟团号,昵称,数量,实发,状态', '1,邻居**,2,2,待提货', '2,邻居**,2,2,待提货', '3,邻居**,2,1,已提货'])
    expect((await cloud.call('groupBuy', MERCHANT2, { action: 'pickList', groupBuyId })).error?.code).toBe('AUTH.FORBIDDEN')
    expect((await cloud.call('groupBuy', LEADER2, { action: 'pickList', groupBuyId })).error?.code).toBe('AUTH.FORBIDDEN')
    expect((await cloud.call('groupBuy', 'short-1', { action: 'pickList', groupBuyId })).error?.code).toBe('AUTH.FORBIDDEN')
  })
})

describe('notices', () => {
  it('lists my notices newest first with an unread count that clears', async () => {
    const page = await cloud.call<{ items: Doc[]; unread: number }>('user', 'short-4', { action: 'notices' })
    expect(page.ok).toBe(true)
    expect(page.data.items.length).toBeGreaterThan(0)
    expect(page.data.unread).toBe(page.data.items.length)
    const times = page.data.items.map((n) => n.createdAt)
    expect([...times].sort((a, b) => b - a)).toEqual(times)
    expect(page.data.items.every((n) => typeof n.title === 'string' && n.title.length > 0)).toBe(true)
    expect((await cloud.call('user', 'short-4', { action: 'markNoticesRead' })).ok).toBe(true)
    const after = await cloud.call<{ items: Doc[]; unread: number }>('user', 'short-4', { action: 'notices' })
    expect(after.data.unread).toBe(0)
    expect(after.data.items.every((n) => n.read)).toBe(true)
    // Nobody reads anyone else's notices.
    const stranger = await cloud.call<{ items: Doc[] }>('user', 'nobody-here', { action: 'notices' })
    expect(stranger.data.items).toEqual([])
  })
})
