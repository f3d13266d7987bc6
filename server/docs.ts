import type { Role } from '@shared/contracts/common'
import type { GroupBuyView } from '@shared/contracts/group-buy'
import type { OrderStatus, OrderView } from '@shared/contracts/order'
import type { CouponStatus } from '@shared/domain/coupon'
import type { Audience } from '@shared/domain/insight'
import { effectiveStatus, type StoredGroupBuyStatus } from '@shared/domain/group-buy'
import type { PriceTier } from '@shared/domain/price-tiers'
import type { OnFail } from '@shared/domain/roll-over'

/** Stored shapes of the collections in database/schema.json. */
export interface GroupBuyDoc {
  _id: string
  title: string
  description: string
  images: string[]
  unit: string
  priceFen: number
  originalPriceFen: number | null
  stock: number
  /** stock - reserved (unpaid) - sold (paid); never below zero, guarded by every conditional write. */
  stockLeft: number
  reservedQuantity: number
  soldQuantity: number
  minParticipants: number
  /** Distinct residents with at least one paid order. */
  paidParticipants: number
  limitPerUser: number
  startAt: number
  endAt: number
  pickupPointId: string
  creatorOpenid: string
  creatorRole: Role
  status: StoredGroupBuyStatus
  createdAt: number
  succeededAt: number | null
  /** false between 成团 and the end of its messages (settle re-sends, keyed, what a crash cut off). */
  succeededNotified?: boolean
  /** When its orders were settled (unpaid cancelled, refunds requested) after it ended; 0 until then (an
   * indexable value, unlike null, so the settle timer finds the unsettled ones without scanning the rest). */
  settledAt: number
  arrivedAt: number | null
  /** 帮卖: the supply offer this group buy sells, and that offer's merchant (absent on a leader's own). */
  offerId?: string | null
  merchantId?: string | null
  /** The offer's supply price per unit, fixed when the leader opened the group buy. */
  supplyPriceFen?: number | null
  /** The offer's commission for the leader, in basis points of each sale, fixed when the group buy opened. */
  commissionBp?: number | null
  /** What the leader signed off as arrived (absent/null until then). */
  receivedQuantity?: number | null
  /** Set with arrivedAt: less arrived than was paid for (late payers are then refunded, not served). */
  arrivalShort?: boolean
  /** Unsold units handed back to the offer when the group buy ended (set once). */
  offerReturnedAt?: number | null
  /** 提货时间 (absent/null = none given). */
  pickupStartAt?: number | null
  pickupEndAt?: number | null
  /** 截团: when its leader (or the admin) ended it early, and who; endAt was moved to that instant. */
  closedEarlyAt?: number | null
  closedBy?: string | null
  /** 阶梯价 (absent/null = one price); the first tier is priceFen. */
  priceTiers?: PriceTier[] | null
  /** The tier reached by the units paid by the end, decided once with 成团 (absent until then). */
  finalPriceFen?: number | null
}

export interface ParticipationDoc {
  _id: string
  groupBuyId: string
  openid: string
  /** Quantity of this person's live orders, the per-person limit's tally. */
  quantity: number
  paidOrders: number
}

export interface OrderDoc {
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
  /** 0 from PENDING_PAYMENT → PAID until the payment's later steps are done (payment-flow finishPayment). */
  paymentFinishedAt?: number
  /** 跟团号, fixed at payment for the group buy `seqIn` (a roll-over moves the order: then it is counted again). */
  seq?: number
  seqIn?: string
  /** When the payment was counted into its participation and group buy (once, in one transaction). */
  countedAt?: number
  /** 0 from READY_FOR_PICKUP → PICKED_UP until the hand-over's later steps are done (pickup-flow finishHandover). */
  handoverFinishedAt?: number
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
  rolledAt?: number
  rollOverRefundFen?: number
  /** The hold ran out (no next group in time): set with rollOverUntil 0, just before the refund. */
  rollOverExpiredAt?: number
}

