import type { CouponView } from '../../../../src/shared/contracts/coupon'
import { couponContract } from '../../../../src/shared/contracts/coupon'
import { couponQrContent } from '../../../../src/shared/domain/coupon'
import { ERROR_CODES, fail, ok } from '../../../../src/shared/errors'
import { decodeCursor, keysetPage } from '../../../../server/cursor'
import { action } from '../../../../server/define'
import type { CouponDoc } from '../../../../server/docs'

const PAGE = 20

export function toCouponView(c: CouponDoc): CouponView {
  return {
    couponId: c._id,
    campaignId: c.campaignId,
    title: c.title,
    valueFen: c.valueFen,
    code: c.code,
    qrContent: couponQrContent(c.code),
    status: c.status,
    validFrom: c.validFrom,
    validTo: c.validTo,
    pickupPointIds: c.pickupPointIds,
    createdAt: c.createdAt,
    redeemedAt: c.redeemedAt,
  }
}

/** My coupons, newest first (index owner_created). */
export const listMine = action({
  access: ['resident'],
  input: couponContract.listMine,
  async run({ caller, db }, { cursor }) {
    const pos = decodeCursor(cursor)
    if (pos === 'invalid') return fail(ERROR_CODES.INPUT_INVALID, 'cursor: not one we issued')
    const page = await keysetPage<CouponDoc>(db, 'coupons', { openid: caller.openid }, { field: 'createdAt', dir: 'desc' }, pos, PAGE)
    return ok({ items: page.docs.map(toCouponView), nextCursor: page.nextCursor })
  },
})
