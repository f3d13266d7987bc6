import { ERROR_CODES, type ErrorCode } from '../errors'

/** A coupon code is 12 decimal digits (10^12 space): unguessable by trying, still typeable by a clerk. */
export const COUPON_CODE_LENGTH = 12
export const COUPON_CODE_PATTERN = /^\d{12}$/

/** What the resident's QR encodes; the prefix tells the clerk's scanner a coupon from a pickup code. */
export const COUPON_QR_PREFIX = 'LLT-COUPON:'

export function isCouponCodeFormat(code: string): boolean {
  return COUPON_CODE_PATTERN.test(code)
}

export function couponQrContent(code: string): string {
  return COUPON_QR_PREFIX + code
}

/** The code inside a scanned QR (or a typed code), or null if it is neither. */
export function couponCodeFromScan(scanned: string): string | null {
  const text = scanned.trim()
  const code = text.startsWith(COUPON_QR_PREFIX) ? text.slice(COUPON_QR_PREFIX.length) : text
  return isCouponCodeFormat(code) ? code : null
}

export interface CampaignTerms {
  total: number
  issued: number
  limitPerUser: number
  validFrom: number
  validTo: number
}

/** Claims are taken until the coupon could no longer be used (a coupon valid later may be claimed early). */
export function isClaimableAt(c: Pick<CampaignTerms, 'validTo'>, now: number): boolean {
  return now < c.validTo
}

/** The rule a claim must pass; the cloud function enforces the counts with conditional writes. */
export function decideClaim(c: CampaignTerms, alreadyClaimed: number, now: number): ErrorCode | null {
  if (!isClaimableAt(c, now)) return ERROR_CODES.COUPON_NOT_OPEN
  if (alreadyClaimed >= c.limitPerUser) return ERROR_CODES.COUPON_LIMIT_EXCEEDED
  if (c.issued >= c.total) return ERROR_CODES.COUPON_SOLD_OUT
  return null
}

/**
 * ISSUED → REDEEMED for coupons one holds. A bought coupon starts PENDING_PAYMENT and becomes ISSUED when the
 * payment is confirmed, or EXPIRED when its payment window passes unpaid (money arriving after that is given
 * back: EXPIRED → REFUNDING → REFUNDED). ISSUED → VOIDED when its holder deletes their account (user.deleteMe):
 * it can never be redeemed.
 */
export type CouponStatus = 'PENDING_PAYMENT' | 'ISSUED' | 'REDEEMED' | 'EXPIRED' | 'REFUNDING' | 'REFUNDED' | 'VOIDED'

/** The coupons a resident holds (listMine shows only these; the others never had a usable code). */
export const HELD_COUPON_STATUSES: readonly CouponStatus[] = ['ISSUED', 'REDEEMED']

/**
 * May this coupon be redeemed at this pickup point now? Already used says so first, then where, then when.
 * A coupon that was never paid for is, to the counter, no coupon at all (COUPON.NOT_FOUND).
 */
export function decideRedeem(
  coupon: { status: CouponStatus; validFrom: number; validTo: number; pickupPointIds: readonly string[] },
  pickupPointId: string,
  now: number,
): ErrorCode | null {
  if (coupon.status === 'REDEEMED') return ERROR_CODES.COUPON_ALREADY_REDEEMED
  if (coupon.status !== 'ISSUED') return ERROR_CODES.COUPON_NOT_FOUND
  if (!coupon.pickupPointIds.includes(pickupPointId)) return ERROR_CODES.COUPON_NOT_VALID_HERE
  if (now < coupon.validFrom || now >= coupon.validTo) return ERROR_CODES.COUPON_EXPIRED
  return null
}
