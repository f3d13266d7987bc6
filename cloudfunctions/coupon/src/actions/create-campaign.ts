import { couponContract } from '@shared/contracts/coupon'
import { ERROR_CODES, fail, ok } from '@shared/errors'
import { action } from '@server/define'
import type { CouponCampaignDoc } from '@server/coupons/model'
import { audienceSize } from '@server/insight/audience'
import { launchToAudience } from '@server/insight/marketing'
import { disclosedCount, disclosedSize, K_ANONYMITY_MIN } from '@shared/domain/insight'
import { maxPointsOnRedeem } from '@shared/domain/members'
import { readPointsRule } from '@server/members/points-rule'
import { membersAtLevel } from '@server/members/level-count'
import { docsOf } from '@server/paging'

export const createCampaign = action({
  access: ['merchant', 'admin'],
  input: couponContract.createCampaign,
  async run({ caller, db, now }, input) {
    const _ = db.command
    if (input.validTo <= now) return fail(ERROR_CODES.INPUT_INVALID, 'validTo: must be in the future')
    // Points are platform value: a merchant cannot mint more per redemption than the platform's rule allows.
    if (input.pointsOnRedeem) {
      const cap = maxPointsOnRedeem(input.valueFen, await readPointsRule(db))
      if (input.pointsOnRedeem > cap) return fail(ERROR_CODES.INPUT_INVALID, `pointsOnRedeem: at most ${cap} points per redemption for a coupon worth ¥${(input.valueFen / 100).toFixed(2)} (the platform's points rule)`)
    }
    const points = await docsOf<{ _id: string }>(db.collection('pickupPoints').where({ _id: _.in(input.pickupPointIds) }).limit(50))
    if (points.length !== input.pickupPointIds.length) return fail(ERROR_CODES.PICKUP_POINT_NOT_FOUND, 'a pickup point in pickupPointIds does not exist')
    const { audience, ...terms } = input
    // A targeted campaign is refused exactly as its size would be: fewer than 10 consenting residents.
    if (audience && disclosedSize(await audienceSize(db, audience, now)) === null) {
      return fail(ERROR_CODES.AUDIENCE_TOO_SMALL, `fewer than ${K_ANONYMITY_MIN} consenting residents match this audience`)
    }
    // A member campaign (minLevel) is for the members at that level: as narrow a group as an audience, refused alike.
    // Before (an audit: test/node/attacks-insight.test.ts), a campaign for the one 金卡 member was made, and its
    // exact counts told when they used it.
    if (!audience && (terms.minLevel ?? 0) > 0 && (await membersAtLevel(db, terms.minLevel ?? 0)) < K_ANONYMITY_MIN) {
      return fail(ERROR_CODES.AUDIENCE_TOO_SMALL, `fewer than ${K_ANONYMITY_MIN} members reach this level`)
    }
    const doc: Omit<CouponCampaignDoc, '_id'> = { ...terms, issued: 0, merchantOpenid: caller.openid, createdAt: now, audience: audience ?? null }
    const res = (await db.collection('couponCampaigns').add({ data: doc })) as unknown as { _id: string }
    const { notified } = audience ? await launchToAudience(db, { title: terms.title, audience }, now) : { notified: 0 }
    // How many were told is a count about the audience: rounded like its size (a second launch the same day to
    // A + one person would otherwise answer 1).
    return ok({ campaignId: res._id, notified: disclosedCount(notified) })
  },
})
