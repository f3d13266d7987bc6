import type { SlotView } from '@shared/contracts/voucher'
import { decideChange, decideSlot, voucherExpiresAtFor } from '@shared/domain/voucher'
import { ERROR_CODES, fail, ok, type ErrorCode, type Result } from '@shared/errors'
import type { OrderDoc } from '@server/orders/model'
import type { GroupBuyDoc } from '@server/group-buys/model'
import { participationIdFor } from '@server/ids'
import { findById } from '@server/fetch'
import { inTransaction, txGet } from '@server/ledger/txn'
import { requestRefund } from '@server/payments/refunds'
import { findSlot } from '@server/vouchers/book'
import { SLOTS, toSlotView, voucherGraceMs, type SlotDoc } from '@server/vouchers/model'
import { docsOf } from '@server/paging'
import type { DueQuery } from '@server/due'

/** The caller's own service order, or ORDER.NOT_FOUND (someone else's looks exactly like a missing one). */
async function ownServiceOrder(db: DB.Database, openid: string, orderId: string): Promise<OrderDoc | null> {
  const o = await findById<OrderDoc>(db, 'orders', orderId)
  return o && o.openid === openid && o.kind === 'SERVICE' ? o : null
}

/**
 * 随时退 (voucher.cancel): until its slot starts, the resident gives an unredeemed voucher back for the full amount.
 * One transaction on the order, its slot and the buyer's participation marks the voucher cancelled
 * (`voucherCancelledAt`), gives the slot's places and the participation's order back and sets `voucherExpiresAt` to now — so of concurrent cancels (or a cancel racing a redemption) one
 * wins; then the one keyed refund is requested (the order → REFUNDING, its group units back while it runs). A crash
 * between the two leaves a PAID order whose voucher expired now: settle's expiry sweep requests the same refund.
 */
export async function cancelVoucher(db: DB.Database, openid: string, orderId: string, now: number): Promise<Result<{ orderId: string; status: 'REFUNDING'; refundFen: number }>> {
  const order = await ownServiceOrder(db, openid, orderId)
  if (!order) return fail(ERROR_CODES.ORDER_NOT_FOUND, 'no such service order of yours')
  const decided = await inTransaction(db, async (t): Promise<ErrorCode | OrderDoc> => {
    const o = (await txGet<OrderDoc>(t, 'orders', orderId)) ?? order
    const blocked = decideChange(o, now)
    if (blocked) return blocked
    const slot = o.slotId ? await txGet<SlotDoc>(t, SLOTS, o.slotId) : null
    const partId = participationIdFor(o.groupBuyId, o.openid)
    const part = await txGet<{ paidOrders?: number; quantity: number }>(t, 'participations', partId)
    const gb = part && (part.paidOrders ?? 0) === 1 ? await txGet<GroupBuyDoc>(t, 'groupBuys', o.groupBuyId) : null
    await t.collection('orders').doc(o._id).update({ data: { voucherCancelledAt: now, voucherExpiresAt: now } })
    if (slot) await t.collection(SLOTS).doc(slot._id).update({ data: { left: slot.left + o.quantity } })
    // The buyer's participation gives the order back (a refunded order is not live: the per-person limit and 成团
    // count live orders), and a group still short of 成团 counts one paid participant less when this was their last.
    // Before (an audit: test/node/attacks-aftersales-vouchers.test.ts) the resident could never book again, and a
    // cancelled resident still took the group to 成团.
    if (part) await t.collection('participations').doc(partId).update({ data: { paidOrders: Math.max(0, (part.paidOrders ?? 0) - 1), quantity: Math.max(0, part.quantity - o.quantity) } })
    if (gb && gb.status === 'OPEN' && gb.paidParticipants > 0) await t.collection('groupBuys').doc(gb._id).update({ data: { paidParticipants: gb.paidParticipants - 1 } })
    return { ...o, voucherCancelledAt: now, voucherExpiresAt: now }
  })
  if (typeof decided === 'string') return fail(decided, messageFor(decided))
  await requestRefund(db, decided, '服务券随时退', now)
  const refundFen = decided.amountFen - (decided.tierRefundFen ?? 0) - (decided.rollOverRefundFen ?? 0)
  return ok({ orderId, status: 'REFUNDING' as const, refundFen })
}

