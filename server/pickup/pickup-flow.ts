import { DEFAULT_PICKUP_CODE_TTL_MS, PICKUP_CODE_LENGTH, pickupExpiresAtFor } from '@shared/domain/pickup'
import { allocateCode, drawDigits, reserveKeyed } from '@server/codes'
import { isDuplicateWrite } from '@server/cloud'
import { findById, updatedCount } from '@server/fetch'
import { addMany, drainMarked } from '@server/batch-insert'
import type { PickupCodeDoc } from '@server/pickup/model'
import type { OrderDoc } from '@server/orders/model'
import { enqueue, enqueueMany, type OutboxMessage } from '@server/messages/outbox'
import { pickupWordsForGroupBuy, type OrderPickup } from '@server/pickup/place'
import { crashPoint } from '@server/crash-points'
import { bookPickup, pickupLedgerFields } from '@server/ledger/ledger-flow'
import { ledgerOf } from '@server/ledger/model'
import { moveOrderInTx } from '@server/orders/moves'
import { inTransaction, txGet, type Tx } from '@server/ledger/txn'
import { earnPickupPoints, earnPickupPointsInTx } from '@server/members/points'
import { handoverRecordFields } from '@server/pickup/handover-records'
import type { VerificationDoc } from '@server/pickup/model'
import { queueShipping, shippingMark } from '@server/payments/shipping'
import { finishEach } from '@server/crash-finish'
import { docsOf } from '@server/paging'
import type { DueQuery } from '@server/due'
import { msSetting } from '@server/settings'

export function pickupCodeTtlMs(): number {
  return msSetting(process.env.PICKUP_CODE_TTL_MS, DEFAULT_PICKUP_CODE_TTL_MS, { positive: true })
}

/**
 * A paid order whose goods are at the store: PAID → READY_FOR_PICKUP with its own pickup code in one transaction
 * (the counter's 待提货 number counts READY orders: ready-count.ts), then the resident is told (keyed by the
 * order). Used by markArrived for everyone paid so far, and by the payment flow for anyone who pays after arrival.
 * False when another call readied it first or it is no longer PAID.
 */
export async function readyForPickup(db: DB.Database, order: OrderDoc, ttl: number, now: number, servedQuantity = order.quantity, place?: OrderPickup): Promise<boolean> {
  // Most orders carry the code drawn with their payment (drawnPickupCode), reserved here if the sign-off has not
  // yet (a payment after the goods arrived); one paid the slow way draws it here.
  await reserveDrawnCode(db, order, now)
  const drawn = order.pickupCode
    ? null
    : await allocateCode(() => drawDigits(PICKUP_CODE_LENGTH), reserveKeyed(db, 'pickupCodes', { orderId: order._id, openid: order.openid, pickupPointId: order.pickupPointId, createdAt: now }))
  const code = await inTransaction(db, async (t) => {
    const o = await txGet<OrderDoc>(t, 'orders', order._id)
    if (!o || o.status !== 'PAID') return null
    const its = o.pickupCode ?? drawn
    // A code drawn but not reserved is never handed out (its reservation, above, may have been cut off).
    if (!its || o.codeDueAt) return null
    // `place`: where and when to collect, when the caller knows it (a sign-off): the pickup-code page then reads the order alone.
    await moveOrderInTx(t, o, 'READY_FOR_PICKUP', { pickupCode: its, pickupExpiresAt: pickupExpiresAtFor(now, ttl), readyAt: now, servedQuantity, ...(place ? { pickup: place } : {}) })
    crashPoint('ready:after-move')
    return its
  })
  // Not readied by this call (another one did, or it is being refunded), or the order had a code after all: a
  // code drawn here was never handed out.
  if (drawn && code !== drawn) await db.collection('pickupCodes').where({ _id: drawn, orderId: order._id }).remove()
  if (!code) return false
  crashPoint('ready:after-readied')
  await tellArrived(db, { ...order, pickupCode: code, servedQuantity }, now)
  return true
}

/**
 * #23: an order's pickup code is drawn with its payment, inside the payment's own transaction, and rides on the
 * order's write there; it is reserved (pickupCodes/<code>, the keyed insert that makes it unique and lets
 * pickup.verify find it) later, for a whole group at once, when the goods arrive (reserveDrawnCodes) — the payment
 * writes no document for it. `codeDueAt` marks a code not reserved yet. The order shows its code only once READY
 * (the order view's CODE_VISIBLE) and every way to READY reserves first, so no code is handed out unreserved; the
 * sign-off then readies the whole group in one write (arrival.ts readyInBulk).
 */
