import type { CouponClaimOutput } from '@shared/contracts/coupon'
import { couponQrContent, isClaimableAt } from '@shared/domain/coupon'
import { ERROR_CODES, fail, ok, type ErrorCode, type Result } from '@shared/errors'
import { isDuplicateWrite } from '@server/cloud'
import { allocateCouponCode } from '@server/coupons/coupon-flow'
import { releaseTally, reserveTally, returnCoupon, takeCoupon } from '@server/coupons/holds'
import type { CouponCampaignDoc, CouponDoc } from '@server/coupons/model'
import { findById } from '@server/fetch'
import { couponIdFor } from '@server/ids'
import { isInAudience } from '@server/insight/audience'
import { memberOf, returnSpentPoints, settleSpend, spendPoints, toMemberView } from '@server/members/points'
import { crashPoint, isCrash } from '@server/crash-points'
import { createPayment, paymentWindowMs } from '@server/payments/pay'

const MESSAGES: Partial<Record<ErrorCode, string>> = {
  [ERROR_CODES.COUPON_LIMIT_EXCEEDED]: 'you already hold as many of these coupons as one person may',
  [ERROR_CODES.COUPON_SOLD_OUT]: 'all coupons of this campaign have been claimed',
  [ERROR_CODES.MEMBER_INSUFFICIENT_POINTS]: 'not enough points for this member coupon',
  [ERROR_CODES.INTERNAL]: 'claim collided with a replay of the same requestId; retry with it',
}

/**
 * 领券 / 购券. Like a join: reserve the person's tally, then one of the campaign's coupons, then write the
 * coupon — each a conditional write that refuses rather than overshoots, so totals and per-person limits hold
 * however many claim at once. A later step failing hands back what the earlier ones took. The coupon id is
 * derived from (caller, requestId): a replayed claim answers with the same coupon and takes nothing.
 *
 * A free coupon is ISSUED with its code at once. A paid one is held PENDING_PAYMENT (no code) for the payment
 * window, and its id is the WeChat Pay out_trade_no; payCallback issues it, the settle timer expires it unpaid.
 */
