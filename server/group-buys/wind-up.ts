import { statusAtEnd } from '@shared/domain/group-buy'
import type { GroupBuyDoc } from '@server/group-buys/model'
import type { OrderDoc } from '@server/orders/model'
import { updatedCount } from '@server/fetch'
import { releaseUnpaid } from '@server/group-buys/order-flow'
import { closeBeforeRelease } from '@server/payments/close-flow'
import { applyPayment, notifySucceeded } from '@server/payments/payment-flow'
import { returnUnsoldToOffer } from '@server/supply/allocation'
import { addToPurchaseOrder } from '@server/supply/purchase-orders'
import { finalPriceAtEnd, refundTierDifferences } from '@server/group-buys/tier-refunds'
import { readOrdersInJoinOrder } from '@server/group-buys/join-order'
import { refundOrHold } from '@server/group-buys/roll-over'
import { docsOf } from '@server/paging'
import type { DueQuery } from '@server/due'

const BATCH = 100

/** What expireUnpaidOrders selects: joins past their payment window. */
export const UNPAID_ORDERS_DUE: DueQuery = { collection: 'orders', where: (_, now) => ({ status: 'PENDING_PAYMENT', expiresAt: _.lte(now) }) }

/**
 * Unpaid orders past their payment window: their WeChat Pay trade is closed, then they give their stock back —
 * unless WeChat Pay says the order was paid meanwhile, in which case the payment is applied instead.
 */
export async function expireUnpaidOrders(db: DB.Database, now: number): Promise<{ expired: number; paidAtExpiry: number }> {
  const _ = db.command
  const res = await docsOf<OrderDoc>(db.collection('orders').where(UNPAID_ORDERS_DUE.where(_, now)).orderBy('expiresAt', 'asc').limit(BATCH))
  let expired = 0
  let paidAtExpiry = 0
  for (const o of res) {
    const end = await closeBeforeRelease(o._id, () => applyPayment(db, o._id, now))
    if (end === 'PAID') paidAtExpiry++
    else if (end === 'RELEASE' && (await releaseUnpaid(db, o, 'EXPIRED', now))) expired++
  }
  return { expired, paidAtExpiry }
}

/** What endDueGroupBuys selects: running group buys past their end. */
export const ENDS_DUE: DueQuery = { collection: 'groupBuys', where: (_, now) => ({ status: _.in(['OPEN', 'SUCCEEDED']), endAt: _.lte(now) }) }

/**
 * Group buys past their end time: decide CLOSED or FAILED once (a conditional write), then wind up their
 * orders. The decision counts paid participants from the participations themselves, so a payment whose
 * counter update was lost halfway still counts.
 */
export async function endDueGroupBuys(db: DB.Database, now: number): Promise<{ closed: number; failed: number }> {
  const _ = db.command
  const due = await docsOf<GroupBuyDoc>(db.collection('groupBuys').where(ENDS_DUE.where(_, now)).limit(BATCH))
  let closed = 0
  let failed = 0
  for (const gb of due) {
    const to = await endGroupBuy(db, gb, now)
    if (to === 'FAILED') failed++
    else if (to === 'CLOSED') closed++
  }
  return { closed, failed }
}

/**
 * One group buy past its end time (the timer's, or 截团's which moved the end to now): CLOSED or FAILED, decided
 * by one conditional write on the status it was read with. Null when another call decided first.
 */
export async function endGroupBuy(db: DB.Database, gb: GroupBuyDoc, now: number): Promise<'CLOSED' | 'FAILED' | null> {
  const _ = db.command
  const paidParticipants = gb.status === 'OPEN'
    ? ((await db.collection('participations').where({ groupBuyId: gb._id, paidOrders: _.gt(0) }).count()) as unknown as { total: number }).total
    : gb.paidParticipants
  const to = statusAtEnd({ status: gb.status, paidParticipants, minParticipants: gb.minParticipants })
  const succeedsNow = gb.status === 'OPEN' && to === 'CLOSED'
  // 阶梯价: the final price is decided in the same write as 成团, from what was paid by the end, once.
  const finalPriceFen = to === 'CLOSED' ? await finalPriceAtEnd(db, gb) : null
  const res = await db
    .collection('groupBuys')
    .where({ _id: gb._id, status: gb.status })
    .update({ data: { status: to, paidParticipants, ...(finalPriceFen === null ? {} : { finalPriceFen }), ...(succeedsNow ? { succeededNotified: false } : {}) } })
  if (updatedCount(res) !== 1) return null
  // Reached its threshold only at the last moment (or by recount): it still deserves its 成团 message.
  if (succeedsNow) await notifySucceeded(db, gb, now)
  return to === 'FAILED' ? 'FAILED' : 'CLOSED'
}

