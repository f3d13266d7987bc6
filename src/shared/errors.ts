/**
 * Every failure a caller can see, as a closed table. Cloud functions return these codes; the client maps each
 * one to a single friendly Chinese message (src/components/error-copy.ts). Adding a code here without a
 * message there is a type error.
 */
export const ERROR_CODES = {
  /** The event did not match the action's input schema (missing, wrong type, out of range, unknown keys). */
  INPUT_INVALID: 'INPUT.INVALID',
  /** The caller's roles do not allow this action, or the caller acts outside the pickup point they are bound to. */
  AUTH_FORBIDDEN: 'AUTH.FORBIDDEN',
  /** The caller has no WeChat identity (no OPENID in the context). */
  AUTH_UNAUTHENTICATED: 'AUTH.UNAUTHENTICATED',
  /** `event.action` names nothing this function serves. */
  ACTION_UNKNOWN: 'ACTION.UNKNOWN',
  /** Something failed on our side; the write, if any, was not made. Safe to retry with the same requestId. */
  INTERNAL: 'INTERNAL',

  PICKUP_POINT_NOT_FOUND: 'PICKUP_POINT.NOT_FOUND',
  /** admin.grantRole: the person holds another point-bound role at another pickup point (one binding serves both). */
  ROLE_BOUND_ELSEWHERE: 'ROLE.BOUND_ELSEWHERE',

  GROUP_BUY_NOT_FOUND: 'GROUP_BUY.NOT_FOUND',
  /** Not accepting joins: not started yet, already ended, failed or closed. */
  GROUP_BUY_NOT_OPEN: 'GROUP_BUY.NOT_OPEN',
  /** Not enough stock left for the quantity asked. */
  GROUP_BUY_SOLD_OUT: 'GROUP_BUY.SOLD_OUT',
  /** The quantity would take this person over the per-person limit (counting all their live orders). */
  GROUP_BUY_LIMIT_EXCEEDED: 'GROUP_BUY.LIMIT_EXCEEDED',
  /** Arrival can only be signed off once the group has succeeded. */
  GROUP_BUY_NOT_SUCCEEDED: 'GROUP_BUY.NOT_SUCCEEDED',

  ORDER_NOT_FOUND: 'ORDER.NOT_FOUND',
  /** Only an unpaid order can be cancelled. */
  ORDER_NOT_CANCELLABLE: 'ORDER.NOT_CANCELLABLE',
  /** The order is not waiting for payment (paid, cancelled or expired). */
  ORDER_NOT_PAYABLE: 'ORDER.NOT_PAYABLE',

  PAYMENT_FAILED: 'PAYMENT.FAILED',

  PICKUP_CODE_NOT_FOUND: 'PICKUP.CODE_NOT_FOUND',
  PICKUP_ALREADY_USED: 'PICKUP.ALREADY_USED',
  PICKUP_EXPIRED: 'PICKUP.EXPIRED',
  PICKUP_NOT_READY: 'PICKUP.NOT_READY',
  /** The leader already sent today's 催取 for this group buy (once a day). */
  PICKUP_REMINDED_TODAY: 'PICKUP.REMINDED_TODAY',
  /** 部分提货: more than is left to hand over on this order was asked (or a quantity with an all-my-orders code). */
  PICKUP_QUANTITY_TOO_MANY: 'PICKUP.QUANTITY_TOO_MANY',
  /** 配送到家: this pickup point does not deliver (not set up, or switched off). */
  DELIVERY_NOT_OFFERED: 'DELIVERY.NOT_OFFERED',
  /** The building is not one the store delivers to. */
  DELIVERY_BUILDING_NOT_SERVED: 'DELIVERY.BUILDING_NOT_SERVED',
  /** Not one of the point's delivery slots, or the slot has ended. */
  DELIVERY_SLOT_INVALID: 'DELIVERY.SLOT_INVALID',
  /** A delivery join without a building and room, and none saved on the resident's 收货人. */
  DELIVERY_ADDRESS_REQUIRED: 'DELIVERY.ADDRESS_REQUIRED',
  /** 截团 / 确认到货: the group buy has not ended yet (a supply group buy is signed off after it closes). */
  GROUP_BUY_NOT_ENDED: 'GROUP_BUY.NOT_ENDED',

  COUPON_NOT_FOUND: 'COUPON.NOT_FOUND',
  COUPON_SOLD_OUT: 'COUPON.SOLD_OUT',
  COUPON_LIMIT_EXCEEDED: 'COUPON.LIMIT_EXCEEDED',
  COUPON_ALREADY_REDEEMED: 'COUPON.ALREADY_REDEEMED',
  COUPON_EXPIRED: 'COUPON.EXPIRED',
  COUPON_NOT_VALID_HERE: 'COUPON.NOT_VALID_HERE',
  /** The campaign is outside its claim window. */
  COUPON_NOT_OPEN: 'COUPON.NOT_OPEN',
  /** A replayed purchase (same requestId) whose payment window passed unpaid: buy again with a new requestId. */
  COUPON_NOT_PAYABLE: 'COUPON.NOT_PAYABLE',

  PRODUCT_NOT_FOUND: 'PRODUCT.NOT_FOUND',
  /** No such supply offer (or not the caller's). */
  SUPPLY_NOT_FOUND: 'SUPPLY.NOT_FOUND',
  /** The offer is not open to the caller's pickup point right now. */
  SUPPLY_NOT_AVAILABLE: 'SUPPLY.NOT_AVAILABLE',
  /** The offer has less unallocated stock than asked. */
  SUPPLY_SOLD_OUT: 'SUPPLY.SOLD_OUT',
  /** The price is outside the offer's range (or leaves the platform a negative share). */
  SUPPLY_PRICE_OUT_OF_RANGE: 'SUPPLY.PRICE_OUT_OF_RANGE',
  PURCHASE_ORDER_NOT_FOUND: 'PURCHASE_ORDER.NOT_FOUND',
  /** The payout asks for more than the account's AVAILABLE balance (what is left after holds and payouts). */
  LEDGER_INSUFFICIENT: 'LEDGER.INSUFFICIENT',
  /** The caller has no account of the kind asked for (not a leader/merchant, or a clerk bound to no store). */
  LEDGER_NO_ACCOUNT: 'LEDGER.NO_ACCOUNT',
  /** WeChat Pay needs the payee's real name (realName) on a payout from ¥2,000. */
  LEDGER_REAL_NAME_REQUIRED: 'LEDGER.REAL_NAME_REQUIRED',
  /** No payout of the caller's with that id. */
  LEDGER_PAYOUT_NOT_FOUND: 'LEDGER.PAYOUT_NOT_FOUND',
  /** An upload that is not a PNG/JPEG/WebP image, is over 5 MB, or names a path outside storage. */
  STORAGE_INVALID_FILE: 'STORAGE.INVALID_FILE',

  /** Only an order that was picked up can be rated. */
  FEEDBACK_NOT_PICKED_UP: 'FEEDBACK.NOT_PICKED_UP',
  /** This order already has its rating (edit it within 24 h instead). */
  FEEDBACK_ALREADY_RATED: 'FEEDBACK.ALREADY_RATED',
  /** No rating for this order (nothing to edit). */
  FEEDBACK_NOT_FOUND: 'FEEDBACK.NOT_FOUND',
  /** A rating can be edited only within 24 h of when it was given. */
  FEEDBACK_EDIT_WINDOW_CLOSED: 'FEEDBACK.EDIT_WINDOW_CLOSED',

  /** 售后 is only for an order picked up, and within 48 h of pickup. */
  AFTER_SALES_NOT_PICKED_UP: 'AFTER_SALES.NOT_PICKED_UP',
  AFTER_SALES_WINDOW_CLOSED: 'AFTER_SALES.WINDOW_CLOSED',
  /** More units than were picked up, counting the order's earlier (not rejected) requests. */
  AFTER_SALES_QUANTITY_EXCEEDED: 'AFTER_SALES.QUANTITY_EXCEEDED',
  /** No such case, or not one the caller may see (indistinguishable on purpose). */
  AFTER_SALES_NOT_FOUND: 'AFTER_SALES.NOT_FOUND',
  /** The case was already decided the other way. */
  AFTER_SALES_ALREADY_DECIDED: 'AFTER_SALES.ALREADY_DECIDED',

  /** 服务券: no voucher with that code (or the order is not a service order of the caller's). */
  VOUCHER_NOT_FOUND: 'VOUCHER.NOT_FOUND',
  /** The voucher was already redeemed (核销 happens once). */
  VOUCHER_ALREADY_REDEEMED: 'VOUCHER.ALREADY_REDEEMED',
  /** The voucher is not valid: not paid yet, cancelled, or refunded. */
  VOUCHER_NOT_VALID: 'VOUCHER.NOT_VALID',
  /** The voucher's slot ended more than the grace period ago (it is refunded by settle). */
  VOUCHER_EXPIRED: 'VOUCHER.EXPIRED',
  /** The slot has started: it can no longer be booked, and a voucher for it no longer cancelled or moved. */
  VOUCHER_SLOT_STARTED: 'VOUCHER.SLOT_STARTED',
  /** The slot has fewer places left than asked. */
  VOUCHER_SLOT_FULL: 'VOUCHER.SLOT_FULL',
  /** No such slot in this service group buy. */
  VOUCHER_SLOT_NOT_FOUND: 'VOUCHER.SLOT_NOT_FOUND',

  /** Not enough points for this member coupon. */
  MEMBER_INSUFFICIENT_POINTS: 'MEMBER.INSUFFICIENT_POINTS',
  /** The member coupon needs a higher level. */
  MEMBER_LEVEL_TOO_LOW: 'MEMBER.LEVEL_TOO_LOW',
  /** The audience holds fewer than 10 consenting residents: not sized, not targeted (k-anonymity). */
  AUDIENCE_TOO_SMALL: 'AUDIENCE.TOO_SMALL',
} as const

export type ErrorCode = (typeof ERROR_CODES)[keyof typeof ERROR_CODES]

export interface AppError {
  code: ErrorCode
  message: string
}

/** The shape of every cloud-function reply. Failures are values, never thrown across the wire. */
export type Result<T> = { ok: true; data: T } | { ok: false; error: AppError }

export function ok<T>(data: T): Result<T> {
  return { ok: true, data }
}

export function fail(code: ErrorCode, message: string): { ok: false; error: AppError } {
  return { ok: false, error: { code, message } }
}

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && (Object.values(ERROR_CODES) as string[]).includes(value)
}
