import type { AppointmentView, ServiceView, SlotView, VoucherOutputs } from '@shared/contracts/voucher'
import { chinaMidnight, DAY_MS } from '@shared/domain/calendar'
import { maskName } from '@shared/domain/group-buy'
import { voucherViewState } from '@shared/domain/voucher'
import { ERROR_CODES, fail, ok, type Result } from '@shared/errors'
import type { UserDoc } from '@server/users/model'
import { toGroupBuyView, type GroupBuyDoc } from '@server/group-buys/model'
import type { OrderDoc } from '@server/orders/model'
import { findById } from '@server/fetch'
import { tempUrls } from '@server/storage/files'
import { SLOTS, toSlotView, type SlotDoc } from '@server/vouchers/model'
import { docsOf } from '@server/paging'

/** A service group buy's slots in time order, with the places left. */
export async function slotsOf(db: DB.Database, groupBuyId: string): Promise<SlotView[]> {
  const rows = await docsOf<SlotDoc>(db.collection(SLOTS).where({ groupBuyId }).orderBy('index', 'asc').limit(50))
  return rows.map(toSlotView)
}

/** voucher.slots: the join's slot picker. */
export async function slotsView(db: DB.Database, groupBuyId: string): Promise<Result<VoucherOutputs['slots']>> {
  const gb = await findById<GroupBuyDoc>(db, 'groupBuys', groupBuyId)
  if (!gb || gb.kind !== 'SERVICE') return fail(ERROR_CODES.GROUP_BUY_NOT_FOUND, 'no such service group buy')
  return ok({ groupBuyId, durationMinutes: gb.durationMinutes ?? 60, slots: await slotsOf(db, groupBuyId) })
}

const LIVE = ['OPEN', 'SUCCEEDED']
const MAX_SERVICES = 20

/** voucher.services: the open service group buys at a pickup point, ending soonest first (the feed's 服务 section). */
export async function servicesAt(db: DB.Database, pickupPointId: string, now: number): Promise<Result<VoucherOutputs['services']>> {
  const _ = db.command
  const rows = await docsOf<GroupBuyDoc>(db.collection('groupBuys').where({ pickupPointId, kind: 'SERVICE', status: _.in(LIVE), endAt: _.gt(now) }).orderBy('endAt', 'asc').limit(MAX_SERVICES))
  const urls = await tempUrls(rows.flatMap((g) => g.images))
  const items: ServiceView[] = []
  for (const g of rows) {
    const slots = await slotsOf(db, g._id)
    const next = slots.find((s) => s.startAt > now && s.left > 0) ?? null
    items.push({ ...toGroupBuyView(g, now, urls), kind: 'SERVICE', productId: g.productId ?? '', category: g.category ?? '', durationMinutes: g.durationMinutes ?? 60, serviceArea: g.serviceArea ?? '', nextSlot: next })
  }
  return ok({ items })
}

const APPOINTMENT_STATUSES = ['PAID', 'PICKED_UP', 'REFUNDING', 'REFUNDED']
const MAX_APPOINTMENTS = 200

/**
 * voucher.today: the appointments of the caller's Beijing day, by slot start — a merchant's own services
 * (orders.provider_slot), a clerk's store (orders.point_kind_slot). Unpaid bookings are not appointments.
 */
export async function todayFor(db: DB.Database, user: UserDoc, now: number): Promise<Result<VoucherOutputs['today']>> {
  const _ = db.command
  const from = chinaMidnight(now)
  const range = _.gte(from).and(_.lt(from + DAY_MS))
  const where = user.roles.includes('merchant')
    ? { providerId: user._id, slotStartAt: range }
    : user.roles.includes('clerk') && user.boundPickupPointId
      ? { pickupPointId: user.boundPickupPointId, kind: 'SERVICE', slotStartAt: range }
      : null
  if (!where) return fail(ERROR_CODES.AUTH_FORBIDDEN, 'only a service provider (merchant, or a clerk bound to a store) has appointments')
  const rows = await docsOf<OrderDoc>(db.collection('orders').where(where).orderBy('slotStartAt', 'asc').limit(MAX_APPOINTMENTS))
  const items: AppointmentView[] = rows
    .filter((o) => APPOINTMENT_STATUSES.includes(o.status) && !!o.voucherCode)
    .map((o) => ({
      orderId: o._id, groupBuyId: o.groupBuyId, title: o.title, quantity: o.quantity, slotStartAt: o.slotStartAt ?? 0, slotEndAt: o.slotEndAt ?? 0,
      maskedName: maskName(o.nickname), state: voucherViewState(o, now), redeemedAt: o.status === 'PICKED_UP' ? o.pickedUpAt : null,
    }))
  return ok({ items })
}
