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
