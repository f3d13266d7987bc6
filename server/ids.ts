import { createHash } from 'crypto'

/**
 * An order's id is derived from who asked and their requestId, so a replayed join lands on the same document
 * (a duplicate insert) instead of a second order. 32 characters: WeChat Pay's out_trade_no limit.
 */
export function orderIdFor(openid: string, requestId: string): string {
  return 'o' + createHash('sha256').update(`${openid}\u0000${requestId}`).digest('hex').slice(0, 31)
}

/**
 * One refund per payment, with a stable out_refund_no, so a retried refund can never pay out twice. The
 * out_trade_no's kind letter picks the prefix (`rf` orders, as before coupons existed; `rc` coupon purchases),
 * so an order and a coupon sharing hash digits could still never share a refund.
 */
export function refundIdFor(outTradeNo: string): string {
  return (isCouponTradeNo(outTradeNo) ? 'rc' : 'rf') + outTradeNo.slice(1)
}

/** An order's one shortage refund (goods arrived short): its own out_refund_no beside the full refund's. */
export function shortageRefundIdFor(orderId: string): string {
  return 'rs' + orderId.slice(1)
}

/**
 * What an out_trade_no pays for. Order ids start with `o`, coupon ids with `c` (and are hashed under a
 * different salt), so the two can never collide and the payment callback can route by the first letter.
 */
export function isCouponTradeNo(outTradeNo: string): boolean {
  return outTradeNo.startsWith('c')
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

/** A product created with a requestId: a replay from the same merchant lands on the same document. */
export function productIdFor(merchantOpenid: string, requestId: string): string {
  return 'p' + createHash('sha256').update(`product\u0000${merchantOpenid}\u0000${requestId}`).digest('hex').slice(0, 31)
}

/** An order's one rating (ratings are keyed by the order: a double tap is a duplicate insert, not a second rating). */
export function ratingIdFor(orderId: string): string {
  return 't' + orderId.slice(1)
}

/** An after-sales case from (owner, requestId): a replayed request lands on the same case. */
export function afterSalesCaseIdFor(openid: string, requestId: string): string {
  return 'as' + createHash('sha256').update(`after-sales\u0000${openid}\u0000${requestId}`).digest('hex').slice(0, 30)
}

/** An approved case's one partial refund: its own out_refund_no (≤ 32 characters), so approvals refund once. */
export function afterSalesRefundIdFor(caseId: string): string {
  return 'ra' + createHash('sha256').update(`after-sales-refund\u0000${caseId}`).digest('hex').slice(0, 30)
}

/** One point entry per (event kind, what it is about): the points ledger's idempotency key. */
export function pointEntryIdFor(kind: string, ref: string): string {
  return 'pe' + createHash('sha256').update(`points\u0000${kind}\u0000${ref}`).digest('hex').slice(0, 30)
}

/** A rating aggregate's document: one per scope (group buy, offer, product, product at a pickup point). */
export function ratingStatsIdFor(scope: 'groupBuy' | 'offer' | 'product' | 'productPoint', ...keys: string[]): string {
  return 'rs' + createHash('sha256').update(`rating-stats\u0000${scope}\u0000${keys.join('\u0000')}`).digest('hex').slice(0, 30)
}

/** An order's one 阶梯价 difference refund: its own out_refund_no beside the full and shortage refunds. */
export function tierRefundIdFor(orderId: string): string {
  return 'rt' + orderId.slice(1)
}

/** A rolled-over order's one price-difference refund (the next group was cheaper). */
export function rollOverRefundIdFor(orderId: string): string {
  return 'rr' + orderId.slice(1)
}
