import type { OnFail } from '@shared/contracts/group-buy'
import type { OrderStatus, OrderView } from '@shared/contracts/order'
import type { PickupPlaceView } from '@shared/contracts/common'
import type { OrderDeliveryFields } from '@server/delivery/model'
import { toVoucherView } from '@shared/domain/voucher'
import type { LedgerRecord } from '@server/ledger/model'
import type { VerificationDoc } from '@server/pickup/model'

// The orders room's stored shapes (database/schema.json): orders.

/**
 * What a completing hand-over records besides moving the order, kept on the order until settle copies it
 * (server/pickup/handover-records.ts): the audit line (a verifications row, keyed by the order) and the points it
 * earned (a pointEntries row EARN_PICKUP; its openid is the order's when copied, so an erasure in between is followed).
 */
export interface HandoverRecords {
  verification?: Omit<VerificationDoc, '_id'>
  earned?: { points: number; note: string; at: number }
}

/** `fulfilment`/`delivery`: 配送到家 (#25), server/delivery/model.ts. */
export interface OrderDoc extends OrderDeliveryFields {
  _id: string
  openid: string
  requestId: string
  groupBuyId: string
  pickupPointId: string
  title: string
  quantity: number
  priceFen: number
  amountFen: number
  status: OrderStatus
  createdAt: number
  expiresAt: number
  paidAt: number | null
  transactionId: string | null
  readyAt: number | null
  pickedUpAt: number | null
  refundedAt: number | null
  pickupCode: string | null
  /**
   * #23: when the pickup code on the order was drawn with its payment and is not reserved yet (pickupCodes/<code>):
   * present only until the reservation, which happens before the order can be readied (pickup-flow
   * reserveDrawnCodes). A code is shown only once READY, so no unreserved code is ever handed out.
   */
  codeDueAt?: number
  pickupExpiresAt: number | null
  nickname: string | null
  /** What will be handed over; set when the goods arrive (absent = quantity). */
  servedQuantity?: number | null
  /** Refunded so far, in fen, any reason; moved only when a refund is confirmed (once per refund: refundIds). */
  refundedFen?: number
  /** 部分提货: handed over so far (absent = 0); the order is PICKED_UP once it reaches the served quantity. */
  pickedQuantity?: number
  /** 代取: the one outstanding proxy code (pickupCodes/<code>, kind 'delegate'); cleared when used or revoked. */
  delegateCode?: string | null
  /** The confirmed refunds refundedFen counts (server/payments/refunds.ts finishRefund). */
  refundIds?: string[]
  /**
   * The points each confirmed refund takes back, by refund id: reckoned in the transaction that records the refund
   * on the order (from refundedFen before it), so two refunds of one order confirmed at once take back what the
   * two together earned, not each from the same old total. 0 for an order not handed over (it earned nothing).
   */
  pointsBack?: Record<string, number>
  /** 0 from PENDING_PAYMENT → PAID until the payment's later steps are done (payment-flow finishPayment). */
  paymentFinishedAt?: number
  /**
   * 跟团号 (server/group-buys/join-order.ts), given when the order is counted into a group buy: `seqIn` is that group
   * buy (a roll-over's move gives it a number in the next group); orders from before `seqIn` were numbered in `paidIn`.
   * `paidIn` is the group buy it was paid in: its sale stays in that group buy's rollups after a roll-over.
   */
  seq?: number
  seqIn?: string
  paidIn?: string
  /** Where and when to collect, written with the readying (server/pickup/place.ts OrderPickup; absent before). */
  pickup?: { place: PickupPlaceView | null; pickupStartAt: number | null; pickupEndAt: number | null }
  /**
   * When the goods went out, for WeChat's shipping record (payments/shipping.ts shippingMark): > 0 from the hand-over
   * until settle queued the record (then 0); absent before any hand-over.
   */
  shippingDueAt?: number
  /**
   * A payment into a group buy that had already succeeded owes its payer the 成团 message: the mark rides on the
   * payment's own write of the order instead of an outbox insert in its transaction (#23), and settle queues the
   * messages in batches (payments/payment-flow.ts queueDueSucceeded). > 0 (the payment's time) until then, 0 after;
   * absent on every other order.
   */
  succeededDueAt?: number
  /** Readied in one write with its group by the arrival `readyBatch` (= the group buy's id; arrival.ts readyInBulk). */
  readyBatch?: string
  /** The ledger's position of the order (server/ledger/model.ts LEDGER_FIELD): set when its sale is booked. */
  ledger?: LedgerRecord
  /** When the payment was counted into its participation and group buy (once, in one transaction). */
  countedAt?: number
  /** 0 from READY_FOR_PICKUP → PICKED_UP until the hand-over's later steps are done (pickup-flow finishHandover). */
  handoverFinishedAt?: number
  /**
   * The hand-over's own records, written on the order by the transaction that hands it over (#23: no document of
   * their own in it): its line of the counter's audit and the points entry it earned (server/pickup/handover-records.ts).
   * `recordsDueAt` > 0 (the hand-over's time) until settle copied them into `verifications` and `pointEntries`, then 0
   * and `handoverRecords` removed; absent on orders handed over before, or not yet.
   */
  recordsDueAt?: number
  handoverRecords?: HandoverRecords
  /**
   * The sale's ledger entries ride on the order (its `ledger` position says them): > 0 (the sale's time) from the
   * transaction that booked the sale until settle copied them into `ledgerEntries`, then 0 (server/ledger/sale-entries.ts).
   */
  saleDueAt?: number
  /** The leader whose poster code the resident joined through (groupBuy.shareCode), absent otherwise. */
  referrerLeader?: string | null
  /**
   * 阶梯价 settled: what was paid per unit (the first tier), and the difference refunded ((paid − final) × quantity,
   * its own partial refund). priceFen is then the final price, so later per-unit refunds use what was kept.
   */
  paidPriceFen?: number
  tierRefundFen?: number
  /** The resident's choice at join for a failed group (absent = REFUND). */
  onFail?: OnFail
  /** Held for a next group after its group failed: until when (0/absent = not held). */
  rollOverUntil?: number
  /** Moved to a next group: where from, when, and the price difference refunded (its own partial refund). */
  rolledFromGroupBuyId?: string
  /** Its join made the buyer's participation, and no other order of theirs was counted here since (group-buys/first-payer.ts). */
  madeParticipation?: boolean
  /** The order whose count took that mark off (first-payer.ts takeFirstMark). */
  markTakenBy?: string
  rolledAt?: number
  rollOverRefundFen?: number
  /** The hold ran out (no next group in time): set with rollOverUntil 0, just before the refund. */
  rollOverExpiredAt?: number
  /**
   * #25 服务券 (server/vouchers/): an order of a SERVICE group buy books one slot; once paid it carries a voucher
   * code (`vouchers/<code>`), redeemed by the provider (PAID → PICKED_UP), cancelled (随时退) or refunded by
   * settle after `voucherExpiresAt` (过期退). Absent on goods orders.
   */
  kind?: 'GOODS' | 'SERVICE'
  providerId?: string
  slotId?: string
  slotStartAt?: number
  slotEndAt?: number
  voucherCode?: string | null
  voucherExpiresAt?: number
  voucherCancelledAt?: number | null
  redeemedBy?: string
}

