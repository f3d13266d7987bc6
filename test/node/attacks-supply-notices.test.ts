/**
 * Audit: supply (帮卖) offers and purchase orders, WeChat Pay's payment notices (payCallback) and the shipping
 * uploads (发货信息). Each test is an attack as a participant or the outside world would make it.
 * `REFUSED:` the system resisted (a regression test); `BUG (fixed):` the attack got through and is fixed (the test
 * fails on the code before the fix: a shipping record cut twice after WeChat accepted it was retried for ever).
 */
import { processDueShipping, shippingBacklog } from '@server/payments/shipping'
import { processDueRefunds } from '@server/payments/refunds'
import { participationIdFor } from '@server/ids'
import { database, DEMO, idMaker, newRequestId, readAll, readDoc, testCloudForThisFile, type Doc, type Reply } from './support/cloud'
import { createProduct, publishOffer } from './support/merchant'
import { netByParty, orderEntries } from './support/ledger'
import { dieAt, quietCrashLogs, recountGroupBuy } from './support/crash'

jest.setTimeout(300_000)

const cloud = testCloudForThisFile()
const LEADER2 = 'aud-sn-leader-2'
const MERCHANT2 = 'aud-sn-merchant-2'
const MIN = 60_000
const fresh = idMaker('aud-sn')

const settle = async (n = 1) => {
  for (let i = 0; i < n; i++) await cloud.fireTimer('settle')
}

function fromOffer(leader: string, offerId: string, patch: Record<string, unknown> = {}) {
  return cloud.call<{ groupBuyId: string }>('groupBuy', leader, { action: 'createFromOffer', offerId, priceFen: 1990, stock: 10, minParticipants: 1, limitPerUser: 5, ...patch })
}

async function mustGb(leader: string, offerId: string, patch: Record<string, unknown> = {}): Promise<string> {
  const r = await fromOffer(leader, offerId, patch)
  if (!r.ok) throw new Error(`createFromOffer: ${r.error?.code} ${r.error?.message}`)
  return r.data.groupBuyId
}

async function joined(openid: string, groupBuyId: string, quantity: number, extra: Record<string, unknown> = {}): Promise<{ orderId: string; amountFen: number }> {
  const res = await cloud.call<{ orderId: string; amountFen: number }>('groupBuy', openid, { action: 'join', groupBuyId, quantity, requestId: newRequestId('aud'), ...extra })
  if (!res.ok) throw new Error(`join: ${res.error?.code} ${res.error?.message}`)
  return res.data
}

async function paid(openid: string, groupBuyId: string, quantity: number, extra: Record<string, unknown> = {}): Promise<string> {
  const { orderId } = await joined(openid, groupBuyId, quantity, extra)
  const p = await cloud.pay.pay(orderId)
  if (!p.ok) throw new Error(`pay: ${p.reason}`)
  return orderId
}

async function endNow(groupBuyId: string, ticks = 2): Promise<void> {
  await database().collection('groupBuys').doc(groupBuyId).update({ data: { endAt: Date.now() - 1 } })
  await settle(ticks)
}

/** WeChat Pay's notice, as anyone on the internet could send it to the function. */
function notice(event: Record<string, unknown>, openid: string | null = null) {
  return cloud.invoke('payCallback', event, openid) as Promise<{ errcode: number; errmsg: string }>
}

/** The simulator's trade (private): to make WeChat Pay's own record say another amount. */
function trade(orderId: string): { totalFee: number; state: string } {
  return (cloud.pay as unknown as { trades: Map<string, { totalFee: number; state: string }> }).trades.get(orderId)!
}

async function reconcileMismatches(): Promise<Doc[]> {
  const r = await cloud.call<{ mismatches: Doc[] }>('admin', DEMO.admin, { action: 'reconcile' })
  if (!r.ok) throw new Error(`reconcile: ${r.error?.code}`)
  return r.data.mismatches
}

async function refundsOf(orderId: string): Promise<Doc[]> {
  return readAll('refunds', { orderId })
}

quietCrashLogs()
beforeAll(async () => {
  await cloud.call('admin', DEMO.admin, { action: 'grantRole', openid: LEADER2, role: 'leader', pickupPointId: cloud.otherPickupPointId })
  await cloud.call('admin', DEMO.admin, { action: 'grantRole', openid: MERCHANT2, role: 'merchant' })
})

// ─── Area 1: supply (帮卖) ───────────────────────────────────────────────────────────────────────────────────

