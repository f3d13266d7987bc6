import { orderContract } from '@shared/contracts/order'
import { ERROR_CODES, fail, ok } from '@shared/errors'
import { action } from '@server/define'
import { toOrderView, type OrderDoc } from '@server/docs'
import { findById } from '@server/fetch'
import { joinSeqOf } from '@server/group-buys/join-order'

export const get = action({
  access: ['resident'],
  input: orderContract.get,
  async run({ caller, db }, { orderId }) {
    const order = await findById<OrderDoc>(db, 'orders', orderId)
    // Someone else's order is indistinguishable from none: ids are not a way to probe.
    if (!order || order.openid !== caller.openid) return fail(ERROR_CODES.ORDER_NOT_FOUND, 'no such order')
    return ok({ order: { ...toOrderView(order), seq: await joinSeqOf(db, order) } })
  },
})