/** What windUpEndedGroupBuys selects: ended group buys not wound up yet. */
export const WIND_UPS_DUE: DueQuery = { collection: 'groupBuys', where: (_) => ({ status: _.in(['FAILED', 'CLOSED']), settledAt: 0 }) }

/**
 * Ended group buys not yet wound up: unpaid holds are cancelled; a failed group's paid orders are refunded.
 * Resumable — a group buy is marked wound up (its stored `settledAt`) only once nothing is left to do.
 */
export async function windUpEndedGroupBuys(db: DB.Database, now: number): Promise<{ refundsRequested: number; cancelled: number; held: number }> {
  const _ = db.command
  const ended = await docsOf<GroupBuyDoc>(db.collection('groupBuys').where(WIND_UPS_DUE.where(_, now)).limit(20))
  let refundsRequested = 0
  let cancelled = 0
  let held = 0
  for (const gb of ended) {
    const step = await windUpGroupBuy(db, gb, now)
    refundsRequested += step.refundsRequested
    held += step.held
    cancelled += step.cancelled
  }
  return { refundsRequested, cancelled, held }
}

/**
 * One step of winding up an ended group buy (at most a batch of each kind of order); `settled` once nothing is
 * left to do. Every write in it is conditional, so the timer and a 截团 winding up the same group buy at once
 * cancel, refund and hand back to the offer once.
 */
export async function windUpGroupBuy(db: DB.Database, gb: GroupBuyDoc, now: number): Promise<{ refundsRequested: number; cancelled: number; held: number; settled: boolean }> {
  let refundsRequested = 0
  // Orders kept for a next group (ROLL_OVER): counted, so settle's later passes see the work it makes (roll-over.ts).
  let held = 0
  let cancelled = 0
  let more = false
  const pending = await docsOf<OrderDoc>(db.collection('orders').where({ groupBuyId: gb._id, status: 'PENDING_PAYMENT' }).limit(BATCH))
  for (const o of pending) {
    if ((await closeBeforeRelease(o._id, () => applyPayment(db, o._id, now))) !== 'RELEASE') continue
    if (await releaseUnpaid(db, o, 'CANCELLED', now)) cancelled++
  }
  if (pending.length === BATCH) more = true
  if (gb.status === 'FAILED') {
    // Every paid order, all pages: refunded, or held for a next group when its owner chose ROLL_OVER (a held order
    // stays PAID, so a page read by status alone would find it again and again).
    for (const o of await readOrdersInJoinOrder(db, gb._id)) {
      if (o.status !== 'PAID' && o.status !== 'READY_FOR_PICKUP') continue
      if ((await refundOrHold(db, gb, o, now)) === 'REFUND') refundsRequested++
      else held++
    }
  }
  // 阶梯价: every order paid by the end gets the difference to the final price back (once each).
  if (gb.status === 'CLOSED') refundsRequested += await refundTierDifferences(db, gb, now)
  if (!more && gb.offerId) {
    // 帮卖: the paid quantity joins the pickup point's purchase order; what did not sell goes back to the offer.
    if (gb.status === 'CLOSED') await addToPurchaseOrder(db, gb, now)
    await returnUnsoldToOffer(db, gb, now)
  }
  if (!more) await db.collection('groupBuys').where({ _id: gb._id, settledAt: 0 }).update({ data: { settledAt: now } })
  return { refundsRequested, cancelled, held, settled: !more }
}
