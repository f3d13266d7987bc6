import { adminContract } from '@shared/contracts/admin'
import { ok } from '@shared/errors'
import { action } from '@server/define'
import { readPointsRule, writePointsRule } from '@server/members/points-rule'

/** The platform's points rule for coupon campaigns (coupon.createCampaign refuses a pointsOnRedeem above it). */
export const setPointsRule = action({
  access: ['admin'],
  input: adminContract.setPointsRule,
  async run({ db, now }, rule) {
    await writePointsRule(db, rule, now)
    return ok(rule)
  },
})

export const getPointsRule = action({
  access: ['admin'],
  input: adminContract.getPointsRule,
  async run({ db }) {
    return ok(await readPointsRule(db))
  },
})
