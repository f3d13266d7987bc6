import {
  dueReminders,
  LAST_CALL_BEFORE_END_MS,
  REMIND_AFTER_READY_MS,
  REMIND_BEFORE_EXPIRY_MS,
  windowMoments,
  windowReminderDue,
  type PickupReminderKind,
  type WindowReminderKind,
} from '@shared/domain/pickup-reminders'
import { formatChina } from '@shared/domain/calendar'
import type { GroupBuyDoc } from '@server/group-buys/model'
import type { OrderDoc } from '@server/orders/model'
import { findById, updatedCount } from '@server/fetch'
import { enqueue } from '@server/messages/outbox'
import { docsOf, eachPage } from '@server/paging'
import { pickupWordsFor, pickupWordsForGroupBuy } from '@server/pickup/place'
import type { DueQuery } from '@server/due'

const BATCH = 100

/** `readyRemindAfter`: the 24 h reminder of goods that came before their window waits for the window's start. */
type ReminderFields = { remindedReadyAt?: number | null; remindedExpiryAt?: number | null; remindedLastCallAt?: number | null; readyRemindAfter?: number }
const FIELD: Record<PickupReminderKind, keyof ReminderFields> = { READY_24H: 'remindedReadyAt', EXPIRING: 'remindedExpiryAt' }

