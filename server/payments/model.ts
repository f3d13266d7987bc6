/** The stored shapes of the payments room (refunds.ts and shipping.ts write them; the ledger and after-sales read them): refunds and shippingUploads. */

export interface RefundDoc {
  _id: string
  /** What was paid for; absent on refunds written before coupons could be bought (all of them orders). */
  kind?: RefundKind
  /** The out_trade_no being refunded: an order's id, or a coupon's id when kind is 'coupon'. */
  orderId: string
  openid: string
  /** The order's group buy; null for coupon purchases. */
  groupBuyId: string | null
  /** The coupon's campaign; only on coupon purchases. */
  campaignId?: string
  /** What this refund gives back, in fen. */
  amountFen: number
  /** The trade's total (WeChat Pay's total_fee); absent on full refunds written before partial ones existed. */
  totalFen?: number
  /**
   * A partial refund (a shortage at arrival, after-sales) gives back part of an order that is still served:
   * it never moves the order's status, only its refundedFen. Each has its own out_refund_no.
   */
  partial?: boolean
  /**
   * The units this refund takes back (a shortage's short units, an after-sales case's approved units): what the
   * ledger's split of what is kept counts (keptOf). Absent on a full refund (all units) and on a partial refund
   * that gives money back for no unit.
   */
  units?: number
  reason: string
  status: 'PENDING' | 'DONE'
  attempts: number
  nextAttemptAt: number
  lastError: string | null
  createdAt: number
  doneAt: number | null
  /**
   * The steps after WeChat Pay confirmed (ledger reversal → points → the order): 0 from the DONE transition until
   * all of them are done, then when they were. settle finishes a refund left at 0 (finishConfirmedRefunds).
   * Absent on refunds confirmed before the steps were recorded (all of them finished in the same call).
   */
  appliedAt?: number
}

export type RefundKind = 'order' | 'coupon'

/**
 * 小程序发货信息管理服务: WeChat keeps a mini-program's payments frozen until the developer records that the goods
 * were handed over. Each paid order is recorded once, at its (first) handover, through the cloud call
 * `cloud.openapi.wxa.sec.order.uploadShippingInfo` (wx-server-sdk's generic openapi proxy; the function's
 * config.json grants `wxa.sec.order.uploadShippingInfo`; no access token is handled by us). The handover only
 * queues it (one insert, keyed by the order = its out_trade_no, so any number of handover paths and replays queue it
 * once); settle uploads from the queue, retried with backoff until WeChat accepts it.
 */
export interface ShippingDoc {
  /** `sh_<orderId>`: one per payment. */
  _id: string
  orderId: string
  /** The payment's out_trade_no (our order id). */
  outTradeNo: string
  payerOpenid: string
  itemDesc: string
  handedOverAt: number
  /** PENDING: waiting/retrying; ACCEPTED: WeChat took it; SKIPPED: refunded in full before it went out. */
  status: 'PENDING' | 'ACCEPTED' | 'SKIPPED'
  attempts: number
  nextAttemptAt: number
  lastError: string | null
  createdAt: number
  doneAt: number | null
  /** The settle run that leased it last (processDueShipping). */
  lease?: string
  /** WeChat's logistics_type: absent = 4 (用户自提); 2 (同城配送) for a delivered order, 3 (虚拟商品) for a service's voucher redeemed (#25). */
  logisticsType?: 2 | 3 | 4
}
