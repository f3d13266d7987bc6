import type { CouponView } from '@shared/contracts/coupon'
import { couponContract } from '@shared/contracts/coupon'
import { couponQrContent, HELD_COUPON_STATUSES } from '@shared/domain/coupon'
import { ERROR_CODES, fail, ok } from '@shared/errors'
import { decodeCursor, keysetPage } from '@server/cursor'
import { action } from '@server/define'
import type { HeldCouponDoc } from '@server/coupons/model'

const PAGE = 20

export function toCouponView(c: HeldCouponDoc): CouponView {
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

/**
 * My coupons, newest first (index owner_created). Only those I hold: an unpaid, expired or refunded purchase
 * never had a code and is left out.
 */
export const listMine = action({
  access: ['resident'],
  input: couponContract.listMine,
  async run({ caller, db }, { cursor }) {
    const _ = db.command
    const pos = decodeCursor(cursor)
    if (pos === 'invalid') return fail(ERROR_CODES.INPUT_INVALID, 'cursor: not one we issued')
    const page = await keysetPage<HeldCouponDoc>(db, 'coupons', { openid: caller.openid, status: _.in([...HELD_COUPON_STATUSES]) }, { field: 'createdAt', dir: 'desc' }, pos, PAGE)
    return ok({ items: page.docs.map(toCouponView), nextCursor: page.nextCursor })
  },
})
