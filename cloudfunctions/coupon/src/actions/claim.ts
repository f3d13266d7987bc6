import { couponContract } from '@shared/contracts/coupon'
import { claimCoupon } from '@server/coupons/claim-flow'
import { action } from '@server/define'

/** 领券 / 购券: the person's tally, one of the campaign's coupons, the coupon (server/coupons/claim-flow.ts, holds.ts). */
export const claim = action({
  access: ['resident'],
  input: couponContract.claim,
  run: ({ caller, db, now }, input) => claimCoupon(db, caller.openid, input, now),
})
