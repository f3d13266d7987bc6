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