const CODE_VISIBLE: readonly OrderStatus[] = ['READY_FOR_PICKUP', 'PICKED_UP']

/** Orders that end without goods: unpaid holds released, or paid and given back in full. */
const NOTHING_HANDED_OVER: readonly OrderStatus[] = ['CANCELLED', 'EXPIRED', 'REFUNDING', 'REFUNDED']

/** What is (or will be) handed over for an order: its quantity, less any shortage; 0 when nothing will be. */
export function servedQuantityOf(doc: Pick<OrderDoc, 'status' | 'quantity' | 'servedQuantity'>): number {
  return NOTHING_HANDED_OVER.includes(doc.status) ? 0 : (doc.servedQuantity ?? doc.quantity)
}

/** The owner's view of an order; the pickup code only once the goods are there. */
export function toOrderView(doc: OrderDoc): OrderView {
  const showCode = CODE_VISIBLE.includes(doc.status)
  return {
    ...(doc.delivery ? { delivery: doc.delivery } : {}),
    orderId: doc._id,
    groupBuyId: doc.groupBuyId,
    title: doc.title,
    quantity: doc.quantity,
    priceFen: doc.priceFen,
    amountFen: doc.amountFen,
    status: doc.status,
    createdAt: doc.createdAt,
    expiresAt: doc.expiresAt,
    paidAt: doc.paidAt,
    readyAt: doc.readyAt,
    pickedUpAt: doc.pickedUpAt,
    refundedAt: doc.refundedAt,
    pickupCode: showCode ? doc.pickupCode : null,
    pickupExpiresAt: showCode ? doc.pickupExpiresAt : null,
    servedQuantity: servedQuantityOf(doc),
    refundedFen: doc.refundedFen ?? 0,
    ...(doc.tierRefundFen ? { tierRefundFen: doc.tierRefundFen, finalPriceFen: doc.priceFen } : {}),
    ...(doc.onFail === 'ROLL_OVER' ? { onFail: doc.onFail } : {}),
    ...(doc.rollOverUntil ? { rollOver: { state: 'HELD' as const, until: doc.rollOverUntil } } : {}),
    ...(doc.rolledFromGroupBuyId ? { rollOver: { state: 'MOVED' as const, fromGroupBuyId: doc.rolledFromGroupBuyId, refundFen: doc.rollOverRefundFen ?? 0 } } : {}),
    // #25: VALID vs EXPIRED depends on the clock; the view is built at reply time.
    ...(doc.kind === 'SERVICE' ? { voucher: toVoucherView(doc, Date.now()) } : {}),
  }
}
