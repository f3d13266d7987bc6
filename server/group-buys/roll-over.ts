import { JOINABLE_STATUSES } from '@shared/domain/group-buy'
import { canCancelRolledOver, cstMonthDayTime, pickRollOverTarget, rollOverDeadline, ROLL_OVER_WINDOW_DAYS, type RollOverGroup } from '@shared/domain/roll-over'
import { tierDifferenceFen } from '@shared/domain/price-tiers'
import type { GroupBuyDoc, ParticipationDoc } from '@server/group-buys/model'
import { takeFirstMark } from '@server/group-buys/first-payer'
import { inTransaction, isRunAgain, txGet } from '@server/ledger/txn'
import type { OrderDoc } from '@server/orders/model'
import { findById, updatedCount } from '@server/fetch'
import { participationIdFor, rollOverRefundIdFor } from '@server/ids'
import { addNotice } from '@server/messages/notices'
import { requestPartialRefund, requestRefund } from '@server/payments/refunds'
import { succeedIfReached } from '@server/payments/payment-flow'
import { docsOf } from '@server/paging'
import type { DueQuery } from '@server/due'
import { nextSeqOf, seqFields } from '@server/group-buys/join-order'

/**
 * ROLL_OVER (the resident's choice at join): when a group fails, such an order stays PAID and is held
 * (`rollOverUntil`); each settle run tries to move it to the leader's next group buy of the same product at the same
 * point (src/shared/domain/roll-over.ts), and refunds it once the 7 days pass. Every step is one conditional write
 * on the order's own `rollOverUntil` / `groupBuyId`, so a move, an expiry and a racing twin can never both happen.
 */

const BATCH = 50
/** How far back settle re-asks for the difference refunds of moves (a run cut off between the move and the refund). */
const HEAL_WINDOW_MS = 30 * 60_000

/** `heldByOwner`: the units the order's owner already holds in `gb` (their participation's live quantity). */
function asGroup(gb: GroupBuyDoc, heldByOwner = 0): RollOverGroup {
  return {
    groupBuyId: gb._id, creatorOpenid: gb.creatorOpenid, pickupPointId: gb.pickupPointId, offerId: gb.offerId ?? null, title: gb.title,
    priceFen: gb.priceFen, status: gb.status, startAt: gb.startAt, endAt: gb.endAt, stockLeft: gb.stockLeft, limitPerUser: gb.limitPerUser, heldByOwner,
  }
}

/**
 * A failed group's paid order: held for a next group if its owner chose ROLL_OVER (and it was not rolled over
 * before: a second failure refunds it), else refunded as always.
 */
export async function refundOrHold(db: DB.Database, gb: GroupBuyDoc, order: OrderDoc, now: number): Promise<'HELD' | 'REFUND'> {
  if (order.onFail === 'ROLL_OVER' && !order.rolledFromGroupBuyId && order.status === 'PAID') {
    if ((order.rollOverUntil ?? 0) > 0) return 'HELD'
    // Held once: an order whose hold ran out has rollOverUntil 0 and is refunded by processRollOvers, never held again.
    const held = order.rollOverUntil === undefined
      ? await db.collection('orders').where({ _id: order._id, status: 'PAID', groupBuyId: gb._id, onFail: 'ROLL_OVER' }).update({ data: { rollOverUntil: rollOverDeadline(gb.endAt) } })
      : null
    if (updatedCount(held) === 1) {
      await addNotice(db, `rollhold_${order._id}`, {
        openid: order.openid, kind: 'GROUP_FAILED_REFUNDED', title: '拼团未成，已为你保留',
        body: `「${gb.title}」未成团，按你的选择保留订单：${ROLL_OVER_WINDOW_DAYS} 天内团长开新团将自动转入，否则全额退款`,
        page: `pages/resident/order/index?orderId=${order._id}`,
      }, now)
      return 'HELD'
    }
    const current = await findById<OrderDoc>(db, 'orders', order._id)
    if (current && (current.rollOverUntil ?? 0) > 0) return 'HELD'
    if (current && current.groupBuyId !== gb._id) return 'HELD' // already moved on
  }
  await requestRefund(db, order, '未成团自动退款', now)
  return 'REFUND'
}

