import type { DeliveryStop } from '@shared/contracts/delivery'
import { contactLine } from '@shared/domain/contact'
import { compareDeliveryStops } from '@shared/domain/delivery'
import { shownName } from '@shared/domain/group-buy'
import { formatPickupWindow, quantityLeftToHandOver } from '@shared/domain/pickup'
import { csvDocument } from '@server/csv'
import type { OrderDoc } from '@server/orders/model'
import type { OrderDeliveryFields } from '@server/delivery/model'
import { eachPage } from '@server/paging'
import { staffContactsOf } from '@server/privacy/contact'
import { saveExport } from '@server/storage/exports'

/** A point's deliveries waiting at once are bounded by its group buys' stock; this caps a runaway read. */
const MAX_STOPS = 5_000

/**
 * 配送单: the point's delivery orders whose goods are in (READY_FOR_PICKUP, something left to hand over), sorted by
 * building then room in natural order (src/shared/domain/delivery.ts), with the 收货人 — for the point's leader and
 * clerks only (the action checks that). Read on the (pickupPointId, fulfilment, status, _id) index.
 */
export async function deliveryStops(db: DB.Database, pickupPointId: string): Promise<DeliveryStop[]> {
  const orders: (OrderDoc & OrderDeliveryFields)[] = []
  await eachPage<OrderDoc & OrderDeliveryFields>(db, 'orders', { pickupPointId, fulfilment: 'DELIVERY', status: 'READY_FOR_PICKUP' }, async (docs) => {
    orders.push(...docs)
    return orders.length >= MAX_STOPS ? 'stop' : undefined
  })
  const contacts = await staffContactsOf(db, orders.map((o) => o.openid))
  return orders
    .filter((o) => o.delivery && quantityLeftToHandOver(o) > 0)
    .map((o) => ({
      orderId: o._id, groupBuyId: o.groupBuyId, title: o.title, building: o.delivery!.building, room: o.delivery!.room,
      slotStartAt: o.delivery!.slotStartAt, slotEndAt: o.delivery!.slotEndAt, leftQuantity: quantityLeftToHandOver(o),
      servedQuantity: o.servedQuantity ?? o.quantity, maskedName: shownName(o as { nickname?: string | null; erasedAt?: number | null }),
      contact: contacts.get(o.openid) ?? null,
    }))
    .sort(compareDeliveryStops)
}

/** The same list as a file (UTF-8 with BOM, through the one CSV writer), in cloud storage, with a temp URL. */
export async function deliveryListCsv(db: DB.Database, pickupPointId: string, stops: readonly DeliveryStop[], now: number): Promise<{ fileID: string; tempFileURL: string }> {
  const csv = csvDocument([
    ['楼栋', '门牌', '配送时段', '商品', '件数', '昵称', '收货人'],
    ...stops.map((s) => [s.building, s.room, formatPickupWindow(s.slotStartAt, s.slotEndAt), s.title, s.leftQuantity, s.maskedName, contactLine(s.contact)]),
  ])
  return saveExport(db, 'deliveries', `${pickupPointId}-${now}.csv`, Buffer.from(csv, 'utf8'), now)
}
