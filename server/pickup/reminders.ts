import { dueReminders, REMIND_AFTER_READY_MS, REMIND_BEFORE_EXPIRY_MS, type PickupReminderKind } from '@shared/domain/pickup-reminders'
import type { OrderDoc } from '@server/orders/model'
import { updatedCount } from '@server/fetch'
import { enqueue } from '@server/messages/outbox'
import { pickupWordsForGroupBuy } from '@server/pickup/place'

const BATCH = 100

type ReminderFields = { remindedReadyAt?: number | null; remindedExpiryAt?: number | null }
const FIELD: Record<PickupReminderKind, keyof ReminderFields> = { READY_24H: 'remindedReadyAt', EXPIRING: 'remindedExpiryAt' }

/** Queue the pickup-reminder message (and its in-app notice); idempotent by key. */
export async function queuePickupReminder(db: DB.Database, order: OrderDoc, key: string, hint: string, now: number): Promise<void> {
  // The reminder names the place and the group buy's 提货时间 (#22).
  const words = await pickupWordsForGroupBuy(db, order.groupBuyId, now)
  await enqueue(
    db,
    key,
    {
      toOpenid: order.openid,
      template: 'PICKUP_REMINDER',
      page: `pages/resident/order/index?orderId=${order._id}`,
      data: { thing1: { value: order.title.slice(0, 20) }, character_string2: { value: order.pickupCode ?? '' }, thing3: { value: hint } },
      where: words,
    },
    now,
  )
}

const HINT: Record<PickupReminderKind, string> = { READY_24H: '已到货超过 24 小时', EXPIRING: '提货码 24 小时内过期' }

/**
 * The settle step: a waiting order gets one reminder 24 h after its goods were ready and one 24 h before its
 * code expires — each won by a conditional write on the order (still READY_FOR_PICKUP, not yet reminded), so
 * never twice and never after pickup.
 */
export async function sendPickupReminders(db: DB.Database, now: number): Promise<{ readyReminders: number; expiryReminders: number }> {
  const _ = db.command
  type Waiting = { data: Array<OrderDoc & ReminderFields> }
  const due: Array<[PickupReminderKind, Waiting]> = [
    ['READY_24H', (await db.collection('orders').where({ status: 'READY_FOR_PICKUP', readyAt: _.lte(now - REMIND_AFTER_READY_MS), remindedReadyAt: _.exists(false) }).limit(BATCH).get()) as unknown as Waiting],
    ['EXPIRING', (await db.collection('orders').where({ status: 'READY_FOR_PICKUP', pickupExpiresAt: _.gt(now).and(_.lte(now + REMIND_BEFORE_EXPIRY_MS)), remindedExpiryAt: _.exists(false) }).limit(BATCH).get()) as unknown as Waiting],
  ]
  const counts: Record<PickupReminderKind, number> = { READY_24H: 0, EXPIRING: 0 }
  for (const [kind, res] of due) {
    for (const o of res.data) {
      if (!dueReminders(o, now).includes(kind)) continue
      const won = await db
        .collection('orders')
        .where(kind === 'READY_24H' ? { _id: o._id, status: 'READY_FOR_PICKUP', remindedReadyAt: _.exists(false) } : { _id: o._id, status: 'READY_FOR_PICKUP', remindedExpiryAt: _.exists(false) })
        .update({ data: { [FIELD[kind]]: now } })
      if (updatedCount(won) !== 1) continue
      await queuePickupReminder(db, o, `remind_${kind === 'READY_24H' ? 'r' : 'x'}_${o._id}`, HINT[kind], now)
      counts[kind]++
    }
  }
  return { readyReminders: counts.READY_24H, expiryReminders: counts.EXPIRING }
}
