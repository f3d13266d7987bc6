import { orderContract } from '@shared/contracts/order'
import { ERROR_CODES, fail, ok } from '@shared/errors'
import { action } from '@server/define'
import { toOrderView, type OrderDoc } from '@server/docs'
import { findById } from '@server/fetch'
import type { GroupBuyDoc } from '@server/docs'
import { pickupPlaceOf } from '@server/pickup/place'

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
    const [seq, gb, place] = await Promise.all([joinSeqOf(db, order), findById<GroupBuyDoc>(db, 'groupBuys', order.groupBuyId), pickupPlaceOf(db, order.pickupPointId)])
    // Where and when to collect, on the order and pickup-code pages; the proxy code only for its owner (this is their order).
    const pickup = { place, pickupStartAt: gb?.pickupStartAt ?? null, pickupEndAt: gb?.pickupEndAt ?? null }
    return ok({ order: { ...toOrderView(order), seq, pickup, pickedQuantity: order.pickedQuantity ?? 0, delegateCode: order.status === 'READY_FOR_PICKUP' ? (order.delegateCode ?? null) : null } })
  },
})