describe('supply offers attacked by leaders and merchants', () => {
  it('REFUSED: leaders of two points race (20 calls) for the offer\'s last 3 units: exactly the stock is allocated, never more', async () => {
    const offerId = await publishOffer(cloud, await createProduct(cloud), DEMO.merchant, { stock: 5 })
    await mustGb(DEMO.leader, offerId, { stock: 2, limitPerUser: 2 })
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => fromOffer(i % 2 ? LEADER2 : DEMO.leader, offerId, { stock: 2, limitPerUser: 2 })))
    expect(results.filter((r) => r.ok)).toHaveLength(1)
    expect(results.filter((r) => !r.ok).every((r) => r.error?.code === 'SUPPLY.SOLD_OUT')).toBe(true)
    // The last unit: 10 more racing for one, one wins.
    const last = await Promise.all(Array.from({ length: 10 }, (_, i) => fromOffer(i % 2 ? LEADER2 : DEMO.leader, offerId, { stock: 1, limitPerUser: 1 })))
    expect(last.filter((r) => r.ok)).toHaveLength(1)
    const gbs = await readAll('groupBuys', { offerId })
    expect(gbs.reduce((s, g) => s + g.stock, 0)).toBe(5)
    expect((await readDoc('offers', offerId))!.stockLeft).toBe(0)
  })

  it('REFUSED: opening from an offer not open to the point, ended, not started, or with a window outside it allocates nothing', async () => {
    const now = Date.now()
    const only1 = await publishOffer(cloud, await createProduct(cloud), DEMO.merchant, { stock: 50, pickupPointIds: [cloud.pickupPointId] })
    expect((await fromOffer(LEADER2, only1)).error?.code).toBe('SUPPLY.NOT_AVAILABLE')
    const upcoming = await publishOffer(cloud, await createProduct(cloud), DEMO.merchant, { stock: 50, startAt: now + 3600_000, endAt: now + 7200_000 })
    expect((await fromOffer(DEMO.leader, upcoming)).error?.code).toBe('SUPPLY.NOT_AVAILABLE')
    expect((await fromOffer(DEMO.leader, upcoming, { startAt: now + 3600_000, endAt: now + 7000_000 })).error?.code).toBe('SUPPLY.NOT_AVAILABLE')
    const ended = await publishOffer(cloud, await createProduct(cloud), DEMO.merchant, { stock: 50 })
    await database().collection('offers').doc(ended).update({ data: { endAt: Date.now() - 1 } })
    expect((await fromOffer(DEMO.leader, ended)).error?.code).toBe('SUPPLY.NOT_AVAILABLE')
    const open = await publishOffer(cloud, await createProduct(cloud), DEMO.merchant, { stock: 50, endAt: now + 86400_000 })
    expect((await fromOffer(DEMO.leader, open, { endAt: now + 2 * 86400_000 })).error?.code).toBe('INPUT.INVALID')
    expect((await fromOffer(DEMO.leader, open, { startAt: now - 3600_000 })).error?.code).toBe('INPUT.INVALID')
    // Not a leader at all (a resident, a merchant): refused too.
    expect((await fromOffer(fresh('res'), open)).ok).toBe(false)
    expect((await fromOffer(DEMO.merchant, open)).ok).toBe(false)
    for (const id of [only1, upcoming, ended, open]) expect((await readDoc('offers', id))!.stockLeft).toBe(50)
    expect((await readAll('groupBuys', { offerId: open })).length).toBe(0)
  })

  it('REFUSED: a price outside min…max, below the floor where the platform share goes negative (plain, lowest tier, or the store\'s fee) is refused', async () => {
    const productId = await createProduct(cloud, { supplyPriceFen: 1000 })
    const offerId = await publishOffer(cloud, productId, DEMO.merchant, { stock: 50, commissionBp: 3000, minPriceFen: 1000, maxPriceFen: 3000 })
    const list = await cloud.call<{ items: Doc[] }>('supply', DEMO.leader, { action: 'listOpen' })
    const lowest = list.data.items.find((i) => i.offerId === offerId)!.lowestPriceFen as number
    expect(lowest).toBeGreaterThan(1000)
    expect((await fromOffer(DEMO.leader, offerId, { priceFen: 999 })).error?.code).toBe('SUPPLY.PRICE_OUT_OF_RANGE')
    expect((await fromOffer(DEMO.leader, offerId, { priceFen: 3001 })).error?.code).toBe('SUPPLY.PRICE_OUT_OF_RANGE')
    expect((await fromOffer(DEMO.leader, offerId, { priceFen: lowest - 1 })).error?.code).toBe('SUPPLY.PRICE_OUT_OF_RANGE')
    // 阶梯价 whose last tier drops below the floor.
    expect((await fromOffer(DEMO.leader, offerId, { priceFen: 2500, priceTiers: [{ minQuantity: 1, priceFen: 2500 }, { minQuantity: 5, priceFen: lowest - 1 }] })).error?.code).toBe('SUPPLY.PRICE_OUT_OF_RANGE')
    // The store's per-order fee: a price fine at fee 0 is refused where the store takes 3 yuan per order.
    expect((await cloud.call('admin', DEMO.admin, { action: 'setHandlingFee', pickupPointId: cloud.otherPickupPointId, handlingFeeFen: 300 })).ok).toBe(true)
    try {
      expect((await fromOffer(LEADER2, offerId, { priceFen: lowest })).error?.code).toBe('SUPPLY.PRICE_OUT_OF_RANGE')
    } finally {
      await cloud.call('admin', DEMO.admin, { action: 'setHandlingFee', pickupPointId: cloud.otherPickupPointId, handlingFeeFen: 0 })
    }
    expect((await readDoc('offers', offerId))!.stockLeft).toBe(50)
    expect((await fromOffer(DEMO.leader, offerId, { priceFen: lowest })).ok).toBe(true)
  })

  it('REFUSED: the merchant raises the product\'s supply price (and the admin the store fee) after group buys opened: they keep their frozen terms', async () => {
    const productId = await createProduct(cloud, { supplyPriceFen: 1000 })
    const offerId = await publishOffer(cloud, productId, DEMO.merchant, { stock: 50 })
    const gb = await mustGb(DEMO.leader, offerId, { priceFen: 2000 })
    const up = await cloud.call('catalog', DEMO.merchant, { action: 'updateProduct', productId, supplyPriceFen: 1900, suggestedPriceFen: 2500 })
    expect(up.ok).toBe(true)
    expect((await cloud.call('admin', DEMO.admin, { action: 'setHandlingFee', pickupPointId: cloud.pickupPointId, handlingFeeFen: 500 })).ok).toBe(true)
    let orderId: string
    try {
      orderId = await paid(fresh('frz'), gb, 2)
    } finally {
      await cloud.call('admin', DEMO.admin, { action: 'setHandlingFee', pickupPointId: cloud.pickupPointId, handlingFeeFen: 0 })
    }
    expect((await readDoc('offers', offerId))!.supplyPriceFen).toBe(1000)
    expect((await readDoc('groupBuys', gb))).toMatchObject({ supplyPriceFen: 1000, commissionBp: 1000, handlingFeeFen: 0 })
    const shares = netByParty(await orderEntries(cloud, orderId))
    expect(shares.merchant).toBe(2000)
    expect(shares.store).toBe(0)
    expect(shares.merchant + shares.leader + shares.store + shares.platform).toBe(4000)
    expect(shares.platform).toBeGreaterThanOrEqual(0)
    // A new group buy from the same offer is opened at the offer's (publish-time) supply price too.
    const gb2 = await mustGb(DEMO.leader, offerId, { priceFen: 2000 })
    expect((await readDoc('groupBuys', gb2))!.supplyPriceFen).toBe(1000)
    await endNow(gb)
    const pos = await cloud.call<{ items: Doc[] }>('supply', DEMO.merchant, { action: 'purchaseOrders', offerId })
    expect(pos.data.items.map((p) => ({ q: p.quantity, owed: p.amountOwedFen }))).toEqual([{ q: 2, owed: 2000 }])
  })

  it('REFUSED: markShipped 10x at once tells the leader once; another merchant can neither ship it, retag it, nor read the purchase orders', async () => {
    const offerId = await publishOffer(cloud, await createProduct(cloud), DEMO.merchant, { stock: 50 })
    const gb = await mustGb(DEMO.leader, offerId)
    await paid(fresh('shp'), gb, 3)
    await endNow(gb)
    const pos = await cloud.call<{ items: Doc[] }>('supply', DEMO.merchant, { action: 'purchaseOrders', offerId })
    expect(pos.data.items).toHaveLength(1)
    const poId = pos.data.items[0].purchaseOrderId as string

    // Another merchant: refused before and after 发货, nothing changes.
    const other = await cloud.call('supply', MERCHANT2, { action: 'markShipped', purchaseOrderId: poId, trackingNo: 'EVIL-0001' })
    expect(other.error?.code).toBe('PURCHASE_ORDER.NOT_FOUND')
    expect((await readDoc('purchaseOrders', poId))).toMatchObject({ status: 'OPEN', shippedAt: null })
    const read = await cloud.call('supply', MERCHANT2, { action: 'purchaseOrders', offerId })
    expect(read.error?.code).toBe('SUPPLY.NOT_FOUND')
    expect(JSON.stringify(read)).not.toContain(poId)
    // A leader or a resident cannot either.
    expect((await cloud.call('supply', DEMO.leader, { action: 'markShipped', purchaseOrderId: poId })).ok).toBe(false)
    expect((await cloud.call('supply', DEMO.leader, { action: 'purchaseOrders', offerId })).ok).toBe(false)

    const replies = await Promise.all(Array.from({ length: 10 }, () => cloud.call('supply', DEMO.merchant, { action: 'markShipped', purchaseOrderId: poId, trackingNo: 'SF1234567890' })))
    expect(replies.every((r) => r.ok)).toBe(true)
    const shippedAt = (await readDoc('purchaseOrders', poId))!.shippedAt
    expect(await cloud.call('supply', DEMO.merchant, { action: 'markShipped', purchaseOrderId: poId })).toMatchObject({ ok: true })
    expect((await readDoc('purchaseOrders', poId))).toMatchObject({ status: 'SHIPPED', shippedAt, trackingNo: 'SF1234567890' })
    const notices = (await readAll('notices', { openid: DEMO.leader, kind: 'SHIPPED' })).filter((n) => String(n.page).includes(gb))
    expect(notices).toHaveLength(1)
    // After 发货, the other merchant still cannot retag it.
    await cloud.call('supply', MERCHANT2, { action: 'markShipped', purchaseOrderId: poId, trackingNo: 'EVIL-0002' })
    expect((await readDoc('purchaseOrders', poId))!.trackingNo).toBe('SF1234567890')
  })

  it('REFUSED: a purchase order carries exactly what was sold and kept: a rolled-over order cancelled (refunded), a payment after the end (refunded), a failed group (nothing)', async () => {
    const offerId = await publishOffer(cloud, await createProduct(cloud), DEMO.merchant, { stock: 100 })
    const failing = await mustGb(DEMO.leader, offerId, { minParticipants: 5 })
    const X = fresh('x')
    const xOrder = await paid(X, failing, 2, { onFail: 'ROLL_OVER' })
    await endNow(failing)
    expect((await readDoc('groupBuys', failing))!.status).toBe('FAILED')
    const next = await mustGb(DEMO.leader, offerId, { minParticipants: 2 })
    await settle(2)
    expect((await readDoc('orders', xOrder))!.groupBuyId).toBe(next)
    // X cancels the moved order before 成团: full refund.
    const cancel = await cloud.call('order', X, { action: 'cancel', orderId: xOrder })
    expect(cancel.ok).toBe(true)
    await paid(fresh('y'), next, 3)
    await paid(fresh('z'), next, 1)
    // W pays, but WeChat Pay's notice is still on its way when the group ends.
    const W = fresh('w')
    const w = await joined(W, next, 2)
    expect((await cloud.pay.pay(w.orderId, { deliver: false })).ok).toBe(true)
    await endNow(next, 3)
    await cloud.pay.notify(w.orderId)
    await settle(2)
    await processDueRefunds(database(), Date.now() + 10 * MIN)
    expect((await readDoc('groupBuys', next))!.status).toBe('CLOSED')
    const pos = await cloud.call<{ items: Doc[] }>('supply', DEMO.merchant, { action: 'purchaseOrders', offerId })
    expect(pos.data.items.map((p) => ({ q: p.quantity, gbs: p.groupBuyIds, owed: p.amountOwedFen }))).toEqual([{ q: 4, gbs: [next], owed: 4000 }])
    expect(cloud.pay.refundedFor(xOrder)).toBe(2 * 1990)
    expect(cloud.pay.refundCountFor(xOrder)).toBe(1)
    expect(cloud.pay.refundedFor(w.orderId)).toBe(w.amountFen)
    expect(cloud.pay.refundCountFor(w.orderId)).toBe(1)
    // The offer: the failed group gave back all 10, the closed one its 6 unsold.
    expect((await readDoc('offers', offerId))!.stockLeft).toBe(100 - 4)
    const mine = await cloud.call<{ items: Doc[] }>('supply', DEMO.merchant, { action: 'listMine' })
    expect(mine.data.items.find((o) => o.offerId === offerId)).toMatchObject({ sold: 4 })
    const mm = (await reconcileMismatches()).filter((m) => [xOrder, w.orderId].includes(m.orderId) || [failing, next].includes(m.groupBuyId))
    expect(mm).toEqual([])
  })
})

