import { isDuplicateWrite } from '@server/cloud'
import { updatedCount } from '@server/fetch'
import { couponClaimIdFor } from '@server/ids'
import { txGet, type Tx } from '@server/ledger/txn'

/**
 * A coupon hold, like a join's: the person's tally of the campaign (couponClaims, at most limitPerUser) and one of
 * the campaign's coupons (issued, at most total), each taken by one conditional write that refuses rather than
 * overshoots, and given back together — a claim failing halfway, a bought coupon expiring unpaid — here only.
 */

/** The person's tally may only grow while below `limitPerUser` (an unpaid purchase counts until it expires). */
export async function reserveTally(db: DB.Database, campaignId: string, openid: string, limitPerUser: number): Promise<boolean> {
  const _ = db.command
  const claims = db.collection('couponClaims')
  const claimId = couponClaimIdFor(campaignId, openid)
  try {
    await claims.add({ data: { _id: claimId, campaignId, openid, count: 1 } })
    return true
  } catch (err) {
    if (!isDuplicateWrite(err)) throw err
  }
  const res = await claims.where({ _id: claimId, count: _.lt(limitPerUser) }).update({ data: { count: _.inc(1) } })
  return updatedCount(res) === 1
}

export async function releaseTally(db: DB.Database, campaignId: string, openid: string): Promise<void> {
  await db.collection('couponClaims').doc(couponClaimIdFor(campaignId, openid)).update({ data: { count: db.command.inc(-1) } })
}

/** One of the campaign's coupons: never more than `total`, whatever the crowd. */
export async function takeCoupon(db: DB.Database, campaignId: string, total: number): Promise<boolean> {
  const _ = db.command
  const took = await db.collection('couponCampaigns').where({ _id: campaignId, issued: _.lt(total) }).update({ data: { issued: _.inc(1) } })
  return updatedCount(took) === 1
}

export async function returnCoupon(db: DB.Database, campaignId: string): Promise<void> {
  await db.collection('couponCampaigns').doc(campaignId).update({ data: { issued: db.command.inc(-1) } })
}

/** Give back a whole hold (the coupon, then the tally): a claim cut off by a crash after it took them (settle's points heal). */
export async function releaseCouponHold(db: DB.Database, hold: { campaignId: string; openid: string }): Promise<void> {
  await returnCoupon(db, hold.campaignId)
  await releaseTally(db, hold.campaignId, hold.openid)
}

/** The same inside a transaction (a bought coupon expired unpaid: its status and its hold move together). */
export async function releaseCouponHoldInTx(t: Tx, hold: { campaignId: string; openid: string }): Promise<void> {
  const campaign = await txGet<{ issued: number }>(t, 'couponCampaigns', hold.campaignId)
  if (campaign) await t.collection('couponCampaigns').doc(hold.campaignId).update({ data: { issued: campaign.issued - 1 } })
  const claimId = couponClaimIdFor(hold.campaignId, hold.openid)
  const claim = await txGet<{ count: number }>(t, 'couponClaims', claimId)
  if (claim) await t.collection('couponClaims').doc(claimId).update({ data: { count: claim.count - 1 } })
}
