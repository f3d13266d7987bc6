import { pickupContract } from '@shared/contracts/pickup'
import { maskName } from '@shared/domain/group-buy'
import { decidePickup } from '@shared/domain/pickup'
import { ERROR_CODES, fail, ok, type ErrorCode } from '@shared/errors'
import { counterPointOf } from '@server/pickup/clerk'
import { action } from '@server/define'
import type { OrderDoc, PickupCodeDoc } from '@server/docs'
import { findById } from '@server/fetch'
import { isCrash } from '@server/crash-points'
import { finishHandover, handOver } from '@server/pickup/pickup-flow'
import { audit } from '@server/pickup/verifications'

/**
 * 核销: hand the goods over for a pickup code, exactly once. The hand-over is one conditional write
 * READY_FOR_PICKUP → PICKED_UP; of any number of clerks scanning the same code at once, one wins and the
 * rest are told ALREADY_USED. Every attempt, refused or not, lands in the verifications audit.
 */
export const verify = action({
  // Open to any identity on purpose: a non-clerk trying codes is exactly what the audit must record, and
  // defineFunction's role check would refuse before anything is written. The clerk check is the first step.
  access: ['resident'],
  input: pickupContract.verify,
  async run({ caller, db, now }, { code }) {
    const user = await caller.user()
    const pointId = counterPointOf(user)
    const refuse = async (error: ErrorCode, message: string, orderId?: string) => {
      await audit(db, { kind: 'pickup', code, clerkOpenid: caller.openid, pickupPointId: pointId ?? user.boundPickupPointId ?? null, ...(orderId ? { orderId } : {}), outcome: error, at: now })
      return fail(error, message)
    }
    if (!pointId) return refuse(ERROR_CODES.AUTH_FORBIDDEN, 'only a clerk bound to a pickup point verifies pickup codes')

    const binding = await findById<PickupCodeDoc>(db, 'pickupCodes', code)
    const order = binding ? await findById<OrderDoc>(db, 'orders', binding.orderId) : null
    // A code whose order carries another code was drawn but never handed out (a lost race or an interrupted call).
    if (!order || order.pickupCode !== code) return refuse(ERROR_CODES.PICKUP_CODE_NOT_FOUND, 'no such pickup code')
    if (order.pickupPointId !== pointId) return refuse(ERROR_CODES.AUTH_FORBIDDEN, 'this order is picked up at another pickup point', order._id)

    // A retry after a crash cut a hand-over off: it is not repeated (ALREADY_USED), but its release and points are
    // finished before the answer.
    if (order.status === 'PICKED_UP' && order.handoverFinishedAt === 0) await finishHandover(db, order, now)
    const blocked = decidePickup(order, now)
    if (blocked) return refuse(blocked, refusalMessage(blocked), order._id)

    if (!(await handOver(db, order._id, code, pointId, now))) {
      const current = (await findById<OrderDoc>(db, 'orders', order._id)) ?? order
      if (current.status === 'PICKED_UP' && current.handoverFinishedAt === 0) await finishHandover(db, current, now)
      const lost = decidePickup(current, now) ?? ERROR_CODES.PICKUP_ALREADY_USED
      return refuse(lost, refusalMessage(lost), order._id)
    }

    try {
      await finishHandover(db, order, now)
    } catch (err) {
      // The goods are handed over: the clerk is told so; settle finishes the release and the points.
      if (isCrash(err)) throw err
      console.error('[pickup] hand-over steps failed; settle finishes them', order._id, err)
    }
    await audit(db, { kind: 'pickup', code, clerkOpenid: caller.openid, pickupPointId: pointId, orderId: order._id, outcome: 'PICKED_UP', at: now })
    return ok({ orderId: order._id, groupBuyId: order.groupBuyId, quantity: order.servedQuantity ?? order.quantity, orderedQuantity: order.quantity, status: 'PICKED_UP' as const, title: order.title, maskedName: maskName(order.nickname) })
  },
})

function refusalMessage(code: ErrorCode): string {
  switch (code) {
    case ERROR_CODES.PICKUP_ALREADY_USED:
      return 'this pickup code was already used'
    case ERROR_CODES.PICKUP_EXPIRED:
      return 'this pickup code has expired'
    default:
      return 'this order is not ready for pickup'
  }
}
