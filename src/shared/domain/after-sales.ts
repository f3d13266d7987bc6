/** 售后: what a resident may ask back after pickup, and what an approval refunds. Pure. */

export const AFTER_SALES_REASONS = ['QUALITY', 'DAMAGED', 'WRONG_ITEM', 'MISSING', 'OTHER'] as const
export type AfterSalesReason = (typeof AFTER_SALES_REASONS)[number]
export const AFTER_SALES_REASON_LABELS: Record<AfterSalesReason, string> = {
  QUALITY: '质量问题',
  DAMAGED: '破损',
  WRONG_ITEM: '发错货',
  MISSING: '少件',
  OTHER: '其他',
}

export const AFTER_SALES_STATUSES = ['PENDING', 'APPROVED', 'REJECTED'] as const
export type AfterSalesStatus = (typeof AFTER_SALES_STATUSES)[number]

/** The default after-sales window (the server reads AFTER_SALES_WINDOW_MS: server/after-sales/window.ts). */
export const AFTER_SALES_WINDOW_MS = 48 * 3600_000

/** What was handed over: the order's served quantity (less any shortage), the most a resident can send back. */
export function pickedUpQuantity(order: { quantity: number; servedQuantity?: number | null }): number {
  return order.servedQuantity ?? order.quantity
}

/**
 * Why this caller may not open a case for `quantity` units of the order now (null = may). Only the order's
 * owner (others read as not found), only a picked-up order, within the window (48 h by default) of pickup, at most the picked-up
 * quantity across all open and approved cases (`alreadyAsked`).
 */
export function decideAfterSalesRequest(
  order: { openid: string; status: string; pickedUpAt: number | null; quantity: number; servedQuantity?: number | null },
  openid: string,
  quantity: number,
  alreadyAsked: number,
  now: number,
  windowMs: number = AFTER_SALES_WINDOW_MS,
): 'ORDER.NOT_FOUND' | 'AFTER_SALES.NOT_PICKED_UP' | 'AFTER_SALES.WINDOW_CLOSED' | 'AFTER_SALES.QUANTITY_EXCEEDED' | null {
  if (order.openid !== openid) return 'ORDER.NOT_FOUND'
  if (order.status !== 'PICKED_UP' || order.pickedUpAt === null) return 'AFTER_SALES.NOT_PICKED_UP'
  if (now > order.pickedUpAt + windowMs) return 'AFTER_SALES.WINDOW_CLOSED'
  if (quantity + alreadyAsked > pickedUpQuantity(order)) return 'AFTER_SALES.QUANTITY_EXCEEDED'
  return null
}

/**
 * How many units an approval gives back: `approved` if the decider names fewer (a partial approval), else all the
 * case asked for; null when `approved` is more than asked.
 */
export function approvedUnits(asked: number, approved: number | undefined): number | null {
  if (approved === undefined) return asked
  return approved >= 1 && approved <= asked ? approved : null
}

/** An approved case gives back what those units cost. */
export function afterSalesRefundFen(quantity: number, priceFen: number): number {
  return quantity * priceFen
}