// ─── Area 2: payment notices ─────────────────────────────────────────────────────────────────────────────────

describe('payment notices (payCallback) attacked', () => {
  let offerId: string
  beforeAll(async () => {
    offerId = await publishOffer(cloud, await createProduct(cloud), DEMO.merchant, { stock: 1000 })
  })

  it('REFUSED: a forged SUCCESS notice (no payment; also sent with a resident identity, any amount) for an unpaid order changes nothing', async () => {
    const gb = await mustGb(DEMO.leader, offerId, { minParticipants: 1 })
    const R = fresh('forge')
    const o = await joined(R, gb, 2)
    const forged = { returnCode: 'SUCCESS', resultCode: 'SUCCESS', outTradeNo: o.orderId, totalFee: o.amountFen, transactionId: '4200000000', sign: 'BAD', tradeState: 'SUCCESS' }
    const replies = await Promise.all([...Array.from({ length: 5 }, () => notice(forged)), notice(forged, R), notice({ ...forged, totalFee: 1 })])
    expect(replies.every((r) => r.errcode === 0)).toBe(true)
    expect((await readDoc('orders', o.orderId))!.status).toBe('PENDING_PAYMENT')
    expect((await readDoc('groupBuys', gb))).toMatchObject({ soldQuantity: 0, paidParticipants: 0, status: 'OPEN' })
    expect(await refundsOf(o.orderId)).toEqual([])
    expect(await readAll('ledgerEntries', { orderId: o.orderId })).toEqual([])
  })

  it('REFUSED: a genuine SUCCESS notice replayed 10x concurrently (plus a settle) applies once; ledger exact', async () => {
    const gb = await mustGb(DEMO.leader, offerId, { minParticipants: 2 })
    const A = fresh('rpl')
    const o = await joined(A, gb, 3)
    expect((await cloud.pay.pay(o.orderId, { deliver: false })).ok).toBe(true)
    const event = { returnCode: 'SUCCESS', resultCode: 'SUCCESS', outTradeNo: o.orderId, totalFee: o.amountFen }
    const replies = await Promise.all([...Array.from({ length: 10 }, () => notice(event)), cloud.fireTimer('settle')])
    expect(replies.slice(0, 10).every((r) => (r as { errcode: number }).errcode === 0)).toBe(true)
    expect((await readDoc('orders', o.orderId))!.status).toBe('PAID')
    const g = (await readDoc('groupBuys', gb))!
    expect({ sold: g.soldQuantity, paid: g.paidParticipants, reserved: g.reservedQuantity }).toEqual({ sold: 3, paid: 1, reserved: 0 })
    expect(await readDoc('participations', participationIdFor(gb, A))).toMatchObject({ paidOrders: 1 })
    const shares = netByParty(await orderEntries(cloud, o.orderId))
    expect(shares.merchant).toBe(3000)
    expect(shares.merchant + shares.leader + shares.store + shares.platform).toBe(o.amountFen)
    expect(await refundsOf(o.orderId)).toEqual([])
    expect((await reconcileMismatches()).filter((m) => m.orderId === o.orderId || m.groupBuyId === gb)).toEqual([])
  })

  it('REFUSED: WeChat Pay says another amount was paid: never counted, that amount refunded once (10 replays), the hold expires and its stock comes back', async () => {
    const gb = await mustGb(DEMO.leader, offerId, { minParticipants: 1, stock: 10 })
    const o = await joined(fresh('amt'), gb, 2)
    trade(o.orderId).totalFee = o.amountFen - 1
    expect((await cloud.pay.pay(o.orderId, { deliver: false })).ok).toBe(true)
    const event = { returnCode: 'SUCCESS', resultCode: 'SUCCESS', outTradeNo: o.orderId, totalFee: o.amountFen }
    await Promise.all(Array.from({ length: 10 }, () => notice(event)))
    expect((await readDoc('orders', o.orderId))!.status).toBe('PENDING_PAYMENT')
    expect(await refundsOf(o.orderId)).toHaveLength(1)
    await database().collection('orders').doc(o.orderId).update({ data: { expiresAt: Date.now() - 1 } })
    await settle(2)
    await processDueRefunds(database(), Date.now() + 10 * MIN)
    await Promise.all(Array.from({ length: 3 }, () => notice(event)))
    await settle(1)
    const order = (await readDoc('orders', o.orderId))!
    // Never PAID: the hold expired, and the refund of what WeChat Pay took may then mark it REFUNDED.
    expect(['EXPIRED', 'REFUNDED']).toContain(order.status)
    expect(order.paidAt ?? null).toBeNull()
    expect(cloud.pay.refundedFor(o.orderId)).toBe(o.amountFen - 1)
    expect(cloud.pay.refundCountFor(o.orderId)).toBe(1)
    const g = (await readDoc('groupBuys', gb))!
    expect({ sold: g.soldQuantity, reserved: g.reservedQuantity, stockLeft: g.stockLeft, paid: g.paidParticipants }).toEqual({ sold: 0, reserved: 0, stockLeft: 10, paid: 0 })
    expect((await reconcileMismatches()).filter((m) => m.orderId === o.orderId || m.groupBuyId === gb)).toEqual([])
  })

  it('REFUSED: money arriving for an order the resident cancelled (or that expired) is refunded exactly once, however often notified', async () => {
    const gb = await mustGb(DEMO.leader, offerId, { minParticipants: 1, stock: 10 })
    const R = fresh('cxl')
    const o = await joined(R, gb, 2)
    expect((await cloud.call('order', R, { action: 'cancel', orderId: o.orderId })).ok).toBe(true)
    // The pay sheet was still open in another tab: the resident completes it.
    expect((await cloud.pay.pay(o.orderId)).ok).toBe(true)
    await Promise.all(Array.from({ length: 10 }, () => cloud.pay.notify(o.orderId)))
    // Expired the same way: closeOrder could not be reached, so the hold was released and the payment came after.
    const E = fresh('exp')
    const e = await joined(E, gb, 1)
    await database().collection('orders').doc(e.orderId).update({ data: { expiresAt: Date.now() - 1 } })
    cloud.pay.failNextCloses(10)
    await settle(1)
    cloud.pay.failNextCloses(0)
    expect((await readDoc('orders', e.orderId))!.status).toBe('EXPIRED')
    expect((await cloud.pay.pay(e.orderId)).ok).toBe(true)
    await Promise.all(Array.from({ length: 10 }, () => cloud.pay.notify(e.orderId)))
    await settle(2)
    await processDueRefunds(database(), Date.now() + 10 * MIN)
    for (const x of [o, e]) {
      expect(cloud.pay.refundedFor(x.orderId)).toBe(x.amountFen)
      expect(cloud.pay.refundCountFor(x.orderId)).toBe(1)
      expect((await readDoc('orders', x.orderId))!.status).toBe('REFUNDED')
    }
    const g = (await readDoc('groupBuys', gb))!
    expect({ sold: g.soldQuantity, reserved: g.reservedQuantity, stockLeft: g.stockLeft }).toEqual({ sold: 0, reserved: 0, stockLeft: 10 })
    expect((await reconcileMismatches()).filter((m) => [o.orderId, e.orderId].includes(m.orderId) || m.groupBuyId === gb)).toEqual([])
  })

  it('REFUSED: a notice for an unknown or malformed trade number is acknowledged and writes nothing', async () => {
    const before = (await readAll('refunds', {})).length
    const ordersBefore = (await readAll('orders', {})).length
    const replies = await Promise.all([
      notice({ returnCode: 'SUCCESS', resultCode: 'SUCCESS', outTradeNo: `o${Date.now()}nosuch`, totalFee: 100 }),
      notice({ returnCode: 'SUCCESS', resultCode: 'SUCCESS', outTradeNo: `c${Date.now()}nosuch`, totalFee: 100 }),
      notice({ returnCode: 'SUCCESS', resultCode: 'SUCCESS', totalFee: 100 }),
      notice({ returnCode: 'SUCCESS', resultCode: 'SUCCESS', outTradeNo: 'x'.repeat(40), totalFee: 100 }),
      notice({ returnCode: 'SUCCESS', outTradeNo: { $ne: null } as unknown as string }),
    ])
    expect(replies.every((r) => r.errcode === 0)).toBe(true)
    expect((await readAll('refunds', {})).length).toBe(before)
    expect((await readAll('orders', {})).length).toBe(ordersBefore)
  })

  it('REFUSED: a payment whose notice arrives after the group failed (and out of order, replayed) is refunded once; the failure refunds the rest once', async () => {
    const gb = await mustGb(DEMO.leader, offerId, { minParticipants: 5, stock: 10 })
    const A = await paid(fresh('fa'), gb, 2)
    const B = await joined(fresh('fb'), gb, 1)
    expect((await cloud.pay.pay(B.orderId, { deliver: false })).ok).toBe(true)
    // An early forged notice for a third, unpaid order; then the end.
    const C = await joined(fresh('fc'), gb, 1)
    await notice({ returnCode: 'SUCCESS', resultCode: 'SUCCESS', outTradeNo: C.orderId, totalFee: C.amountFen })
    await endNow(gb, 2)
    expect((await readDoc('groupBuys', gb))!.status).toBe('FAILED')
    // Late and replayed notices for B, and a late genuine payment for C's closed trade (refused by WeChat Pay).
    await Promise.all([...Array.from({ length: 10 }, () => cloud.pay.notify(B.orderId)), cloud.pay.pay(C.orderId)])
    await settle(2)
    await processDueRefunds(database(), Date.now() + 10 * MIN)
    await Promise.all(Array.from({ length: 3 }, () => cloud.pay.notify(B.orderId)))
    await settle(1)
    expect(cloud.pay.refundCountFor(A)).toBe(1)
    expect(cloud.pay.refundedFor(A)).toBe(2 * 1990)
    expect(cloud.pay.refundCountFor(B.orderId)).toBe(1)
    expect(cloud.pay.refundedFor(B.orderId)).toBe(B.amountFen)
    expect(cloud.pay.refundedFor(C.orderId)).toBe(0)
    expect((await readDoc('orders', C.orderId))!.status).toBe('CANCELLED')
    expect((await readDoc('orders', B.orderId))!.status).toBe('REFUNDED')
    expect(await readAll('purchaseOrders', { offerId, groupBuyIds: gb })).toEqual([])
    expect((await reconcileMismatches()).filter((m) => [A, B.orderId, C.orderId].includes(m.orderId) || m.groupBuyId === gb)).toEqual([])
  })

  it('REFUSED: a 帮卖 payment cut at each write (order, count, participation, ledger, 成团, messages) ends exact: paid once, counters = recount, ledger split exact, reconcile clean', async () => {
    // A group far from 成团 (cuts in the payment's own transaction), and for the 成团 cuts one group each whose first payment wins it.
    const big = await mustGb(DEMO.leader, offerId, { minParticipants: 50, stock: 60, limitPerUser: 5 })
    const cuts: Array<{ collection: string; nth?: number; matchGb?: boolean; alone?: boolean }> = [
      { collection: 'orders' }, { collection: 'participations' }, { collection: 'groupBuys', matchGb: true }, { collection: 'ledgerEntries' }, { collection: 'buyerDays' },
      { collection: 'groupBuys', matchGb: true, nth: 2, alone: true }, { collection: 'orders', nth: 2, alone: true }, { collection: 'outbox', alone: true }, { collection: 'notices', alone: true },
    ]
    const orders: Array<{ orderId: string; gb: string; quantity: number; died: boolean; cut: string }> = []
    for (const [i, cut] of cuts.entries()) {
      const gb = cut.alone ? await mustGb(DEMO.leader, offerId, { minParticipants: 1, stock: 10 }) : big
      const quantity = 1 + (i % 3)
      const o = await joined(fresh(`cut${i}`), gb, quantity)
      const killed = await dieAt(cloud, { collection: cut.collection, nth: cut.nth, match: cut.matchGb ? gb : cut.collection === 'orders' ? o.orderId : undefined }, () => cloud.pay.pay(o.orderId))
      orders.push({ orderId: o.orderId, gb, quantity, died: killed.died, cut: `${cut.collection}#${cut.nth ?? 1}${cut.alone ? '(成团)' : ''}` })
      await settle(1)
      await cloud.pay.notify(o.orderId)
    }
    await settle(2)
    // eslint-disable-next-line no-console
    console.log(`payment cuts that hit: ${orders.filter((o) => o.died).map((o) => o.cut).join(', ')}`)
    expect(orders.filter((o) => o.died).length).toBeGreaterThanOrEqual(6)
    for (const o of orders) {
      const doc = (await readDoc('orders', o.orderId))!
      expect({ cut: o.cut, status: doc.status, finished: doc.paymentFinishedAt > 0 }).toEqual({ cut: o.cut, status: 'PAID', finished: true })
      const shares = netByParty(await orderEntries(cloud, o.orderId))
      expect({ cut: o.cut, merchant: shares.merchant, sum: shares.merchant + shares.leader + shares.store + shares.platform }).toEqual({ cut: o.cut, merchant: 1000 * o.quantity, sum: 1990 * o.quantity })
      expect(cloud.pay.refundCountFor(o.orderId)).toBe(0)
    }
    for (const gb of new Set(orders.map((o) => o.gb))) {
      const g = (await readDoc('groupBuys', gb))!
      const mine = orders.filter((o) => o.gb === gb)
      const want = mine.reduce((s, o) => s + o.quantity, 0)
      expect({ gb, sold: g.soldQuantity, reserved: g.reservedQuantity, paid: g.paidParticipants, status: g.status }).toEqual({ gb, sold: want, reserved: 0, paid: mine.length, status: gb === big ? 'OPEN' : 'SUCCEEDED' })
      const rc = await recountGroupBuy(gb)
      expect({ soldQuantity: g.soldQuantity, reservedQuantity: g.reservedQuantity, paidParticipants: g.paidParticipants }).toEqual(rc)
      if (gb !== big) {
        // Its 成团 told: the leader and the merchant once each, the payer's message queued once.
        expect(g.succeededNotified).toBe(true)
        expect(await readAll('outbox', { _id: `succeeded_${mine[0].orderId}` })).toHaveLength(1)
      }
    }
    const gbs = new Set(orders.map((o) => o.gb))
    const mm = (await reconcileMismatches()).filter((m) => orders.some((o) => o.orderId === m.orderId) || gbs.has(m.groupBuyId))
    expect(mm).toEqual([])
    // The groups end: each purchase order holds exactly what was paid.
    await database().collection('groupBuys').doc(big).update({ data: { minParticipants: 1 } })
    for (const gb of gbs) await database().collection('groupBuys').doc(gb).update({ data: { endAt: Date.now() - 1 } })
    await settle(3)
    const pos = await readAll('purchaseOrders', { offerId })
    for (const gb of gbs) {
      const holding = pos.filter((p) => p.groupBuyIds.includes(gb))
      expect(holding).toHaveLength(1)
    }
    const total = orders.reduce((s, o) => s + o.quantity, 0)
    const inPos = pos.filter((p) => p.groupBuyIds.some((id: string) => gbs.has(id))).reduce((s, p) => s + p.quantity, 0)
    expect(inPos).toBe(total)
  })
})

