import type { OrderStatus } from '../contracts/order'

/** Default minutes an unpaid order holds its stock before it expires. */
export const DEFAULT_PAYMENT_WINDOW_MS = 15 * 60 * 1000

/** Orders whose quantity still counts against stock and the per-person limit. */
export const LIVE_ORDER_STATUSES: readonly OrderStatus[] = ['PENDING_PAYMENT', 'PAID', 'READY_FOR_PICKUP', 'PICKED_UP']

/** Orders that were paid and whose money we still hold (so a failed group must refund them). */
export const PAID_ORDER_STATUSES: readonly OrderStatus[] = ['PAID', 'READY_FOR_PICKUP']

export function isCancellable(status: OrderStatus): boolean {
  return status === 'PENDING_PAYMENT'
}

export function amountFen(priceFen: number, quantity: number): number {
  return priceFen * quantity
}

/** Allowed status moves; anything else is a bug or a race lost, and the conditional write refuses it. */
export const ORDER_TRANSITIONS: Readonly<Record<OrderStatus, readonly OrderStatus[]>> = {
  PENDING_PAYMENT: ['PAID', 'CANCELLED', 'EXPIRED'],
  PAID: ['READY_FOR_PICKUP', 'PICKED_UP', 'REFUNDING'],
  READY_FOR_PICKUP: ['PICKED_UP', 'REFUNDING'],
  PICKED_UP: [],
  // Money can still arrive after an unpaid hold was released (the pay sheet was open): it goes back.
  CANCELLED: ['REFUNDING'],
  EXPIRED: ['REFUNDING'],
  REFUNDING: ['REFUNDED'],
  REFUNDED: [],
}

export function canMove(from: OrderStatus, to: OrderStatus): boolean {
  return ORDER_TRANSITIONS[from].includes(to)
}