/** `urls` maps the doc's image ids to temp URLs (server/storage/files.ts tempUrls). */
export function toGroupBuyView(doc: GroupBuyDoc, now: number, urls: ReadonlyMap<string, string>): GroupBuyView {
  return {
    groupBuyId: doc._id,
    title: doc.title,
    description: doc.description,
    images: doc.images,
    unit: doc.unit,
    priceFen: doc.priceFen,
    originalPriceFen: doc.originalPriceFen,
    stock: doc.stock,
    stockLeft: doc.stockLeft,
    minParticipants: doc.minParticipants,
    paidParticipants: doc.paidParticipants,
    limitPerUser: doc.limitPerUser,
    startAt: doc.startAt,
    endAt: doc.endAt,
    pickupPointId: doc.pickupPointId,
    status: effectiveStatus(doc, now),
    createdAt: doc.createdAt,
    arrivedAt: doc.arrivedAt,
    imageUrls: doc.images.map((i) => urls.get(i) ?? ''),
    offerId: doc.offerId ?? null,
    merchantId: doc.merchantId ?? null,
    pickupStartAt: doc.pickupStartAt ?? null,
    pickupEndAt: doc.pickupEndAt ?? null,
    priceTiers: doc.priceTiers ?? null,
    paidQuantity: doc.soldQuantity,
    finalPriceFen: doc.finalPriceFen ?? null,
  }
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
  }
}

/**
 * pickupCodes: keyed by the code itself, so a duplicate insert is a collision (codes are never reused). One
 * space for three kinds: an order's own code (kind absent), a proxy code for one order (代取, 'delegate') and a
 * resident's all-my-orders code at one point (一码提货, 'mine': no orderId, it expires).
 */
export interface PickupCodeDoc {
  _id: string
  kind?: 'delegate' | 'mine'
  orderId?: string
  pickupPointId: string
  /** The resident the code belongs to (delegate, mine). */
  openid?: string
  /** 'mine' only. */
  expiresAt?: number
  createdAt: number
}

export interface CouponCampaignDoc {
  _id: string
  title: string
  valueFen: number
  priceFen: number
  total: number
  /** Coupons handed out so far; only ever moved by `where({issued: _.lt(total)})` conditional increments. */
  issued: number
  limitPerUser: number
  validFrom: number
  validTo: number
  pickupPointIds: string[]
  merchantOpenid: string
  createdAt: number
  /** 会员券 (absent on campaigns made before members existed = 0): see server/members/points.ts. */
  pointsPrice?: number
  minLevel?: number
  pointsOnRedeem?: number
  /** 精准推送 (#13): only residents inside this rule see and claim it; absent/null = everyone. */
  audience?: Audience | null
}

/** couponClaims: one per (campaign, person), the per-person limit's tally. */
export interface CouponClaimDoc {
  _id: string
  campaignId: string
  openid: string
  count: number
}

/**
 * A coupon carries its campaign's (immutable) terms, so redeeming reads one document. A bought coupon is held
 * as PENDING_PAYMENT (taking its campaign slot and the buyer's tally) with no code until payment is confirmed;
 * the purchase fields are absent on free coupons.
 */
export interface CouponDoc {
  _id: string
  campaignId: string
  openid: string
  requestId: string
  /** null until a bought coupon is paid: an unpaid coupon has nothing a clerk could redeem. */
  code: string | null
  title: string
  valueFen: number
  validFrom: number
  validTo: number
  pickupPointIds: string[]
  status: CouponStatus
  createdAt: number
  redeemedAt: number | null
  redeemedBy: string | null
  redeemedAtPointId: string | null
  /** 0 from ISSUED → REDEEMED until the redemption's points are credited (server/coupons/redeem-flow.ts, #27). */
  redeemFinishedAt?: number
  /** What the buyer pays (the campaign's priceFen); 0 for free coupons. */
  amountFen?: number
  /** End of the payment window of an unpaid purchase. */
  expiresAt?: number | null
  paidAt?: number | null
  transactionId?: string | null
  /** When an unpaid purchase expired. */
  endedAt?: number | null
  refundedAt?: number | null
  /** The campaign's points terms, copied at claim like its other terms (absent = 0). */
  pointsPrice?: number
  pointsOnRedeem?: number
}