/** What processRollOvers selects: held orders; orders out of the hold but not refunded; recent moves' difference refunds. */
export const HELD_ORDERS: DueQuery = { collection: 'orders', where: (_) => ({ status: 'PAID', rollOverUntil: _.gt(0) }) }
export const EXPIRED_HOLDS: DueQuery = { collection: 'orders', where: (_) => ({ status: 'PAID', rollOverExpiredAt: _.gt(0) }) }
export const RECENT_ROLL_OVERS: DueQuery = { collection: 'orders', where: (_, now) => ({ rolledAt: _.gte(now - HEAL_WINDOW_MS), rollOverRefundFen: _.gt(0) }) }

/** Held orders: moved to a next group when one is open, refunded when their 7 days are over. */
export async function processRollOvers(db: DB.Database, now: number): Promise<{ moved: number; expired: number }> {
  const _ = db.command
  const out = { moved: 0, expired: 0 }
  const held = await docsOf<OrderDoc>(db.collection('orders').where(HELD_ORDERS.where(_, now)).orderBy('rollOverUntil', 'asc').limit(BATCH))
  for (const o of held) {
    if ((o.rollOverUntil ?? 0) <= now) {
      const claimed = await db.collection('orders').where({ _id: o._id, status: 'PAID', groupBuyId: o.groupBuyId, rollOverUntil: o.rollOverUntil }).update({ data: { rollOverUntil: 0, rollOverExpiredAt: now } })
      if (updatedCount(claimed) !== 1) continue
      await requestRefund(db, o, `${ROLL_OVER_WINDOW_DAYS} 天内没有新团，自动退款`, now)
      out.expired++
      continue
    }
    try {
      if (await moveToNextGroup(db, o, now)) out.moved++
    } catch (err) {
      // The buyer's first join in the next group is between its two writes (first-payer.ts): moved by a later tick.
      if (!isRunAgain(err)) throw err
    }
  }
  // A run cut off between an expiry and its refund: the order left the hold but is still PAID; refund it now.
  const stuck = await docsOf<OrderDoc>(db.collection('orders').where(EXPIRED_HOLDS.where(_, now)).limit(BATCH))
  for (const o of stuck) await requestRefund(db, o, `${ROLL_OVER_WINDOW_DAYS} 天内没有新团，自动退款`, now)
  // A run cut off between a move and its difference refund: the refund is asked again (it exists at most once).
  const recent = await docsOf<OrderDoc>(db.collection('orders').where(RECENT_ROLL_OVERS.where(_, now)).limit(BATCH))
  for (const o of recent) await requestPartialRefund(db, o, { refundId: rollOverRefundIdFor(o._id), amountFen: o.rollOverRefundFen ?? 0, reason: '转入下一团退差价' }, now)
  return out
}

