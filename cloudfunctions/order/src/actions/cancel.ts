import { orderContract } from '@shared/contracts/order'
import { isCancellable } from '@shared/domain/order'
import { ERROR_CODES, fail, ok } from '@shared/errors'
import { action } from '@server/define'
import { toOrderView, type OrderDoc } from '@server/orders/model'
import { findById } from '@server/fetch'
import { releaseUnpaid } from '@server/group-buys/order-flow'
import { cancelRolledOver } from '@server/group-buys/roll-over'

export const cancel = action({
  access: ['resident'],
  input: orderContract.cancel,
  async run({ caller, db, now }, { orderId }) {
    const order = await findById<OrderDoc>(db, 'orders', orderId)
    if (!order || order.openid !== caller.openid) return fail(ERROR_CODES.ORDER_NOT_FOUND, 'no such order')
    // A paid order kept for a next group (ROLL_OVER) may be cancelled for a full refund until that group's 成团.
    if (order.rolledFromGroupBuyId) {
      const done = await cancelRolledOver(db, order, now)
      if (done !== 'CANCELLED') return fail(ERROR_CODES.ORDER_NOT_CANCELLABLE, 'the group this order moved to has already succeeded')
      const current = (await findById<OrderDoc>(db, 'orders', orderId)) ?? order
      return ok({ order: toOrderView(current) })
    }
    if (!isCancellable(order.status) || !(await releaseUnpaid(db, order, 'CANCELLED', now))) {
      const current = (await findById<OrderDoc>(db, 'orders', orderId)) ?? order
      return fail(ERROR_CODES.ORDER_NOT_CANCELLABLE, `order is ${current.status}`)
    }
    return ok({ order: toOrderView({ ...order, status: 'CANCELLED' }) })
  },
})
