import type { CouponView } from '@shared/contracts/coupon'
import type { CouponStatus } from '@shared/domain/coupon'
import type { Audience } from '@shared/domain/insight'

// The coupons room's stored shapes (database/schema.json): couponCampaigns, couponClaims and coupons.

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
  /** A member campaign's level (copied at the claim): redeemed only while its holder is still at it (coupon.redeem). */
  minLevel?: number
}

/** A coupon its owner holds: issued (paid for, if bought) or redeemed, so it has its code. */
export type HeldCouponDoc = CouponDoc & { status: CouponView['status']; code: string }
