import { supplyContract } from '@shared/contracts/supply'
import { lowestSellablePriceFen } from '@shared/domain/supply'
import { maxTierBonusBp } from '@shared/domain/ledger'
import { ERROR_CODES, fail, ok } from '@shared/errors'
import { action } from '@server/define'
import { commissionTiers } from '@server/ledger/model'
import { findById } from '@server/fetch'
import { PRODUCTS } from '@server/catalog/products'
import type { ProductDoc } from '@server/catalog/model'
import { ALL_POINTS, type OfferDoc } from '@server/supply/model'
import { docsOf } from '@server/paging'

/** A merchant offers a product's stock to leaders (帮卖), at a supply price fixed from the product now. */
export const publish = action({
  access: ['merchant'],
  input: supplyContract.publish,
  async run({ caller, db, now }, input) {
    const product = await findById<ProductDoc>(db, PRODUCTS, input.productId)
    if (!product || product.merchantId !== caller.openid) return fail(ERROR_CODES.PRODUCT_NOT_FOUND, 'no such product of yours')
    if (input.minPriceFen < product.supplyPriceFen) return fail(ERROR_CODES.INPUT_INVALID, 'minPriceFen: 最低售价不能低于供货价')
    if (input.endAt <= now) return fail(ERROR_CODES.INPUT_INVALID, 'endAt: must be in the future')
    // A range whose every price leaves the platform short (commission at the top tier) could never be sold. A range
    // whose lower end is short is accepted: leaders are shown the lowest price that opens (supply.listOpen).
    const lowest = lowestSellablePriceFen({ ...input, supplyPriceFen: product.supplyPriceFen }, maxTierBonusBp(commissionTiers()), 0)
    if (lowest === null) return fail(ERROR_CODES.SUPPLY_PRICE_OUT_OF_RANGE, 'maxPriceFen: 最高售价扣除供货价和佣金后不足以成交')
    const pointIds = input.pickupPointIds ? [...new Set(input.pickupPointIds)] : null
    if (pointIds) {
      const found = await docsOf<{ _id: string }>(db.collection('pickupPoints').where({ _id: db.command.in(pointIds) }).limit(pointIds.length))
      if (found.length !== pointIds.length) return fail(ERROR_CODES.PICKUP_POINT_NOT_FOUND, 'pickupPointIds: a pickup point does not exist')
    }
    const doc: Omit<OfferDoc, '_id'> = {
      productId: product._id,
      merchantId: caller.openid,
      product: { name: product.name, unit: product.unit, spec: product.spec, category: product.category, description: product.description, images: product.images },
      supplyPriceFen: product.supplyPriceFen,
      suggestedPriceFen: product.suggestedPriceFen,
      minPriceFen: input.minPriceFen,
      maxPriceFen: input.maxPriceFen,
      commissionBp: input.commissionBp,
      stock: input.stock,
      stockLeft: input.stock,
      startAt: input.startAt,
      endAt: input.endAt,
      pickupPointIds: pointIds,
      pickupPointKeys: pointIds ?? [ALL_POINTS],
      pickupStartAt: input.pickupStartAt ?? null,
      pickupEndAt: input.pickupEndAt ?? null,
      createdAt: now,
    }
    const res = (await db.collection('offers').add({ data: doc })) as unknown as { _id: string }
    return ok({ offerId: res._id })
  },
})
