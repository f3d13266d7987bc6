import { couponContract } from '@shared/contracts/coupon'
import { decideRedeem } from '@shared/domain/coupon'
import { ERROR_CODES, fail, ok, type ErrorCode } from '@shared/errors'
import { counterPointOf } from '@server/pickup/clerk'
import { action } from '@server/define'
import type { CouponDoc } from '@server/coupons/model'
import { updatedCount } from '@server/fetch'
import { finishRedeem } from '@server/coupons/redeem-flow'
import { crashPoint, isCrash } from '@server/crash-points'
import { audit } from '@server/pickup/verifications'
import { docsOf } from '@server/paging'
import { memberOf, toMemberView } from '@server/members/points'

const MESSAGES: Partial<Record<ErrorCode, string>> = {
  [ERROR_CODES.COUPON_NOT_FOUND]: 'no such coupon',
  [ERROR_CODES.COUPON_ALREADY_REDEEMED]: 'this coupon was already redeemed',
  [ERROR_CODES.COUPON_NOT_VALID_HERE]: 'this coupon is not accepted at this pickup point',
  [ERROR_CODES.COUPON_EXPIRED]: 'this coupon is outside its validity period',
}

/**
 * 核券: a clerk redeems a coupon at the counter, exactly once — one conditional write ISSUED → REDEEMED —
 * and only at one of its campaign's partner pickup points, inside its validity. Every attempt is audited. The
 * points the campaign grants follow (finishRedeem; a crash between is finished by a retry or settle).
 */
export const redeem = action({
  // Open to any identity so refused attempts by non-clerks are audited too (see pickup/verify).
  access: ['resident'],
  input: couponContract.redeem,
  async run({ caller, db, now }, { code }) {
    const user = await caller.user()
    const pointId = counterPointOf(user)
    const refuse = async (error: ErrorCode, message: string, couponId?: string) => {
      await audit(db, { kind: 'coupon', code, clerkOpenid: caller.openid, pickupPointId: pointId ?? user.boundPickupPointId ?? null, ...(couponId ? { couponId } : {}), outcome: error, at: now })
      return fail(error, message)
    }
    if (!pointId) return refuse(ERROR_CODES.AUTH_FORBIDDEN, 'only a clerk bound to a pickup point redeems coupons')

    const found = await docsOf<CouponDoc>(db.collection('coupons').where({ code }).limit(1))
    const coupon = found[0]
    if (!coupon) return refuse(ERROR_CODES.COUPON_NOT_FOUND, 'no such coupon')
    // Nobody redeems their own coupon (an audit: test/node/attacks-coupons.test.ts): a clerk claiming coupons and
    // redeeming them at their own counter with no customer collected each campaign's points (platform value) and value.
    if (coupon.openid === caller.openid) return refuse(ERROR_CODES.AUTH_FORBIDDEN, 'a clerk does not redeem their own coupon', coupon._id)

    // A member coupon is for its level: a refund that took the level back (its points taken back) leaves the coupon
    // unusable until the holder is at the level again. Before (an audit: test/node/attacks-points-delivery-leader.test.ts)
    // a resident could buy up to 银卡, claim, return everything through 售后 and still redeem.
    if (coupon.minLevel && coupon.status === 'ISSUED' && toMemberView(await memberOf(db, coupon.openid)).level < coupon.minLevel) {
      return refuse(ERROR_CODES.MEMBER_LEVEL_TOO_LOW, 'this member coupon is for a level its holder is no longer at', coupon._id)
    }
    const blocked = decideRedeem(coupon, pointId, now)
    // A retry after a crash cut a redemption off: it is not repeated, but its points are credited (once).
    if (blocked && coupon.status === 'REDEEMED' && coupon.redeemFinishedAt === 0) await finishRedeem(db, coupon, now)
    if (blocked) return refuse(blocked, MESSAGES[blocked] ?? blocked, coupon._id)

    const used = await db
      .collection('coupons')
      .where({ _id: coupon._id, status: 'ISSUED' })
      .update({ data: { status: 'REDEEMED', redeemedAt: now, redeemedBy: caller.openid, redeemedAtPointId: pointId, redeemFinishedAt: 0 } })
    if (updatedCount(used) !== 1) return refuse(ERROR_CODES.COUPON_ALREADY_REDEEMED, MESSAGES[ERROR_CODES.COUPON_ALREADY_REDEEMED]!, coupon._id)
    crashPoint('coupon:after-redeemed')

    await audit(db, { kind: 'coupon', code, clerkOpenid: caller.openid, pickupPointId: pointId, couponId: coupon._id, outcome: 'REDEEMED', at: now })
    try {
      await finishRedeem(db, coupon, now)
    } catch (err) {
      // The coupon is used: the clerk is told so; settle credits the points.
      if (isCrash(err)) throw err
      console.error('[coupon] redeem points failed; settle finishes them', coupon._id, err)
    }
    return ok({ couponId: coupon._id, campaignId: coupon.campaignId, title: coupon.title, valueFen: coupon.valueFen, status: 'REDEEMED' as const })
  },
})
