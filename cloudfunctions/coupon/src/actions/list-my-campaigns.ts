import { couponContract, type MerchantCampaignView } from '@shared/contracts/coupon'
import { disclosedCount } from '@shared/domain/insight'
import { ERROR_CODES, fail, ok } from '@shared/errors'
import { decodeCursor, keysetPage } from '@server/cursor'
import { action } from '@server/define'
import type { CouponCampaignDoc } from '@server/coupons/model'

const PAGE = 20

/**
 * 我的券活动: a merchant's campaigns with issued (the campaign's own counter) and redeemed (a count on the
 * coupons' (campaignId, status) index — one bounded count per campaign on the page, nothing kept twice). A targeted
 * campaign's counts are counts about its audience, and a member campaign's (minLevel) about the members at that
 * level: rounded down to a multiple of 10 (disclosedCount).
 */
export const listMyCampaigns = action({
  access: ['merchant', 'admin'],
  input: couponContract.listMyCampaigns,
  async run({ caller, db }, { cursor }) {
    const pos = decodeCursor(cursor)
    if (pos === 'invalid') return fail(ERROR_CODES.INPUT_INVALID, 'cursor: not one we issued')
    const user = await caller.user()
    const base = user.roles.includes('admin') ? {} : { merchantOpenid: caller.openid }
    const page = await keysetPage<CouponCampaignDoc>(db, 'couponCampaigns', base, { field: 'createdAt', dir: 'desc' }, pos, PAGE)
    const redeemed = await Promise.all(
      page.docs.map(async (c) => ((await db.collection('coupons').where({ campaignId: c._id, status: 'REDEEMED' }).count()) as unknown as { total: number }).total),
    )
    const shown = (c: CouponCampaignDoc, n: number) => (c.audience || (c.minLevel ?? 0) > 0 ? disclosedCount(n) : n)
    const items = page.docs.map((c, i): MerchantCampaignView => ({
      campaignId: c._id,
      title: c.title,
      valueFen: c.valueFen,
      priceFen: c.priceFen,
      total: c.total,
      issued: shown(c, c.issued),
      redeemed: shown(c, redeemed[i]),
      validFrom: c.validFrom,
      validTo: c.validTo,
      pickupPointIds: c.pickupPointIds,
      createdAt: c.createdAt,
    }))
    return ok({ items, nextCursor: page.nextCursor })
  },
})
