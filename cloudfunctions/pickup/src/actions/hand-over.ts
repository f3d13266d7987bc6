import { pickupContract, type PickupVerifyOutput } from '@shared/contracts/pickup'
import { ERROR_CODES, fail, ok, type Result } from '@shared/errors'
import { action } from '@server/define'
import type { OrderDoc } from '@server/orders/model'
import { findById } from '@server/fetch'
import { counterPointOf } from '@server/pickup/clerk'
import { auditHandedOver, handOver as handOverOrder } from '@server/pickup/hand-over'
import { audit } from '@server/pickup/verifications'
import { staffContactsOf } from '@server/privacy/contact'
import { refusalMessage, view } from './verify'

/**
 * 按名单核销: the clerk found the order in 待提货 (by 跟团号 or the 收货人's phone tail), checked the person and
 * hands over without a code — the same conditional hand-over as a code, audited as a verification (via 'list').
 */
export const handOver = action({
  access: ['clerk'],
  input: pickupContract.handOver,
  async run({ caller, db, now }, { orderId, quantity }): Promise<Result<PickupVerifyOutput>> {
    const pointId = counterPointOf(await caller.user())
    if (!pointId) return fail(ERROR_CODES.AUTH_FORBIDDEN, 'not bound to a pickup point')
    const order = await findById<OrderDoc>(db, 'orders', orderId)
    // No code was typed, so none is written: the order's own code in the audit row (a refused one from another point
    // included) came back to the clerk in their personal-data export and let them collect at the counter it belongs to.
    const entry = { kind: 'pickup' as const, code: '', clerkOpenid: caller.openid, pickupPointId: pointId, orderId, via: 'list' as const, at: now }
    // Another point's order is indistinguishable from none: the list is not a way to probe other stores.
    if (!order || order.pickupPointId !== pointId) {
      await audit(db, { ...entry, outcome: ERROR_CODES.ORDER_NOT_FOUND })
      return fail(ERROR_CODES.ORDER_NOT_FOUND, 'no such order at this pickup point')
    }
    const r = await handOverOrder(db, order, { via: 'list', code: null, quantity, audit: entry }, now)
    if (!r.ok) {
      await audit(db, { ...entry, outcome: r.error })
      return fail(r.error, refusalMessage(r.error, 'refused'))
    }
    // A completing hand-over's line rode on the order (settle copies it: server/pickup/handover-records.ts).
    await auditHandedOver(db, entry, r)
    const one = view(r.order, r.take, r.left, (await staffContactsOf(db, [order.openid])).get(order.openid) ?? null)
    return ok({ ...one, orders: [one], via: 'list' as const })
  },
})
