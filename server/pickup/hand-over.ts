import { decideHandOverQuantity, decidePickup, quantityLeftToHandOver } from '@shared/domain/pickup'
import { ERROR_CODES, type ErrorCode } from '@shared/errors'
import { crashPoint, isCrash } from '@server/crash-points'
import type { OrderDoc } from '@server/orders/model'
import { inTransaction, txGet } from '@server/ledger/txn'
import { addNotice } from '@server/messages/notices'
import { moveOrderInTx } from '@server/orders/moves'
import { finishHandover, finishHandoverInTx } from '@server/pickup/pickup-flow'
import { shippingMark } from '@server/payments/shipping'
import { noticeDelivered } from '@server/delivery/notice'
import { forgetDoor, isTombstone } from '@server/privacy/tombstone'
import type { VerificationDoc } from '@server/pickup/model'
import { audit } from '@server/pickup/verifications'

/** How the order was found at the counter: its own code, a proxy code, the resident's all-my-orders code, or the list. */
export type HandOverVia = 'code' | 'delegate' | 'myCode' | 'list'

/**
 * The counter's audit line of this attempt, but for what the hand-over decides (order, quantity, outcome): a
 * completing hand-over writes it on the order in its own transaction (handover-records.ts) and answers `audited`.
 */
export type HandOverAudit = Omit<VerificationDoc, '_id' | 'orderId' | 'quantity' | 'outcome'>

/**
 * The audit line of a hand-over that went through, when it did not ride on the order (a part of an order, or an order
 * whose sale was not booked yet): written after, as every attempt's is.
 */
export async function auditHandedOver(db: DB.Database, line: HandOverAudit, r: Extract<HandOverResult, { ok: true }>): Promise<void> {
  if (!r.audited) await audit(db, { ...line, orderId: r.order._id, quantity: r.take, outcome: r.completes ? 'PICKED_UP' : 'HANDED_PART' })
}

export type HandOverResult =
  | { ok: true; order: OrderDoc; take: number; left: number; completes: boolean; audited?: boolean }
  | { ok: false; error: ErrorCode; order: OrderDoc }

/**
 * 核销 of one order, all or part of what is left, decided inside one transaction on the order (the counter's 待提货
 * number is a count of READY orders, ready-count.ts, so it moves with the status by itself): READY, not expired, the code still the order's (its
 * own, or its outstanding proxy code), and no more than is left. Of any number of counters handing over the same
 * order at once, each unit goes out once. The write that completes the order moves it to PICKED_UP and, in the
 * same transaction, books the ledger's pickup, the points and the shipping record's mark (finishHandoverInTx; an order
 * whose sale is not booked yet gets handoverFinishedAt 0 and finishHandover after, settle's after a crash); a part
 * only moves `pickedQuantity`. A proxy code is cleared by its use (valid once) and its owner told.
 */
export async function handOver(db: DB.Database, order: OrderDoc, how: { via: HandOverVia; code: string | null; quantity?: number; audit?: HandOverAudit }, now: number): Promise<HandOverResult> {
  return handOverAt(db, order, how, now)
}

/**
 * handOver for an order known only by id, at the counter `pickupPointId`: the transaction's own read of the order
 * is the only one (pickup.verify by code). A code that is not the order's is PICKUP_CODE_NOT_FOUND, an order of
 * another point AUTH_FORBIDDEN — checked before anything else, as they were on a read before the transaction.
 */
export async function handOverById(db: DB.Database, orderId: string, pickupPointId: string, how: { via: 'code' | 'delegate'; code: string; quantity?: number; audit?: HandOverAudit }, now: number): Promise<HandOverResult | { ok: false; error: ErrorCode; order: null }> {
  try {
    return await handOverAt(db, null, how, now, { orderId, pickupPointId })
  } catch (err) {
    if (err instanceof NotThisCounter) return { ok: false, error: err.error, order: err.order }
    throw err
  }
}

class NotThisCounter extends Error {
  constructor(readonly error: ErrorCode, readonly order: OrderDoc | null) {
    super(error)
  }
}