export function drawnPickupCode(now: number): { pickupCode: string; codeDueAt: number } {
  return { pickupCode: drawDigits(PICKUP_CODE_LENGTH), codeDueAt: now }
}

/**
 * Reserve the codes the payments of a group buy drew (codeDueAt): one keyed batch insert per page, then the page's
 * marks removed in one write (drainMarked), so a sign-off costs a few operations for its whole group, not one per
 * order. A code already taken by another order (random draws collide now and then) is drawn again for this order
 * and reserved before it is put on the order; one taken by this same order was reserved by a run a crash cut off.
 * The number of orders whose codes were reserved.
 */
export async function reserveDrawnCodes(db: DB.Database, groupBuyId: string, now: number): Promise<number> {
  const _ = db.command
  return drainMarked<OrderDoc>(db, 'orders', { groupBuyId, codeDueAt: _.gt(0) }, { codeDueAt: _.remove() }, async (page) => {
    await reserveCodes(db, page, now)
    return page.length
  }, MAX_CODES_PER_GROUP)
}

/** reserveDrawnCodes for one order (a payment that readies its order at once, the goods being in already). */
export async function reserveDrawnCode(db: DB.Database, order: OrderDoc, now: number): Promise<void> {
  if (!order.codeDueAt || !order.pickupCode) return
  await reserveCodes(db, [order], now)
  await db.collection('orders').where({ _id: order._id, codeDueAt: db.command.gt(0) }).update({ data: { codeDueAt: db.command.remove() } })
}

/** A group buy's orders are bounded by its stock; this caps one run (the marks left are reserved by the next). */
const MAX_CODES_PER_GROUP = 20_000

function bindingOf(order: Pick<OrderDoc, '_id' | 'openid' | 'pickupPointId'>, now: number): Record<string, unknown> {
  return { orderId: order._id, openid: order.openid, pickupPointId: order.pickupPointId, createdAt: now }
}

async function reserveCodes(db: DB.Database, orders: readonly OrderDoc[], now: number): Promise<void> {
  const drawn = orders.filter((o) => o.pickupCode)
  try {
    await addMany(db, 'pickupCodes', drawn.map((o) => ({ _id: o.pickupCode, ...bindingOf(o, now) })))
    return
  } catch (err) {
    if (!isDuplicateWrite(err)) throw err
  }
  // A code in the batch is taken (the batch may have been written in part): one by one.
  for (const o of drawn) {
    if (await reserveKeyed(db, 'pickupCodes', bindingOf(o, now))(o.pickupCode!)) continue
    const holder = await findById<PickupCodeDoc>(db, 'pickupCodes', o.pickupCode!)
    if (holder?.orderId === o._id) continue
    // Another order's code: a fresh one, reserved first, then put on the order if it still carries the drawn one.
    const fresh = await allocateCode(() => drawDigits(PICKUP_CODE_LENGTH), reserveKeyed(db, 'pickupCodes', bindingOf(o, now)))
    const moved = await db.collection('orders').where({ _id: o._id, pickupCode: o.pickupCode, codeDueAt: db.command.gt(0) }).update({ data: { pickupCode: fresh } })
    if (updatedCount(moved) === 0) await db.collection('pickupCodes').where({ _id: fresh, orderId: o._id }).remove()
  }
}

/**
 * 到货 tells where and when to collect (自提点 and 提货时间), not only the code; keyed by the order, so the sign-off
 * or payment that finishes a readying a crash cut off after its transaction tells the resident once.
 */
export async function tellArrived(db: DB.Database, order: Pick<OrderDoc, '_id' | 'openid' | 'groupBuyId' | 'title' | 'pickupCode' | 'servedQuantity' | 'quantity'>, now: number): Promise<void> {
  const words = await pickupWordsForGroupBuy(db, order.groupBuyId, now)
  await enqueue(db, `arrived_${order._id}`, arrivedMessage(order, words), now)
}

