import type { OrderStatus } from '../contracts/order'
import { ERROR_CODES, type ErrorCode } from '../errors'

/** A pickup code is 8 decimal digits: short enough to read out at the counter, drawn at random (10^8 space). */
export const PICKUP_CODE_LENGTH = 8
export const PICKUP_CODE_PATTERN = /^\d{8}$/

/** How long a pickup code stays usable after the goods are ready, unless PICKUP_CODE_TTL_MS says otherwise. */
export const DEFAULT_PICKUP_CODE_TTL_MS = 7 * 24 * 3600_000

export function isPickupCodeFormat(code: string): boolean {
  return PICKUP_CODE_PATTERN.test(code)
}

/** Expired from the instant pickupExpiresAt is reached; a code without an expiry was never issued. */
export function isPickupExpired(pickupExpiresAt: number | null, now: number): boolean {
  return pickupExpiresAt === null || now >= pickupExpiresAt
}

export function pickupExpiresAtFor(readyAt: number, ttlMs: number): number {
  return readyAt + ttlMs
}

/**
 * May 确认到货 be tapped now: a group that succeeded and is not signed off yet — only once it ended when its arrival
 * waits for the end (arrivalWaitsForEnd). The server checks the same.
 */
export function isArrivalSignOffOpen(gb: ArrivalGate & { status: string; arrivedAt?: number | null }): boolean {
  if (gb.arrivedAt) return false
  return arrivalWaitsForEnd(gb) ? gb.status === 'CLOSED' : canMarkArrived(gb.status)
}

type ArrivalGate = { offerId?: string | null; priceTiers?: readonly unknown[] | null }

/**
 * A group buy whose goods are signed off only after it ended (截团 ends it now): a 帮卖 one (its goods ship on the
 * purchase order formed at the end), and a 阶梯价 one — its price is final only at the end, and a shortage refund,
 * a hand-over, an after-sales refund or a release before then would be reckoned at the first tier's price (the
 * tier refund then gave back more than the resident paid for what they kept).
 */
export function arrivalWaitsForEnd(gb: ArrivalGate): boolean {
  return !!gb.offerId || (gb.priceTiers?.length ?? 0) >= 2
}

/** 截团 is offered while the group buy still takes joins (before its end time). */
export function canCloseEarly(gb: { status: string }): boolean {
  return gb.status === 'OPEN' || gb.status === 'SUCCEEDED'
}

/** Group buys whose goods can be signed off as arrived: they reached their threshold (CLOSED only follows success). */
export function canMarkArrived(status: string): boolean {
  return status === 'SUCCEEDED' || status === 'CLOSED'
}

/**
 * May this order be handed over now? A code already used says so first (the most useful answer at the
 * counter), then expiry, then any other state (unpaid, refunding…). The cloud function repeats the status
 * part as its one conditional write; this is the rule itself.
 */
export function decidePickup(order: { status: OrderStatus; pickupExpiresAt: number | null }, now: number): ErrorCode | null {
  if (order.status === 'PICKED_UP') return ERROR_CODES.PICKUP_ALREADY_USED
  if (order.status !== 'READY_FOR_PICKUP') return ERROR_CODES.PICKUP_NOT_READY
  if (isPickupExpired(order.pickupExpiresAt, now)) return ERROR_CODES.PICKUP_EXPIRED
  return null
}


/** What is still to hand over for a READY order: served (less any shortage) minus what was already handed over. */
export function quantityLeftToHandOver(order: { quantity: number; servedQuantity?: number | null; pickedQuantity?: number | null }): number {
  return Math.max(0, (order.servedQuantity ?? order.quantity) - (order.pickedQuantity ?? 0))
}

/**
 * 部分提货: how much of a READY order a hand-over of `asked` (absent = all that is left) takes, and whether it
 * completes the order; null when the ask is more than is left (or nothing is left).
 */
export function decideHandOverQuantity(left: number, asked: number | undefined): { take: number; completes: boolean } | null {
  const take = asked ?? left
  if (left < 1 || take < 1 || take > left) return null
  return { take, completes: take === left }
}

/** 一码提货: how long a resident's all-my-orders code stays usable (it is shown at the counter, not kept). */
export const MY_CODE_TTL_MS = 30 * 60_000
/** The most READY orders one all-my-orders code hands over at once (a resident rarely has more than a few). */
export const MY_CODE_MAX_ORDERS = 50


/** Beijing time (UTC+8, no DST) parts of an instant, for the few words shown in notices and on pickup pages. */
function cstParts(t: number): { month: number; day: number; hm: string } {
  const d = new Date(t + 8 * 3600_000)
  return { month: d.getUTCMonth() + 1, day: d.getUTCDate(), hm: `${String(d.getUTCHours()).padStart(2, '0')}:${String(d.getUTCMinutes()).padStart(2, '0')}` }
}

/** 提货时间 in words: 12月6日 16:00–20:00 (one day) or 12月6日 16:00–12月7日 12:00; '' when there is no window. */
export function formatPickupWindow(startAt: number | null | undefined, endAt: number | null | undefined): string {
  if (!startAt || !endAt) return ''
  const a = cstParts(startAt)
  const b = cstParts(endAt)
  const sameDay = a.month === b.month && a.day === b.day
  return `${a.month}月${a.day}日 ${a.hm}–${sameDay ? '' : `${b.month}月${b.day}日 `}${b.hm}`
}

/** A pickup window is both ends or neither, the end after the start. */
export function isPickupWindow(v: { pickupStartAt?: number; pickupEndAt?: number }): boolean {
  if (v.pickupStartAt === undefined && v.pickupEndAt === undefined) return true
  return v.pickupStartAt !== undefined && v.pickupEndAt !== undefined && v.pickupEndAt > v.pickupStartAt
}
