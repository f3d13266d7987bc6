/**
 * Stand-ins for contracts that have not landed in src/shared/contracts yet (pickup, coupon), written from the
 * agreed action list. When the real files land, re-export from them here and delete these shapes.
 */
import type { Page } from '@/shared/contracts/common'

export interface PickupVerifyOutput {
  orderId: string
  groupBuyId: string
  quantity: number
  status: 'PICKED_UP'
  title?: string
  maskedName?: string
  seq?: number
}

export interface PickupTodayItem {
  orderId: string
  title?: string
  quantity: number
  seq?: number
  maskedName?: string
  at?: number
  pickedUpAt?: number
}

export interface CouponCampaignView {
  campaignId: string
  title: string
  discountFen: number
  thresholdFen?: number
  claimStartAt?: number
  claimEndAt?: number
  validUntil?: number
  remaining?: number
  claimedByMe?: number
  perUserLimit?: number
}

export interface CouponView {
  couponId: string
  campaignId: string
  title: string
  discountFen: number
  thresholdFen?: number
  code: string
  status: string
  validUntil?: number
}

export interface PickupOutputs {
  verify: PickupVerifyOutput
  today: Page<PickupTodayItem>
}

export interface CouponOutputs {
  listCampaigns: { items: CouponCampaignView[] }
  claim: { couponId: string; code?: string }
  listMine: { items: CouponView[] }
  redeem: { couponId: string; title?: string; discountFen?: number }
}
