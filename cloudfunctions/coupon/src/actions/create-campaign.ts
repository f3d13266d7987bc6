import { couponContract } from '@shared/contracts/coupon'
import { ERROR_CODES, fail, ok } from '@shared/errors'
import { action } from '@server/define'
import type { CouponCampaignDoc } from '@server/docs'

export const createCampaign = action({
  access: ['merchant', 'admin'],
  input: couponContract.createCampaign,
  async run({ caller, db, now }, input) {
    const _ = db.command
    if (input.validTo <= now) return fail(ERROR_CODES.INPUT_INVALID, 'validTo: must be in the future')
    const points = (await db.collection('pickupPoints').where({ _id: _.in(input.pickupPointIds) }).limit(50).get()) as unknown as { data: { _id: string }[] }
    if (points.data.length !== input.pickupPointIds.length) return fail(ERROR_CODES.PICKUP_POINT_NOT_FOUND, 'a pickup point in pickupPointIds does not exist')
    const doc: Omit<CouponCampaignDoc, '_id'> = { ...input, issued: 0, merchantOpenid: caller.openid, createdAt: now }
    const res = (await db.collection('couponCampaigns').add({ data: doc })) as unknown as { _id: string }
    return ok({ campaignId: res._id })
  },
})
