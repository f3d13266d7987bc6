import type { couponContract, CouponOutputs } from '@/shared/contracts/coupon'
import { contractCaller } from './contract-caller'

const call = contractCaller<typeof couponContract, CouponOutputs>('coupon')

export const couponService = {
  /** Campaigns redeemable at this pickup point (all claimable ones when none is chosen yet). */
  listCampaigns: (pickupPointId: string | null) => call('listCampaigns', pickupPointId ? { pickupPointId } : {}),
  claim: (campaignId: string, requestId: string) => call('claim', { campaignId, requestId }),
  listMine: (cursor?: string) => call('listMine', cursor ? { cursor } : {}),
  redeem: (code: string) => call('redeem', { code }),
}