// ─── Area 2: shipping uploads ────────────────────────────────────────────────────────────────────────────────

describe('shipping uploads (发货信息) of 帮卖 orders', () => {
  async function closedWithOrders(tag: string, quantities: number[]): Promise<{ gb: string; orders: Array<{ openid: string; orderId: string }> }> {
    const offerId = await publishOffer(cloud, await createProduct(cloud, { name: `审计发货 ${tag}` }), DEMO.merchant, { stock: 100 })
    const gb = await mustGb(DEMO.leader, offerId, { minParticipants: 1, stock: 20 })
    const orders = []
    for (const q of quantities) {
      const openid = fresh(tag)
      orders.push({ openid, orderId: await paid(openid, gb, q) })
    }
    await endNow(gb)
    return { gb, orders }
  }

  async function verify(openid: string, orderId: string): Promise<Reply> {
    const got = await cloud.call<{ order: { pickupCode: string | null } }>('order', openid, { action: 'get', orderId })
    const code = got.data.order.pickupCode
    if (!code) return { ok: false, data: {}, error: { code: 'NO_CODE', message: 'no pickup code shown' } }
    return cloud.call('pickup', DEMO.clerk, { action: 'verify', code })
  }

  it('REFUSED: each picked-up order is uploaded exactly once through failures and concurrent ticks; an order refunded in full before pickup is never uploaded', async () => {
    const { gb, orders } = await closedWithOrders('shp', [2, 2, 3])
    // 4 of 7 arrived: the first two orders (2 + 2) are served, the third is refunded in full before any pickup.
    const arrived = await cloud.call('groupBuy', DEMO.leader, { action: 'markArrived', groupBuyId: gb, receivedQuantity: 4 })
    expect(arrived.ok).toBe(true)
    await processDueRefunds(database(), Date.now() + MIN)
    const [a, b, c] = orders
    expect((await readDoc('orders', c.orderId))!.status).toMatch(/REFUND/)
    expect((await Promise.all(Array.from({ length: 5 }, () => verify(a.openid, a.orderId)))).filter((r) => r.ok)).toHaveLength(1)
    expect((await verify(b.openid, b.orderId)).ok).toBe(true)
    expect((await verify(c.openid, c.orderId)).ok).toBe(false)
    cloud.shipping.failNext(2)
    await Promise.all([cloud.fireTimer('settle'), cloud.fireTimer('settle')])
    const t0 = Date.now()
    for (const dt of [2 * MIN, 10 * MIN, 60 * MIN]) await Promise.all([processDueShipping(database(), t0 + dt), processDueShipping(database(), t0 + dt)])
    expect(cloud.shipping.uploadsFor(a.orderId)).toBe(1)
    expect(cloud.shipping.uploadsFor(b.orderId)).toBe(1)
    expect(cloud.shipping.uploadsFor(c.orderId)).toBe(0)
    expect(await readAll('shippingUploads', { orderId: c.orderId })).toEqual([])
    for (const x of [a, b]) expect(await readDoc('shippingUploads', `sh_${x.orderId}`)).toMatchObject({ status: 'ACCEPTED' })
  })

  it('BUG (fixed): uploads WeChat accepted, each cut before it was marked ACCEPTED, left the record retried every two hours for ever once WeChat answered 10060003 (max uploads reached); it is accepted now', async () => {
    const { gb, orders } = await closedWithOrders('shc', [1])
    expect((await cloud.call('groupBuy', DEMO.leader, { action: 'markArrived', groupBuyId: gb })).ok).toBe(true)
    const [a] = orders
    expect((await verify(a.openid, a.orderId)).ok).toBe(true)
    // Queue it (settle), with WeChat failing so nothing is uploaded yet.
    cloud.shipping.failNext(1)
    await cloud.fireTimer('settle')
    expect(cloud.shipping.uploadsFor(a.orderId)).toBe(0)
    const t0 = Date.now() + 2 * MIN
    // Twice: WeChat accepts the upload (the first, then the one re-upload it allows), the instance dies before the mark.
    for (const [i, t] of [t0, t0 + 5 * MIN].entries()) {
      const killed = await dieAt(cloud, { collection: 'shippingUploads', match: 'ACCEPTED' }, () => processDueShipping(database(), t))
      expect(killed.died).toBe(true)
      expect(cloud.shipping.uploadsFor(a.orderId)).toBe(i + 1)
    }
    await processDueShipping(database(), t0 + 40 * MIN)
    // WeChat answers 10060003 (it holds this payment's shipping): the record is done, not retried for ever.
    expect(await readDoc('shippingUploads', `sh_${a.orderId}`)).toMatchObject({ status: 'ACCEPTED', lastError: null })
    expect(cloud.shipping.uploadsFor(a.orderId)).toBe(2)
    const backlog = await shippingBacklog(database())
    expect(backlog.items.map((x) => x.orderId)).not.toContain(a.orderId)
  })
})
