import { callFunction } from './cloud'
import type { CouponOutputs } from './pending-contracts'

export const couponService = {
  listCampaigns: () => callFunction<CouponOutputs['listCampaigns']>('coupon', 'listCampaigns', {}),
  claim: (campaignId: string, requestId: string) =>
    callFunction<CouponOutputs['claim']>('coupon', 'claim', { campaignId, requestId }),
  listMine: () => callFunction<CouponOutputs['listMine']>('coupon', 'listMine', {}),
  redeem: (code: string) => callFunction<CouponOutputs['redeem']>('coupon', 'redeem', { code }),
}
