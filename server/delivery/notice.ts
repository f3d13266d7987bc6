import { formatFen } from '@shared/domain/ledger'
import type { OrderDoc } from '@server/orders/model'
import type { OrderDeliveryFields } from '@server/delivery/model'
import { addNotice } from '@server/messages/notices'

/**
 * 已送达: a delivery order's resident is told each time goods are handed over at the door (a part, or the rest).
 * Keyed by the order and the quantity handed over so far, so a retry of the same hand-over is one notice.
 * Pickup orders are not told (they were at the counter themselves).
 */
export async function noticeDelivered(db: DB.Database, order: OrderDoc & OrderDeliveryFields, take: number, left: number, now: number): Promise<void> {
  if (order.fulfilment !== 'DELIVERY' || !order.delivery) return
  const d = order.delivery
  const body = left > 0
    ? `「${order.title}」已送到 ${d.building} ${d.room} ${take} 件，还有 ${left} 件待送`
    : `「${order.title}」已送到 ${d.building} ${d.room}${d.feeFen > 0 ? `（配送费 ¥${formatFen(d.feeFen)}）` : ''}`
  // The goods are handed over: a lost notice must not turn that into an error at the door.
  await addNotice(db, `dl_${order._id}_${order.pickedQuantity ?? take}`, { openid: order.openid, kind: 'DELIVERED', title: '已送达', body, page: `pages/resident/order/index?orderId=${order._id}` }, now).catch((err: unknown) => {
    console.error('[delivery] the 已送达 notice failed', order._id, err)
  })
}
