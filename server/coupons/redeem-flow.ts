import { crashPoint, isCrash } from '@server/crash-points'
import type { CouponDoc } from '@server/coupons/model'
import { credit } from '@server/members/points'
import { docsOf } from '@server/paging'
import type { DueQuery } from '@server/due'

/**
 * The step after 核券's ISSUED → REDEEMED (which sets redeemFinishedAt 0): the campaign's pointsOnRedeem, keyed by
 * the coupon (EARN_REDEEM entry, applied in one transaction), then redeemFinishedAt. A crash in between (#27) is
 * finished by the clerk's retry (answered COUPON.ALREADY_REDEEMED: the coupon was used once) or by settle.
 */
export async function finishRedeem(db: DB.Database, coupon: Pick<CouponDoc, '_id' | 'openid' | 'title' | 'pointsOnRedeem'>, now: number): Promise<void> {
  await credit(db, coupon.openid, 'EARN_REDEEM', coupon._id, coupon.pointsOnRedeem ?? 0, `到店核销「${coupon.title}」`, now)
  crashPoint('coupon:after-points')
  await db.collection('coupons').where({ _id: coupon._id, redeemFinishedAt: 0 }).update({ data: { redeemFinishedAt: now } })
}

/** What finishInterruptedRedeems selects: redemptions whose later steps are not done. */
export const UNFINISHED_REDEEMS: DueQuery = { collection: 'coupons', where: () => ({ redeemFinishedAt: 0 }) }

/** settle: redemptions whose points a crash cut off (index redeem_unfinished). */
export async function finishInterruptedRedeems(db: DB.Database, now: number, batch = 100): Promise<{ finished: number }> {
  const unfinished = await docsOf<CouponDoc>(db.collection('coupons').where(UNFINISHED_REDEEMS.where(db.command, now)).limit(batch))
  let finished = 0
  for (const c of unfinished) {
    try {
      await finishRedeem(db, c, now)
      finished++
    } catch (err) {
      if (isCrash(err)) throw err
      console.error('[coupons] finishing the redemption of', c._id, 'failed; the next tick retries', err)
    }
  }
  return { finished }
}
