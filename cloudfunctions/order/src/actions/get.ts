import { orderContract } from '@shared/contracts/order'
import { ERROR_CODES, fail, ok } from '@shared/errors'
import { action } from '@server/define'
import { toOrderView, type GroupBuyDoc, type OrderDoc } from '@server/docs'
import { canCancelRolledOver } from '@shared/domain/roll-over'
import { findById } from '@server/fetch'

/**
 * 跟团号 = 1 + the orders of the same group buy that joined before this one, in the (createdAt, _id) order the
 * leader's participants list uses. An indexed range count (orders.groupbuy_created), for one order at a time.
 */
async function joinSeqOf(db: DB.Database, order: OrderDoc): Promise<number> {
  const _ = db.command
  const before = _.and([
    { groupBuyId: order.groupBuyId, createdAt: _.lte(order.createdAt) },
    _.or([{ createdAt: _.lt(order.createdAt) }, { createdAt: order.createdAt, _id: _.lt(order._id) }]),
  ])
  const res = (await db.collection('orders').where(before as never).count()) as unknown as { total: number }
  return res.total + 1
}

export const get = action({
  access: ['resident'],
  input: orderContract.get,
  async run({ caller, db }, { orderId }) {
    const order = await findById<OrderDoc>(db, 'orders', orderId)
    // Someone else's order is indistinguishable from none: ids are not a way to probe.
    if (!order || order.openid !== caller.openid) return fail(ERROR_CODES.ORDER_NOT_FOUND, 'no such order')
    const view = toOrderView(order)
    if (view.rollOver?.state === 'MOVED') {
      // Moved to a next group: its end time, and whether it may still be cancelled (until that group's 成团).
      const gb = await findById<GroupBuyDoc>(db, 'groupBuys', order.groupBuyId)
      if (gb) view.rollOver = { ...view.rollOver, groupBuyEndAt: gb.endAt, cancellable: order.status === 'PAID' && canCancelRolledOver(gb) }
    }
    return ok({ order: { ...view, seq: await joinSeqOf(db, order) } })
  },
})
