import { pickupContract, type PickupOutputs } from '@shared/contracts/pickup'
import { PICKUP_CODE_LENGTH } from '@shared/domain/pickup'
import { ERROR_CODES, fail, ok, type Result } from '@shared/errors'
import { allocateCode, drawDigits, reserveKeyed } from '@server/codes'
import { action } from '@server/define'
import type { OrderDoc } from '@server/orders/model'
import { findById, updatedCount } from '@server/fetch'

/**
 * 代取: the owner of a READY order gets a one-time code for a neighbour to pick up with. The order carries its
 * one outstanding proxy code (`delegateCode`); a new one replaces it, revoking clears it, and the hand-over
 * that uses it clears it in the same conditional write — so it works once. The owner's own code keeps working.
 */
export const delegate = action({
  access: ['resident'],
  input: pickupContract.delegate,
  async run({ caller, db, now }, { orderId }): Promise<Result<PickupOutputs['delegate']>> {
    const order = await findById<OrderDoc>(db, 'orders', orderId)
    if (!order || order.openid !== caller.openid) return fail(ERROR_CODES.ORDER_NOT_FOUND, 'no such order')
    if (order.status !== 'READY_FOR_PICKUP') return fail(ERROR_CODES.PICKUP_NOT_READY, 'only an order waiting for pickup can be picked up by someone else')
    const code = await allocateCode(
      () => drawDigits(PICKUP_CODE_LENGTH),
      reserveKeyed(db, 'pickupCodes', { kind: 'delegate', orderId, openid: caller.openid, pickupPointId: order.pickupPointId, createdAt: now }),
    )
    const set = await db.collection('orders').where({ _id: orderId, openid: caller.openid, status: 'READY_FOR_PICKUP' }).update({ data: { delegateCode: code } })
    if (updatedCount(set) !== 1) {
      await db.collection('pickupCodes').where({ _id: code, orderId }).remove()
      return fail(ERROR_CODES.PICKUP_NOT_READY, 'the order was picked up meanwhile')
    }
    return ok({ orderId, code, qrPayload: code })
  },
})

export const revokeDelegate = action({
  access: ['resident'],
  input: pickupContract.revokeDelegate,
  async run({ caller, db }, { orderId }): Promise<Result<PickupOutputs['revokeDelegate']>> {
    const order = await findById<OrderDoc>(db, 'orders', orderId)
    if (!order || order.openid !== caller.openid) return fail(ERROR_CODES.ORDER_NOT_FOUND, 'no such order')
    if (!order.delegateCode) return ok({ orderId, revoked: false })
    const res = await db.collection('orders').where({ _id: orderId, openid: caller.openid, delegateCode: order.delegateCode }).update({ data: { delegateCode: null } })
    return ok({ orderId, revoked: updatedCount(res) === 1 })
  },
})