export async function claimCoupon(db: DB.Database, openid: string, { campaignId, requestId }: { campaignId: string; requestId: string }, now: number): Promise<Result<CouponClaimOutput>> {
  const couponId = couponIdFor(openid, requestId)
  const earlier = await findById<CouponDoc>(db, 'coupons', couponId)
  if (earlier) return replay(earlier)

  const campaign = await findById<CouponCampaignDoc>(db, 'couponCampaigns', campaignId)
  // Outside a targeted campaign's audience it does not exist, in the same words as a missing one.
  if (!campaign || (campaign.audience && !(await isInAudience(db, openid, campaign.audience, now)))) return fail(ERROR_CODES.COUPON_NOT_FOUND, 'no such coupon campaign')
  if (!isClaimableAt(campaign, now)) return fail(ERROR_CODES.COUPON_NOT_OPEN, 'this campaign is no longer claimable')
  const paid = campaign.priceFen > 0
  // 会员券: bought with points (free campaigns only), maybe only from a level up.
  const pointsPrice = campaign.pointsPrice ?? 0
  if (pointsPrice > 0 || (campaign.minLevel ?? 0) > 0) {
    const member = toMemberView(await memberOf(db, openid))
    if (member.level < (campaign.minLevel ?? 0)) return fail(ERROR_CODES.MEMBER_LEVEL_TOO_LOW, 'this member coupon needs a higher level')
  }

  // 1. The person's tally: may only grow while below the limit (an unpaid purchase counts until it expires).
  if (!(await reserveTally(db, campaignId, openid, campaign.limitPerUser))) return replayOr(ERROR_CODES.COUPON_LIMIT_EXCEEDED)

  // 2. One of the campaign's coupons: never more than total, whatever the crowd.
  if (!(await takeCoupon(db, campaignId, campaign.total))) {
    await releaseTally(db, campaignId, openid)
    return replayOr(ERROR_CODES.COUPON_SOLD_OUT)
  }

  // 3. The points, by one conditional write (a refusal hands back the slot and the tally; a concurrent twin of
  // this requestId that also deducted gives its deduction straight back, so a requestId spends once).
  if (pointsPrice > 0) {
    const spent = await spendPoints(db, openid, couponId, pointsPrice, `兑换「${campaign.title}」`, now, campaignId)
    if (spent !== 'SPENT') {
      await returnCoupon(db, campaignId)
      await releaseTally(db, campaignId, openid)
      return replayOr(spent === 'INSUFFICIENT' ? ERROR_CODES.MEMBER_INSUFFICIENT_POINTS : ERROR_CODES.INTERNAL)
    }
    // A crash from here to settleSpend leaves the spend pending: settle's points heal gives it and the hold back
    // if no coupon was written.
    crashPoint('coupon:after-spend')
  }

  // 4. A free coupon's unguessable code (a bought one gets its code when paid), then the coupon itself.
  let code: string | null = null
  try {
    if (!paid) code = await allocateCouponCode(db, { _id: couponId, campaignId }, now)
    const coupon: CouponDoc = {
      _id: couponId,
      campaignId,
      openid: openid,
      requestId,
      code,
      title: campaign.title,
      valueFen: campaign.valueFen,
      validFrom: campaign.validFrom,
      validTo: campaign.validTo,
      pickupPointIds: campaign.pickupPointIds,
      status: paid ? 'PENDING_PAYMENT' : 'ISSUED',
      createdAt: now,
      redeemedAt: null,
      redeemedBy: null,
      redeemedAtPointId: null,
      ...(paid ? { amountFen: campaign.priceFen, expiresAt: now + paymentWindowMs(), paidAt: null, transactionId: null, refundedAt: null } : {}),
      ...(pointsPrice > 0 ? { pointsPrice } : {}),
      ...(campaign.pointsOnRedeem ? { pointsOnRedeem: campaign.pointsOnRedeem } : {}),
      ...((campaign.minLevel ?? 0) > 0 ? { minLevel: campaign.minLevel } : {}),
    }
    await db.collection('coupons').add({ data: coupon })
    crashPoint('coupon:after-insert')
    if (pointsPrice > 0) await settleSpend(db, couponId)
    return replay(coupon)
  } catch (err) {
    // The insert may have landed even though we saw an error: only give back what no coupon holds. A free
    // coupon is ours if it carries our code; a held purchase (no code) if the error was not a duplicate
    // (a duplicate means a concurrent twin of this requestId inserted first) and it was made now.
    const stored = await findById<CouponDoc>(db, 'coupons', couponId)
    const ours = stored && (paid ? !isDuplicateWrite(err) && stored.createdAt === now : stored.code === code)
    if (isCrash(err)) throw err
    if (stored && ours) {
      if (pointsPrice > 0) await settleSpend(db, couponId)
      return replay(stored)
    }
    await returnCoupon(db, campaignId)
    await releaseTally(db, campaignId, openid)
    if (code) await db.collection('couponCodes').where({ _id: code, couponId }).remove()
    if (pointsPrice > 0 && !stored) await returnSpentPoints(db, openid, couponId, now)
    if (pointsPrice > 0) await settleSpend(db, couponId)
    // Same requestId claimed concurrently and the other call won: answer with its coupon.
    if (stored) return replay(stored)
    if (isDuplicateWrite(err)) return fail(ERROR_CODES.INTERNAL, 'claim collided; retry with the same requestId')
    throw err
  }

  async function replay(c: CouponDoc): Promise<Result<CouponClaimOutput>> {
    if (c.campaignId !== campaignId) return fail(ERROR_CODES.INPUT_INVALID, 'requestId was already used for a different claim')
    if ((c.status === 'ISSUED' || c.status === 'REDEEMED') && c.code) return ok({ couponId: c._id, status: 'ISSUED', code: c.code, qrContent: couponQrContent(c.code) })
    if (c.status === 'PENDING_PAYMENT' && c.amountFen && c.expiresAt) {
      // Same out_trade_no and amount: WeChat Pay reopens the same trade, it never charges twice.
      const payment = await createPayment({ orderId: c._id, title: c.title, amountFen: c.amountFen, expiresAt: c.expiresAt })
      return ok({ couponId: c._id, status: 'PENDING_PAYMENT', payment, amountFen: c.amountFen, expiresAt: c.expiresAt })
    }
    return fail(ERROR_CODES.COUPON_NOT_PAYABLE, `this purchase is ${c.status}; buy again with a new requestId`)
  }

  /** A concurrent replay of this requestId may have won: answer with its coupon instead of the refusal. */
  async function replayOr(error: ErrorCode) {
    const stored = await findById<CouponDoc>(db, 'coupons', couponId)
    if (stored) return replay(stored)
    return fail(error, MESSAGES[error] ?? error)
  }
}
