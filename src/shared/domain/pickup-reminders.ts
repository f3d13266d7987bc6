/** 提货提醒: when a waiting order is reminded. Pure. */

/** The first reminder: this long after the goods were ready and not picked up. */
export const REMIND_AFTER_READY_MS = 24 * 3600_000
/** The second: this long before the pickup code expires. */
export const REMIND_BEFORE_EXPIRY_MS = 24 * 3600_000

export type PickupReminderKind = 'READY_24H' | 'EXPIRING'

/** Which reminders an order is due (each is sent at most once; never unless it is still waiting). */
export function dueReminders(
  order: { status: string; readyAt: number | null; pickupExpiresAt: number | null; remindedReadyAt?: number | null; remindedExpiryAt?: number | null },
  now: number,
): PickupReminderKind[] {
  if (order.status !== 'READY_FOR_PICKUP' || order.readyAt === null || order.pickupExpiresAt === null) return []
  const out: PickupReminderKind[] = []
  if (!order.remindedReadyAt && now >= order.readyAt + REMIND_AFTER_READY_MS && now < order.pickupExpiresAt) out.push('READY_24H')
  if (!order.remindedExpiryAt && now >= order.pickupExpiresAt - REMIND_BEFORE_EXPIRY_MS && now < order.pickupExpiresAt) out.push('EXPIRING')
  return out
}

/**
 * 提货时间 reminders (#22): a group buy with a pickup window reminds its waiting residents from the window, not at
 * a fixed delay — once when the window opens (this stands in for the 24 h reminder: `remindedReadyAt`) and a
 * last call before it closes (`remindedLastCallAt`).
 */
export const LAST_CALL_BEFORE_END_MS = 60 * 60_000

export type WindowReminderKind = 'WINDOW_START' | 'LAST_CALL'

export interface PickupWindow {
  pickupStartAt?: number | null
  pickupEndAt?: number | null
}

/** When a window's reminders fall: its start, and the last call (an hour before the end, never before the start). */
export function windowMoments(w: PickupWindow): { start: number; lastCall: number; end: number } | null {
  if (!w.pickupStartAt || !w.pickupEndAt || w.pickupEndAt <= w.pickupStartAt) return null
  return { start: w.pickupStartAt, lastCall: Math.max(w.pickupStartAt, w.pickupEndAt - LAST_CALL_BEFORE_END_MS), end: w.pickupEndAt }
}

/**
 * Is this window reminder due for this order now? Only while it still waits (READY_FOR_PICKUP), only inside the
 * window, each at most once, and never for goods that arrived after the moment: their arrival notice (naming the
 * 提货时间) was just sent and is the reminder.
 */
export function windowReminderDue(
  kind: WindowReminderKind,
  w: PickupWindow,
  order: { status: string; readyAt: number | null; remindedReadyAt?: number | null; remindedLastCallAt?: number | null },
  now: number,
): boolean {
  const m = windowMoments(w)
  if (!m || order.status !== 'READY_FOR_PICKUP' || order.readyAt === null || now >= m.end) return false
  const at = kind === 'WINDOW_START' ? m.start : m.lastCall
  const sent = kind === 'WINDOW_START' ? order.remindedReadyAt : order.remindedLastCallAt
  return !sent && now >= at && order.readyAt < at
}