async function moveToNextGroup(db: DB.Database, o: OrderDoc, now: number): Promise<boolean> {
  const _ = db.command
  const from = await findById<GroupBuyDoc>(db, 'groupBuys', o.groupBuyId)
  if (!from) return false
  const open = await docsOf<GroupBuyDoc>(db.collection('groupBuys').where({ creatorOpenid: from.creatorOpenid, pickupPointId: from.pickupPointId, status: _.in([...JOINABLE_STATUSES]), endAt: _.gt(now) }).limit(BATCH))
  // What the owner already holds in each candidate (one read of their participations there): a move counts toward
  // the per-person limit as a join does.
  const parts = open.length ? await docsOf<{ groupBuyId: string; quantity?: number }>(db.collection('participations').where({ _id: _.in(open.map((g) => participationIdFor(g._id, o.openid))) }).limit(open.length)) : []
  const held = new Map(parts.map((p) => [p.groupBuyId, p.quantity ?? 0]))
  const target = pickRollOverTarget(asGroup(from), open.map((g) => asGroup(g, held.get(g._id) ?? 0)), o.priceFen, o.quantity, now)
  if (!target) return false
  // The units from the next group's stock as sold (the order is already paid), the order's move, and the person's
  // participation there (its quota, and toward 成团) in one transaction: before (an audit:
  // test/node/attacks-crash.test.ts), three writes, and a move cut before the participation left the buyer uncounted
  // — a next group that should have succeeded failed and refunded the very buyer who chose to roll over.
  const difference = tierDifferenceFen(o.priceFen, target.priceFen, o.quantity)
  const partId = participationIdFor(target.groupBuyId, o.openid)
  const moved = await inTransaction(db, async (t): Promise<GroupBuyDoc | null> => {
    // Only from its failed group and while still held (a twin that moved it first wins).
    const cur = await txGet<OrderDoc>(t, 'orders', o._id)
    if (!cur || cur.status !== 'PAID' || cur.groupBuyId !== o.groupBuyId || cur.rollOverUntil !== o.rollOverUntil) return null
    const gb = await txGet<GroupBuyDoc>(t, 'groupBuys', target.groupBuyId)
    if (!gb || !JOINABLE_STATUSES.includes(gb.status) || gb.startAt > now || gb.endAt <= now || gb.stockLeft < o.quantity) return null
    const part = await txGet<ParticipationDoc>(t, 'participations', partId)
    if ((part?.quantity ?? 0) + o.quantity > gb.limitPerUser) return null
    const first = (part?.paidOrders ?? 0) === 0
    // Its 跟团号 in the next group, from that group's counter like a payment's (group-buys/join-order.ts): before, it
    // was counted by its first join and shared a number with an order paid there earlier.
    const numbered = await nextSeqOf(db, gb)
    const counts = { stockLeft: gb.stockLeft - o.quantity, soldQuantity: gb.soldQuantity + o.quantity, paidParticipants: gb.paidParticipants + (first ? 1 : 0), paidSeq: numbered.paidSeq }
    await t.collection('groupBuys').doc(gb._id).update({ data: counts })
    // Another order of the buyer counted here: the order whose join made the participation is no longer surely first.
    if (part) await t.collection('participations').doc(partId).update({ data: { paidOrders: (part.paidOrders ?? 0) + 1, quantity: part.quantity + o.quantity, ...(await takeFirstMark(t, db, part, o._id, now)) } })
    else await t.collection('participations').doc(partId).set({ data: { groupBuyId: gb._id, openid: o.openid, quantity: o.quantity, paidOrders: 1 } })
    await t.collection('orders').doc(o._id).update({
      // (Its join's mark was about its first group's participation: it is counted here by this move, never again.)
      data: { groupBuyId: gb._id, ...seqFields(gb._id, numbered.seq), priceFen: target.priceFen, rollOverUntil: 0, rolledFromGroupBuyId: o.groupBuyId, rolledAt: now, rollOverRefundFen: (o.rollOverRefundFen ?? 0) + difference, madeParticipation: false },
    })
    return { ...gb, ...counts }
  })
  if (!moved) return false
  // A paid order like any other: it may take the group to 成团 (as a payment does).
  await succeedIfReached(db, moved, now, true)
  // 4. The difference, when the next group is cheaper: its own partial refund.
  if (difference > 0) await requestPartialRefund(db, o, { refundId: rollOverRefundIdFor(o._id), amountFen: difference, reason: '转入下一团退差价' }, now)
  await addNotice(db, `rolled_${o._id}`, {
    openid: o.openid, kind: 'GROUP_FAILED_REFUNDED', title: '拼团未成，已为你保留到下一团',
    body: `「${from.title}」已转入新团，${cstMonthDayTime(target.endAt)} 截团${difference > 0 ? `，已退差价 ¥${(difference / 100).toFixed(2)}` : ''}`,
    page: `pages/resident/order/index?orderId=${o._id}`,
  }, now)
  return true
}

/**
 * The resident cancels a rolled-over order before its new group's 成团: a full refund of what is left, once. The
 * refund is asked, the order leaves PAID and its units go back to the group's stock in one transaction
 * with the buyer's participation giving the order back (requestRefund; a twin finds it REFUNDING). Before, the order
 * moved first and the refund was asked after: a cut between the two left it REFUNDING with no refund at all.
 */
export async function cancelRolledOver(db: DB.Database, o: OrderDoc, now: number): Promise<'CANCELLED' | 'TOO_LATE' | 'NOT_ROLLED'> {
  if (!o.rolledFromGroupBuyId) return 'NOT_ROLLED'
  if (o.status === 'REFUNDING') {
    await requestRefund(db, o, '取消保留的订单', now)
    return 'CANCELLED'
  }
  const gb = await findById<GroupBuyDoc>(db, 'groupBuys', o.groupBuyId)
  if (!gb || o.status !== 'PAID' || !canCancelRolledOver(gb)) return 'TOO_LATE'
  // The participation gives the order back in the refund's own transaction, only from the call that asked it (a
  // twin finds it asked: ALREADY). Before (an audit: test/node/attacks-features.test.ts), it was a write after it, and a
  // cut between the two left the buyer counted as a paid participant of the new group, their units held.
  const asked = await requestRefund(db, o, '取消保留的订单', now, { givesBackParticipation: participationIdFor(gb._id, o.openid) })
  return asked === 'REFUSED' ? 'TOO_LATE' : 'CANCELLED'
}
