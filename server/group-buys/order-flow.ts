import type { OrderStatus } from '@shared/contracts/order'
import type { OrderDoc } from '@server/docs'
import { updatedCount } from '@server/fetch'
import { participationIdFor } from '@server/ids'

/**
 * Move an unpaid order to CANCELLED or EXPIRED and hand its stock and quota back — only if this call won the
 * transition, so a hold is released exactly once however many cancels/expiries race.
 */
export async function releaseUnpaid(db: DB.Database, order: OrderDoc, to: Extract<OrderStatus, 'CANCELLED' | 'EXPIRED'>, now: number): Promise<boolean> {
  const _ = db.command
  const res = await db.collection('orders').where({ _id: order._id, status: 'PENDING_PAYMENT' }).update({ data: { status: to, endedAt: now } })
  if (updatedCount(res) !== 1) return false
  await db.collection('groupBuys').doc(order.groupBuyId).update({ data: { stockLeft: _.inc(order.quantity), reservedQuantity: _.inc(-order.quantity) } })
  await db.collection('participations').doc(participationIdFor(order.groupBuyId, order.openid)).update({ data: { quantity: _.inc(-order.quantity) } })
  return true
}
