import type { z } from 'zod'
import type { groupBuyContract, GroupBuyOutputs } from '@shared/contracts/group-buy'
import { isInsideJoinWindow, isWithinLimit } from '@shared/domain/group-buy'
import { amountFen } from '@shared/domain/order'
import { decideSlot } from '@shared/domain/voucher'
import { ERROR_CODES, fail, ok, type ErrorCode, type Result } from '@shared/errors'
import { isDuplicateWrite } from '@server/cloud'
import type { GroupBuyDoc } from '@server/group-buys/model'
import type { OrderDoc } from '@server/orders/model'
import { findById } from '@server/fetch'
import { releaseHold, releaseStock, reserveQuota, reserveStock } from '@server/group-buys/holds'
import { referrerOf } from '@server/group-buys/share-codes'
import { orderIdFor } from '@server/ids'
import { createPayment, paymentWindowMs } from '@server/payments/pay'
import { SLOTS, slotIdFor, type SlotDoc } from '@server/vouchers/model'
import { releaseSlot, reserveSlot } from '@server/vouchers/slots'

type JoinInput = z.infer<typeof groupBuyContract.join>
type JoinOutput = GroupBuyOutputs['join']

/** The slot a join or a reschedule names (index or id), in this group buy, or null. */
export async function findSlot(db: DB.Database, groupBuyId: string, ref: { slotIndex?: number; slotId?: string }): Promise<SlotDoc | null> {
  const slotId = ref.slotId ?? (ref.slotIndex !== undefined ? slotIdFor(groupBuyId, ref.slotIndex) : null)
  if (!slotId) return null
  const slot = await findById<SlotDoc>(db, SLOTS, slotId)
  return slot && slot.groupBuyId === groupBuyId ? slot : null
}

/**
 * groupBuy.join of a SERVICE group buy (join-flow.ts hands it over): the slot's places, the group's stock, the
 * person's quota, the order — four conditional writes, each refusing rather than overbooking, a later one failing
 * handing back what the earlier ones took. The order carries its slot; its voucher comes with the payment
 * (server/vouchers/issue.ts). A replay of the same requestId lands on the same order and answers with it.
 */
export async function bookSlot(db: DB.Database, openid: string, gb: GroupBuyDoc, input: JoinInput, now: number): Promise<Result<JoinOutput>> {
  const { groupBuyId, quantity, requestId, scene } = input
  if ((input.slotIndex === undefined) === (input.slotId === undefined)) return fail(ERROR_CODES.INPUT_INVALID, 'slotIndex or slotId: a service is booked for exactly one slot')
  if (input.onFail === 'ROLL_OVER') return fail(ERROR_CODES.INPUT_INVALID, 'onFail: a service booking cannot roll over')
  const orderId = orderIdFor(openid, requestId)
  if (!isInsideJoinWindow(gb, now)) return replayOr(ERROR_CODES.GROUP_BUY_NOT_OPEN, 'not inside its join window')
  if (!isWithinLimit(gb, 0, quantity)) return fail(ERROR_CODES.GROUP_BUY_LIMIT_EXCEEDED, `at most ${gb.limitPerUser} per person`)
  const slot = await findSlot(db, groupBuyId, input)
  if (!slot) return fail(ERROR_CODES.VOUCHER_SLOT_NOT_FOUND, 'no such slot in this service group buy')
  const blocked = decideSlot(slot, quantity, now)
  if (blocked === ERROR_CODES.VOUCHER_SLOT_STARTED) return replayOr(blocked, 'this slot has started')
  const referrerLeader = await referrerOf(db, scene, groupBuyId)

  // 1. The slot's places: never below zero, whatever the crowd.
  if (!(await reserveSlot(db, slot._id, quantity))) return replayOr(ERROR_CODES.VOUCHER_SLOT_FULL, 'this slot is fully booked')
  // 2. The group's stock (the sum of the slots), as any join.
  const stock = await reserveStock(db, groupBuyId, quantity, now)
  if (stock !== 'RESERVED') {
    await releaseSlot(db, slot._id, quantity)
    return replayOr(stock, 'cannot book now')
  }
  // 3. The per-person quota.
  const quota = await reserveQuota(db, groupBuyId, openid, quantity, gb.limitPerUser, { orderId, at: now })
  if (quota !== 'MADE' && quota !== 'TAKEN') {
    await releaseStock(db, groupBuyId, quantity)
    await releaseSlot(db, slot._id, quantity)
    return replayOr(quota, 'over the per-person limit')
  }
  // 4. The order, with its slot.
  const order: OrderDoc = {
    _id: orderId, openid, requestId, groupBuyId, pickupPointId: gb.pickupPointId, title: gb.title, quantity, priceFen: gb.priceFen,
    amountFen: amountFen(gb.priceFen, quantity), status: 'PENDING_PAYMENT', createdAt: now, expiresAt: now + paymentWindowMs(),
    paidAt: null, transactionId: null, readyAt: null, pickedUpAt: null, refundedAt: null, pickupCode: null, pickupExpiresAt: null, nickname: null,
    kind: 'SERVICE', providerId: gb.providerId, slotId: slot._id, slotStartAt: slot.startAt, slotEndAt: slot.endAt, voucherCode: null,
    ...(referrerLeader ? { referrerLeader } : {}),
    ...(quota === 'MADE' ? { madeParticipation: true } : {}),
  }
  try {
    await db.collection('orders').add({ data: order as unknown as Record<string, unknown> })
  } catch (err) {
    const existing = isDuplicateWrite(err) ? null : await findById<OrderDoc>(db, 'orders', orderId)
    if (existing && existing.createdAt === now && existing.quantity === quantity) return reply(existing)
    await releaseHold(db, { groupBuyId, openid, quantity, slotId: slot._id })
    if (isDuplicateWrite(err)) return replayOr(ERROR_CODES.INTERNAL, 'cannot book now')
    throw err
  }
  return reply(order)

  async function reply(o: OrderDoc) {
    const payment = await createPayment({ orderId: o._id, title: o.title, amountFen: o.amountFen, expiresAt: o.expiresAt })
    return ok({ orderId: o._id, status: 'PENDING_PAYMENT' as const, payment, amountFen: o.amountFen, expiresAt: o.expiresAt })
  }

  /** A replayed requestId answers with its order (if it still awaits payment) instead of the refusal. */
  async function replayOr(code: ErrorCode, message: string) {
    const existing = await findById<OrderDoc>(db, 'orders', orderId)
    if (existing) {
      if (existing.groupBuyId !== groupBuyId || existing.quantity !== quantity) return fail(ERROR_CODES.INPUT_INVALID, 'requestId was already used for a different join')
      if (existing.status === 'PENDING_PAYMENT') return reply(existing)
      return fail(ERROR_CODES.ORDER_NOT_PAYABLE, `this join was already ${existing.status}`)
    }
    return fail(code, message)
  }
}