function arrivedMessage(order: Parameters<typeof tellArrived>[1], words: { place: string; window: string }): OutboxMessage {
  return {
    toOpenid: order.openid,
    template: 'GOODS_ARRIVED',
    page: `pages/resident/order/index?orderId=${order._id}`,
    data: { thing1: { value: order.title.slice(0, 20) }, character_string2: { value: order.pickupCode ?? '' }, number3: { value: String(order.servedQuantity ?? order.quantity) } },
    where: words,
  }
}

/** tellArrived for many orders of one group buy at once (a sign-off's bulk readying): the messages in batches. */
export async function tellArrivedAll(db: DB.Database, groupBuyId: string, orders: ReadonlyArray<Parameters<typeof tellArrived>[1]>, now: number): Promise<void> {
  if (orders.length === 0) return
  const words = await pickupWordsForGroupBuy(db, groupBuyId, now)
  await enqueueMany(db, orders.map((o) => ({ key: `arrived_${o._id}`, msg: arrivedMessage(o, words) })), now)
}

/**
 * The hand-over's own steps inside the transaction that moves the order to PICKED_UP (pickup.verify, voucher.redeem):
 * the ledger's pickup (the after-sales window starts, the tier volume counted), the order's points (the balance
 * moved; its entry), the shipping record's mark and the counter's audit line (`audit`), returned for the caller's
 * write of the order (shippingMark, handoverRecordFields: settle writes the entry and the line as documents) — all in
 * that one commit, so nothing is left for a crash to cut off and the order is written with `handoverFinishedAt:
 * now`. `order` is the order as the transaction writes it (PICKED_UP, pickedUpAt). Null when the order's sale is
 * not in the ledger yet (a payment cut off before it): the order is then written with `handoverFinishedAt: 0` and
 * finishHandover runs the steps after the commit, booking the sale first, as settle's finishInterruptedHandovers
 * would.
 */
export async function finishHandoverInTx(t: Tx, db: DB.Database, order: OrderDoc, now: number, audit?: Omit<VerificationDoc, '_id'>): Promise<Record<string, unknown> | null> {
  // The ledger position is on the order the transaction read (#23): no second document to read or write.
  const lo = ledgerOf(order)
  if (!lo) return null
  const earned = await earnPickupPointsInTx(t, db, order, now)
  // The ledger's pickup, the shipping record, the audit line and the points entry ride on the order's own write
  // (settle writes the documents in batches: payments/shipping.ts queueDueShipping, pickup/handover-records.ts).
  return { ...pickupLedgerFields(lo, order.pickedUpAt ?? now, now), ...shippingMark(order, order.pickedUpAt ?? now), ...handoverRecordFields({ ...(audit ? { verification: audit } : {}), ...(earned ? { earned } : {}) }, now) }
}

/**
 * The steps after a hand-over whose transaction could not take them (finishHandoverInTx: no ledger sale yet), in
 * order: the ledger's pickup (booking the sale first), the order's points, the shipping upload's queue entry
 * (小程序发货信息管理, server/payments/shipping.ts), then handoverFinishedAt. Each is keyed by the order, so a
 * clerk's retry or settle finishes what a crash left, once.
 */
export async function finishHandover(db: DB.Database, order: OrderDoc, now: number): Promise<void> {
  await bookPickup(db, order._id, now)
  crashPoint('pickup:after-release')
  await earnPickupPoints(db, order, now)
  crashPoint('pickup:after-points')
  // WeChat releases the payment once told the goods were handed over: queued (once per payment), uploaded by settle.
  await queueShipping(db, order, order.pickedUpAt ?? now)
  await db.collection('orders').where({ _id: order._id, handoverFinishedAt: 0 }).update({ data: { handoverFinishedAt: now } })
}

/** What finishInterruptedHandovers selects: hand-overs whose later steps are not done. */
export const UNFINISHED_HANDOVERS: DueQuery = { collection: 'orders', where: () => ({ handoverFinishedAt: 0 }) }

/** settle: hand-overs whose later steps a crash cut off. */
export async function finishInterruptedHandovers(db: DB.Database, now: number, batch = 100): Promise<{ finished: number }> {
  const orders = await docsOf<OrderDoc>(db.collection('orders').where(UNFINISHED_HANDOVERS.where(db.command, now)).limit(batch))
  return { finished: await finishEach(orders, (o) => finishHandover(db, o, now), 'pickup') }
}
