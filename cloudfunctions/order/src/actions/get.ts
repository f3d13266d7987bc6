import { orderContract } from '@shared/contracts/order'
import { ERROR_CODES, fail, ok } from '@shared/errors'
import { afterSalesWindowMs } from '@server/after-sales/window'
import { action } from '@server/define'
import type { GroupBuyDoc } from '@server/group-buys/model'
import { toOrderView, type OrderDoc } from '@server/orders/model'
import { canCancelRolledOver } from '@shared/domain/roll-over'
import { findById } from '@server/fetch'
import { seqOf } from '@server/group-buys/join-order'
import { pickupPlaceOf } from '@server/pickup/place'

export const get = action({
  access: ['resident'],
  input: orderContract.get,
  async run({ caller, db }, { orderId }) {
    const order = await findById<OrderDoc>(db, 'orders', orderId)
    // Someone else's order is indistinguishable from none: ids are not a way to probe.
    if (!order || order.openid !== caller.openid) return fail(ERROR_CODES.ORDER_NOT_FOUND, 'no such order')
    const view = toOrderView(order)
    // Where and when as the sign-off wrote them on the order (#23: the pickup-code page reads the order alone);
    // read from the group buy and the point before that, and for an order moved on to a next group.
    const onOrder = view.rollOver?.state === 'MOVED' ? undefined : order.pickup
    // 跟团号 as the count gave it (none before the order is paid and counted: group-buys/join-order.ts).
    const seq = seqOf(order)
    const [gb, place] = await Promise.all([
      onOrder ? null : findById<GroupBuyDoc>(db, 'groupBuys', order.groupBuyId),
      onOrder ? onOrder.place : pickupPlaceOf(db, order.pickupPointId),
    ])
    if (view.rollOver?.state === 'MOVED' && gb) {
      // Moved to a next group: its end time, and whether it may still be cancelled (until that group's 成团).
      view.rollOver = { ...view.rollOver, groupBuyEndAt: gb.endAt, cancellable: order.status === 'PAID' && canCancelRolledOver(gb) }
    }
    // Where and when to collect, on the order and pickup-code pages; the proxy code only for its owner (this is their order).
    const pickup = onOrder ?? { place, pickupStartAt: gb?.pickupStartAt ?? null, pickupEndAt: gb?.pickupEndAt ?? null }
    // 申请售后 until: the window the after-sales rule itself applies (AFTER_SALES_WINDOW_MS), not a copy of its default.
    const afterSalesUntil = order.pickedUpAt ? order.pickedUpAt + afterSalesWindowMs() : null
    return ok({ order: { ...view, seq, pickup, pickedQuantity: order.pickedQuantity ?? 0, delegateCode: order.status === 'READY_FOR_PICKUP' ? (order.delegateCode ?? null) : null, afterSalesUntil } })
  },
})
