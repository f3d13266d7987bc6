import { z } from 'zod'
import { cursor, epochMs, fen, id, requestId, shortText, type Page } from './common'
import { audience } from './insight'
import type { PaymentParams } from './group-buy'

const createCampaignInput = z
  .object({
    title: shortText(40),
    /** What the coupon is worth at the counter. */
    valueFen: fen.min(1),
    /** What the resident pays for it; 0 = free. A paid coupon is bought through WeChat Pay (see cloudfunctions/coupon/README.md). */
    priceFen: fen,
    total: z.number().int().min(1).max(1_000_000),
    limitPerUser: z.number().int().min(1).max(99),
    validFrom: epochMs,
    validTo: epochMs,
    pickupPointIds: z.array(id).min(1).max(50),
    /** 会员券: bought with this many points instead of money (free campaigns only); absent/0 = not a points coupon. */
    pointsPrice: z.number().int().min(0).max(1_000_000).optional(),
    /** Only members at this level or above may claim (0 普通, 1 银卡, 2 金卡). */
    minLevel: z.number().int().min(0).max(2).optional(),
    /** Points the holder earns when a clerk redeems one of these coupons at a partner store (default 0). */
    pointsOnRedeem: z.number().int().min(0).max(100_000).optional(),
    /** 精准推送: only consenting residents inside this rule see and claim it (≥ 10 of them, or AUDIENCE.TOO_SMALL). */
    audience: audience.optional(),
  })
  .strict()
  .refine((v) => !v.pointsPrice || v.priceFen === 0, { message: '积分券不能同时收费', path: ['pointsPrice'] })
  // A coupon bought for money is worth more than it costs (an audit: test/node/attacks-coupons.test.ts — a ¥1 coupon
  // sold for ¥50 was accepted).
  .refine((v) => v.priceFen < v.valueFen, { message: '售价必须低于券面值', path: ['priceFen'] })
  .refine((v) => v.validTo > v.validFrom, { message: '结束时间必须晚于开始时间', path: ['validTo'] })
  .refine((v) => v.limitPerUser <= v.total, { message: '每人限领不能超过总量', path: ['limitPerUser'] })
  .refine((v) => new Set(v.pickupPointIds).size === v.pickupPointIds.length, { message: '自提点重复', path: ['pickupPointIds'] })

export type CreateCampaignInput = z.infer<typeof createCampaignInput>

export const couponContract = {
  createCampaign: createCampaignInput,
  listCampaigns: z.object({ pickupPointId: id.optional() }).strict(),
  /** A merchant's own campaigns (an admin's: all), newest first, with what was issued and redeemed. */
  listMyCampaigns: z.object({ cursor: cursor.optional() }).strict(),
  claim: z.object({ campaignId: id, requestId }).strict(),
  listMine: z.object({ cursor: cursor.optional() }).strict(),
  /** The 12-digit code, typed or taken from the QR (strip the LLT-COUPON: prefix first: couponCodeFromScan). */
  redeem: z.object({ code: z.string().regex(/^\d{12}$/, 'must be 12 digits') }).strict(),
} as const

export interface MerchantCampaignView {
  campaignId: string
  title: string
  valueFen: number
  priceFen: number
  total: number
  /** Coupons handed out (bought ones count once paid or while held for payment); targeted: rounded down to a multiple of 10. */
  issued: number
  /** Coupons a clerk redeemed at a partner store; targeted: rounded down to a multiple of 10. */
  redeemed: number
  validFrom: number
  validTo: number
  pickupPointIds: string[]
  createdAt: number
}

export interface CouponCampaignView {
  campaignId: string
  title: string
  valueFen: number
  priceFen: number
  total: number
  /** total − issued; for a targeted campaign, issued is rounded down to a multiple of 10 until none remain. */
  remaining: number
  limitPerUser: number
  /** How many of this campaign's coupons the caller holds (issued or redeemed). */
  claimedByMe: number
  validFrom: number
  validTo: number
  pickupPointIds: string[]
  /** Points it costs (0 = not a member coupon). Always sent by listCampaigns; optional for older clients' fixtures. */
  pointsPrice?: number
  minLevel?: number
  pointsOnRedeem?: number
}

export interface CouponView {
  couponId: string
  campaignId: string
  title: string
  valueFen: number
  /** Only ever shown to the coupon's owner. */
  code: string
  /** Render as a QR for the clerk's scanner. */
  qrContent: string
  status: 'ISSUED' | 'REDEEMED'
  validFrom: number
  validTo: number
  pickupPointIds: string[]
  createdAt: number
  redeemedAt: number | null
}

/** A free claim: the coupon is issued at once, with its code. */
export interface CouponClaimIssued {
  couponId: string
  status: 'ISSUED'
  code: string
  qrContent: string
}

/**
 * A paid campaign's claim (a purchase): the coupon is held for the buyer (campaign quantity and their limit
 * taken) until `expiresAt`; WeChat Pay's `payment` opens the pay sheet (out_trade_no = couponId). The code is
 * drawn when the payment is confirmed; until then the coupon is not in listMine and cannot be redeemed.
 */
export interface CouponClaimPendingPayment {
  couponId: string
  status: 'PENDING_PAYMENT'
  payment: PaymentParams
  amountFen: number
  expiresAt: number
}

export type CouponClaimOutput = CouponClaimIssued | CouponClaimPendingPayment

export interface CouponOutputs {
  /**
   * `notified`: residents told about a targeted campaign (notices, and subscribe messages where accepted), rounded
   * down to a multiple of 10 like every count about an audience; 0 otherwise.
   */
  createCampaign: { campaignId: string; notified: number }
  listCampaigns: { items: CouponCampaignView[] }
  listMyCampaigns: Page<MerchantCampaignView>
  /** Replaying a requestId answers the same way: a held purchase with a fresh `payment`, a paid one as ISSUED. */
  claim: CouponClaimOutput
  listMine: Page<CouponView>
  redeem: { couponId: string; campaignId: string; title: string; valueFen: number; status: 'REDEEMED' }
}
