import type { couponContract, CouponOutputs, CreateCampaignInput } from '@/shared/contracts/coupon'
import { contractCaller } from './contract-caller'
import { requestPayment } from './payment'

const call = contractCaller<typeof couponContract, CouponOutputs>('coupon')

export const couponService = {
  /** Campaigns redeemable at this pickup point (all claimable ones when none is chosen yet). */
  listCampaigns: (pickupPointId: string | null) => call('listCampaigns', pickupPointId ? { pickupPointId } : {}),
  /** A merchant's own campaigns with issued / redeemed counts. */
  listMyCampaigns: (cursor?: string) => call('listMyCampaigns', cursor ? { cursor } : {}),
  /** Free campaigns issue the coupon; paid ones hold it PENDING_PAYMENT and return WeChat Pay's params. */
  claim: (campaignId: string, requestId: string) => call('claim', { campaignId, requestId }),
  /** Pay a held coupon purchase: the same pay step as orders, the coupon id being the out_trade_no. */
  pay: requestPayment,
  listMine: (cursor?: string) => call('listMine', cursor ? { cursor } : {}),
  redeem: (code: string) => call('redeem', { code }),
  createCampaign: (input: CreateCampaignInput) => call('createCampaign', input),
}