/** Queue the pickup-reminder message (and its in-app notice); idempotent by key. */
export async function queuePickupReminder(db: DB.Database, order: OrderDoc, key: string, hint: string, now: number, known?: { place: string; window: string }): Promise<void> {
  // The reminder names the place and the group buy's 提货时间 (#22).
  const words = known ?? (await pickupWordsForGroupBuy(db, order.groupBuyId, now))
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

/** How many group buys one settle run walks per window moment (each walk pages through its waiting orders). */
const WINDOW_BATCH = 20
/** A window that opened (or neared its end) longer ago than this is not walked again: no reminder is that late. */
const WINDOW_LOOKBACK_MS = 2 * 24 * 3600_000

const WINDOW_MARK: Record<WindowReminderKind, 'windowStartRemindedAt' | 'lastCallRemindedAt'> = { WINDOW_START: 'windowStartRemindedAt', LAST_CALL: 'lastCallRemindedAt' }
const ORDER_MARK: Record<WindowReminderKind, 'remindedReadyAt' | 'remindedLastCallAt'> = { WINDOW_START: 'remindedReadyAt', LAST_CALL: 'remindedLastCallAt' }

function windowHint(kind: WindowReminderKind, gb: Pick<GroupBuyDoc, 'pickupEndAt'>): string {
  const end = formatChina(gb.pickupEndAt ?? 0, 'HH:mm')
  return kind === 'WINDOW_START' ? `提货时间到了，${end} 前可取` : `${end} 提货结束，请尽快取货`
}

/** What sendPickupReminders selects: windows opening or about to close, orders waiting 24 h, codes about to expire. */
export const WINDOW_STARTS_DUE: DueQuery = { collection: 'groupBuys', where: (_, now) => ({ pickupStartAt: _.lte(now).and(_.gt(now - WINDOW_LOOKBACK_MS)), windowStartRemindedAt: _.exists(false) }) }
export const LAST_CALLS_DUE: DueQuery = { collection: 'groupBuys', where: (_, now) => ({ pickupEndAt: _.lte(now + LAST_CALL_BEFORE_END_MS).and(_.gt(now - WINDOW_LOOKBACK_MS)), lastCallRemindedAt: _.exists(false) }) }
// READY_24H: not an order whose code has expired (dueReminders would skip it every run), nor one deferred to its
// window's start: left in, a hundred of them would fill every page and the orders behind them never be reminded.
export const READY_REMINDERS_DUE: DueQuery = { collection: 'orders', where: (_, now) => ({
  status: 'READY_FOR_PICKUP', readyAt: _.lte(now - REMIND_AFTER_READY_MS), remindedReadyAt: _.exists(false), pickupExpiresAt: _.gt(now), readyRemindAfter: _.exists(false).or(_.lte(now)),
}) }
export const EXPIRY_REMINDERS_DUE: DueQuery = { collection: 'orders', where: (_, now) => ({ status: 'READY_FOR_PICKUP', pickupExpiresAt: _.gt(now).and(_.lte(now + REMIND_BEFORE_EXPIRY_MS)), remindedExpiryAt: _.exists(false) }) }

/**
 * The 提货时间 reminders (#22): when a group buy's window opens, and an hour before it closes, every order still
 * waiting hears once. The group buys due are found by their window (indexes window_start / window_end) and
 * marked once walked; each order is won by a conditional write (still READY_FOR_PICKUP, not yet reminded of
 * this), so concurrent settle runs, or a run cut off halfway and repeated, remind each order exactly once.
 */
async function sendWindowReminders(db: DB.Database, kind: WindowReminderKind, now: number): Promise<number> {
  const _ = db.command
  const groupBuys = await docsOf<GroupBuyDoc>(
    kind === 'WINDOW_START'
      ? db.collection('groupBuys').where(WINDOW_STARTS_DUE.where(_, now)).limit(WINDOW_BATCH)
      : db.collection('groupBuys').where(LAST_CALLS_DUE.where(_, now)).limit(WINDOW_BATCH),
  )
  let sent = 0
  for (const gb of groupBuys) {
    const m = windowMoments(gb)
    // The last call's query reads the end; a short window's last call is at its start, so check the moment itself.
    if (!m || now < (kind === 'WINDOW_START' ? m.start : m.lastCall)) continue
    if (now < m.end) {
      const words = await pickupWordsFor(db, gb)
      await eachPage<OrderDoc & ReminderFields>(db, 'orders', { groupBuyId: gb._id, status: 'READY_FOR_PICKUP' }, async (orders) => {
        for (const o of orders) {
          if (!windowReminderDue(kind, gb, o, now)) continue
          const won = await db
            .collection('orders')
            .where(kind === 'WINDOW_START' ? { _id: o._id, status: 'READY_FOR_PICKUP', remindedReadyAt: _.exists(false) } : { _id: o._id, status: 'READY_FOR_PICKUP', remindedLastCallAt: _.exists(false) })
            .update({ data: { [ORDER_MARK[kind]]: now } })
          if (updatedCount(won) !== 1) continue
          await queuePickupReminder(db, o, `remind_${kind === 'WINDOW_START' ? 'w' : 'l'}_${o._id}`, windowHint(kind, gb), now, words)
          sent++
        }
      })
    }
    // Walked (or already past): not looked at again. A run cut off before this line walks it again, harmlessly.
    await db
      .collection('groupBuys')
      .where(kind === 'WINDOW_START' ? { _id: gb._id, windowStartRemindedAt: _.exists(false) } : { _id: gb._id, lastCallRemindedAt: _.exists(false) })
      .update({ data: { [WINDOW_MARK[kind]]: now } })
  }
  return sent
}

/**
 * The settle step. A group buy with a 提货时间 reminds from its window (above); then, as before, a waiting order
 * gets one reminder 24 h after its goods were ready and one 24 h before its code expires — each won by a
 * conditional write on the order (still READY_FOR_PICKUP, not yet reminded), so never twice and never after pickup.
 * The window's start stands in for the 24 h reminder (the same mark), so nobody gets both; an order whose
 * window is still ahead waits for it.
 */
export async function sendPickupReminders(
  db: DB.Database,
  now: number,
): Promise<{ readyReminders: number; expiryReminders: number; windowStartReminders: number; lastCallReminders: number }> {
  const windowStartReminders = await sendWindowReminders(db, 'WINDOW_START', now)
  const lastCallReminders = await sendWindowReminders(db, 'LAST_CALL', now)
  const _ = db.command
  type Waiting = { data: Array<OrderDoc & ReminderFields> }
  const due: Array<[PickupReminderKind, Waiting]> = [
    ['READY_24H', (await db.collection('orders').where(READY_REMINDERS_DUE.where(_, now)).limit(BATCH).get()) as unknown as Waiting],
    ['EXPIRING', (await db.collection('orders').where(EXPIRY_REMINDERS_DUE.where(_, now)).limit(BATCH).get()) as unknown as Waiting],
  ]
  const windows = new Map<string, Promise<GroupBuyDoc | null>>()
  const windowOf = (id: string) => {
    if (!windows.has(id)) windows.set(id, findById<GroupBuyDoc>(db, 'groupBuys', id))
    return windows.get(id)!
  }
  const counts: Record<PickupReminderKind, number> = { READY_24H: 0, EXPIRING: 0 }
  for (const [kind, res] of due) {
    for (const o of res.data) {
      if (!dueReminders(o, now).includes(kind)) continue
      if (kind === 'READY_24H') {
        // Goods that came a day or more before their 提货时间: the window's start reminds them, not the clock.
        const m = windowMoments((await windowOf(o.groupBuyId)) ?? {})
        if (m && now < m.start) {
          // Deferred, once: the window's start reminds it (and marks remindedReadyAt); should that be missed, the
          // 24 h reminder takes it up again from the start on.
          await db.collection('orders').where({ _id: o._id, remindedReadyAt: _.exists(false) }).update({ data: { readyRemindAfter: m.start } })
          continue
        }
      }
      const won = await db
        .collection('orders')
        .where(kind === 'READY_24H' ? { _id: o._id, status: 'READY_FOR_PICKUP', remindedReadyAt: _.exists(false) } : { _id: o._id, status: 'READY_FOR_PICKUP', remindedExpiryAt: _.exists(false) })
        .update({ data: { [FIELD[kind]]: now } })
      if (updatedCount(won) !== 1) continue
      await queuePickupReminder(db, o, `remind_${kind === 'READY_24H' ? 'r' : 'x'}_${o._id}`, HINT[kind], now)
      counts[kind]++
    }
  }
  return { readyReminders: counts.READY_24H, expiryReminders: counts.EXPIRING, windowStartReminders, lastCallReminders }
}
