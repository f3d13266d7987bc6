import type { CouponCampaignView } from '@shared/contracts/coupon'
import { couponContract } from '@shared/contracts/coupon'
import { disclosedCount } from '@shared/domain/insight'
import { ok } from '@shared/errors'
import { action } from '@server/define'
import type { CouponCampaignDoc, CouponClaimDoc } from '@server/coupons/model'
import { couponClaimIdFor } from '@server/ids'
import { visibleCampaigns } from '@server/insight/marketing'
import { docsOf } from '@server/paging'

const LIMIT = 50

/** Campaigns still claimable (newest first), optionally only those valid at one pickup point, with my tally. */
export const listCampaigns = action({
  access: ['resident'],
  input: couponContract.listCampaigns,
  async run({ caller, db, now }, { pickupPointId }) {
    const _ = db.command
    const where: Record<string, unknown> = { validTo: _.gt(now) }
    if (pickupPointId) where.pickupPointIds = pickupPointId // array field: "contains"
    const res = await docsOf<CouponCampaignDoc>(db.collection('couponCampaigns').where(where).orderBy('createdAt', 'desc').limit(LIMIT))
    // A targeted campaign is, to anyone outside its audience, a campaign that does not exist.
    const campaigns = await visibleCampaigns(db, caller.openid, res, now)
    const claimIds = campaigns.map((c) => couponClaimIdFor(c._id, caller.openid))
    const claims = claimIds.length
      ? (await docsOf<CouponClaimDoc>(db.collection('couponClaims').where({ _id: _.in(claimIds) }).limit(LIMIT)))
      : []
    const mine = new Map(claims.map((c) => [c.campaignId, c.count]))
    const items = campaigns.map(
      (c): CouponCampaignView => ({
        campaignId: c._id,
        title: c.title,
        valueFen: c.valueFen,
        priceFen: c.priceFen,
        total: c.total,
        // A targeted or member (minLevel) campaign's claims are a count about its audience (a merchant's own resident
        // account may be in it): remaining moves in steps of 10 until the campaign is gone, like everything else said
        // about it. Before (an audit: test/node/attacks-coupons.test.ts) a member campaign's was exact here, while
        // listMyCampaigns rounded it: each member's claim showed the moment it happened.
        remaining: Math.max(0, c.total - ((c.audience || (c.minLevel ?? 0) > 0) && c.issued < c.total ? disclosedCount(c.issued) : c.issued)),
        limitPerUser: c.limitPerUser,
        claimedByMe: mine.get(c._id) ?? 0,
        validFrom: c.validFrom,
        validTo: c.validTo,
        pickupPointIds: c.pickupPointIds,
        pointsPrice: c.pointsPrice ?? 0,
        minLevel: c.minLevel ?? 0,
        pointsOnRedeem: c.pointsOnRedeem ?? 0,
      }),
    )
    return ok({ items })
  },
})
