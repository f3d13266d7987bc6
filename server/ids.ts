import { createHash } from 'crypto'

/**
 * An order's id is derived from who asked and their requestId, so a replayed join lands on the same document
 * (a duplicate insert) instead of a second order. 32 characters: WeChat Pay's out_trade_no limit.
 */
export function orderIdFor(openid: string, requestId: string): string {
  return 'o' + createHash('sha256').update(`${openid}\u0000${requestId}`).digest('hex').slice(0, 31)
}

/** One refund per order, with a stable out_refund_no, so a retried refund can never pay out twice. */
export function refundIdFor(orderId: string): string {
  return 'rf' + orderId.slice(1)
}

/** The per-person tally of one resident in one group buy. */
export function participationIdFor(groupBuyId: string, openid: string): string {
  return createHash('sha256').update(`${groupBuyId}\u0000${openid}`).digest('hex').slice(0, 32)
}

/** A coupon's id from (owner, requestId), like orderIdFor: a replayed claim lands on the same coupon. */
export function couponIdFor(openid: string, requestId: string): string {
  return 'c' + createHash('sha256').update(`coupon\u0000${openid}\u0000${requestId}`).digest('hex').slice(0, 31)
}

/** The per-person tally of one resident in one coupon campaign. */
export function couponClaimIdFor(campaignId: string, openid: string): string {
  return createHash('sha256').update(`coupon\u0000${campaignId}\u0000${openid}`).digest('hex').slice(0, 32)
}