async function handOverAt(db: DB.Database, order: OrderDoc | null, how: { via: HandOverVia; code: string | null; quantity?: number; audit?: HandOverAudit }, now: number, at?: { orderId: string; pickupPointId: string }): Promise<HandOverResult> {
  const result = await inTransaction(db, async (t): Promise<HandOverResult> => {
    const read = await txGet<OrderDoc>(t, 'orders', at?.orderId ?? order!._id)
    if (at) {
      // Found by a code: a code whose order carries another code was drawn but never handed out (a lost race or an
      // interrupted call); a proxy code no longer on its order was used or revoked.
      if (!read || (how.via === 'code' ? read.pickupCode : read.delegateCode) !== how.code) throw new NotThisCounter(ERROR_CODES.PICKUP_CODE_NOT_FOUND, read)
      if (read.pickupPointId !== at.pickupPointId) throw new NotThisCounter(ERROR_CODES.AUTH_FORBIDDEN, read)
    }
    const o = read ?? order!
    const blocked = decidePickup(o, now)
    if (blocked) return { ok: false, error: blocked, order: o }
    if (how.via === 'code' && o.pickupCode !== how.code) return { ok: false, error: ERROR_CODES.PICKUP_CODE_NOT_FOUND, order: o }
    if (how.via === 'delegate' && o.delegateCode !== how.code) return { ok: false, error: ERROR_CODES.PICKUP_CODE_NOT_FOUND, order: o }
    const left = quantityLeftToHandOver(o)
    const decided = decideHandOverQuantity(left, how.quantity)
    if (!decided) return { ok: false, error: ERROR_CODES.PICKUP_QUANTITY_TOO_MANY, order: o }
    const picked = (o.pickedQuantity ?? 0) + decided.take
    const data: Record<string, unknown> = decided.completes ? { pickedUpAt: now, pickedQuantity: picked } : { pickedQuantity: picked }
    if (how.via === 'delegate') data.delegateCode = null
    if (!decided.completes) {
      // WeChat is told at the first hand-over, even of a part (one record per payment): the mark rides on this
      // write, and settle queues the record (payments/shipping.ts queueDueShipping).
      Object.assign(data, shippingMark(o, now))
      await t.collection('orders').doc(o._id).update({ data })
      return { ok: true, order: { ...o, ...(data as Partial<OrderDoc>) }, take: decided.take, left: left - decided.take, completes: false }
    }
    // The ledger's pickup, the points and the shipping record are written in this same commit (pickup-flow
    // finishHandoverInTx); only an order whose sale is not booked yet leaves them to finishHandover (mark 0).
    const after = { ...o, ...(data as Partial<OrderDoc>), status: 'PICKED_UP' as const }
    const line = how.audit && { ...how.audit, orderId: o._id, quantity: decided.take, outcome: 'PICKED_UP' as const }
    const steps = await finishHandoverInTx(t, db, after, now, line)
    Object.assign(data, steps)
    data.handoverFinishedAt = steps ? now : 0
    // The status moves through the orders room's transition table.
    await moveOrderInTx(t, o, 'PICKED_UP', data)
    crashPoint('pickup:in-handover')
    return { ok: true, order: { ...after, handoverFinishedAt: data.handoverFinishedAt as number }, take: decided.take, left: left - decided.take, completes: true, audited: !!(steps && line) }
  })
  const orderId = result.order._id
  if (!result.ok) {
    // A retry after a crash cut a hand-over off: it is not repeated (ALREADY_USED), but its later steps are finished.
    if (result.order.status === 'PICKED_UP' && result.order.handoverFinishedAt === 0) await finishHandover(db, result.order, now)
    // …and its 已送达 notice (keyed by the order and what was handed over, so written once): before (an audit:
    // test/node/attacks-points-delivery-leader.test.ts) a door hand-over cut after its transaction never told the
    // resident. Nothing is written for a tombstone.
    if (result.order.status === 'PICKED_UP' && !isTombstone(result.order.openid)) await noticeDelivered(db, result.order, result.order.pickedQuantity ?? result.order.quantity, 0, now)
    return result
  }
  if (result.completes) crashPoint('pickup:after-handover')
  if (result.completes && result.order.handoverFinishedAt === 0) {
    try {
      await finishHandover(db, result.order, now)
    } catch (err) {
      // The goods are handed over: the clerk is told so; settle finishes the ledger and the points.
      if (isCrash(err)) throw err
      console.error('[pickup] hand-over steps failed; settle finishes them', orderId, err)
    }
  }
  // An order whose resident was erased while it waited (the goods were paid for, so it is still handed over): no
  // notice is written for nobody to read, and a delivered order no longer says which door it went to (an audit:
  // test/node/attacks-pii.test.ts).
  if (isTombstone(result.order.openid)) {
    if (result.completes && result.order.delivery) {
      await db.collection('orders').doc(orderId).update({ data: forgetDoor(db.command) })
    }
    return result
  }
  await noticeDelivered(db, result.order, result.take, result.left, now)
  if (how.via === 'delegate') {
    const o = result.order
    await addNotice(db, `proxy_${o._id}_${how.code}`, {
      openid: o.openid, kind: 'PICKED_UP_BY_PROXY', title: '代取码已使用',
      body: `「${o.title}」已由他人凭代取码提走 ${result.take} 件`, page: `pages/resident/order/index?orderId=${o._id}`,
    }, now)
  }
  return result
}