/**
 * 改约 (voucher.reschedule): one transaction reads the order and both slots and writes all three — the new slot's
 * places − q, the old slot's + q, the order's slot and expiry — so capacity moves atomically: concurrent moves into
 * the last place conflict at commit and the retry sees the slot full (VOUCHER.SLOT_FULL).
 */
export async function rescheduleVoucher(db: DB.Database, openid: string, orderId: string, ref: { slotIndex?: number; slotId?: string }, now: number): Promise<Result<{ orderId: string; slot: SlotView }>> {
  const order = await ownServiceOrder(db, openid, orderId)
  if (!order) return fail(ERROR_CODES.ORDER_NOT_FOUND, 'no such service order of yours')
  const target = await findSlot(db, order.groupBuyId, ref)
  if (!target) return fail(ERROR_CODES.VOUCHER_SLOT_NOT_FOUND, 'no such slot in this service group buy')
  if (target._id === order.slotId) return fail(ERROR_CODES.INPUT_INVALID, 'slot: the voucher is already for this slot')
  const decided = await inTransaction(db, async (t): Promise<ErrorCode | SlotDoc> => {
    const o = (await txGet<OrderDoc>(t, 'orders', orderId)) ?? order
    const blocked = decideChange(o, now)
    if (blocked) return blocked
    if (o.slotId === target._id) return ERROR_CODES.INPUT_INVALID
    const to = await txGet<SlotDoc>(t, SLOTS, target._id)
    if (!to) return ERROR_CODES.VOUCHER_SLOT_NOT_FOUND
    const full = decideSlot(to, o.quantity, now)
    if (full) return full
    const from = o.slotId ? await txGet<SlotDoc>(t, SLOTS, o.slotId) : null
    await t.collection(SLOTS).doc(to._id).update({ data: { left: to.left - o.quantity } })
    if (from) await t.collection(SLOTS).doc(from._id).update({ data: { left: from.left + o.quantity } })
    await t.collection('orders').doc(o._id).update({ data: { slotId: to._id, slotStartAt: to.startAt, slotEndAt: to.endAt, voucherExpiresAt: voucherExpiresAtFor(to.endAt, voucherGraceMs()) } })
    return { ...to, left: to.left - o.quantity }
  })
  if (typeof decided === 'string') return fail(decided, messageFor(decided))
  return ok({ orderId, slot: toSlotView(decided) })
}

function messageFor(code: ErrorCode): string {
  switch (code) {
    case ERROR_CODES.VOUCHER_SLOT_STARTED:
      return 'the slot has started: the voucher can no longer be cancelled or moved (there)'
    case ERROR_CODES.VOUCHER_SLOT_FULL:
      return 'the slot is fully booked'
    case ERROR_CODES.VOUCHER_ALREADY_REDEEMED:
      return 'the voucher was already redeemed'
    case ERROR_CODES.VOUCHER_NOT_VALID:
      return 'the voucher is not valid (unpaid, cancelled or refunded)'
    case ERROR_CODES.INPUT_INVALID:
      return 'slot: the voucher is already for this slot'
    default:
      return 'refused'
  }
}

/** What refundExpiredVouchers selects: paid vouchers past their validity (or cancelled). */
export const VOUCHERS_DUE: DueQuery = { collection: 'orders', where: (_, now) => ({ status: 'PAID', voucherExpiresAt: _.lte(now) }) }

/**
 * 过期退 (settle): a voucher still PAID after `voucherExpiresAt` (its slot's end + VOUCHER_GRACE_MS, or the instant
 * of a cancel a crash cut off) is refunded in full. requestRefund is keyed by the order (one refund document, one
 * out_refund_no) and moves the order → REFUNDING in one conditional transaction, so concurrent settles refund once.
 */
export async function refundExpiredVouchers(db: DB.Database, now: number, batch = 100): Promise<{ expired: number }> {
  const _ = db.command
  const rows = await docsOf<OrderDoc>(db.collection('orders').where(VOUCHERS_DUE.where(_, now)).orderBy('voucherExpiresAt', 'asc').limit(batch))
  let expired = 0
  for (const o of rows) {
    if (o.kind !== 'SERVICE') continue
    await requestRefund(db, o, o.voucherCancelledAt ? '服务券随时退' : '服务券过期未使用，自动退款', now)
    expired++
  }
  return { expired }
}
