import { catalogContract } from '@shared/contracts/catalog'
import { pricesAreValid, SUGGESTED_BELOW_SUPPLY } from '@shared/domain/catalog'
import { ERROR_CODES, fail, ok } from '@shared/errors'
import { checkImagesExist, PRODUCTS, toProductViews } from '@server/catalog/products'
import { checkOwnPhotos } from '@server/storage/uploads'
import type { ProductDoc } from '@server/catalog/model'
import { action } from '@server/define'
import { findById, updatedCount } from '@server/fetch'
import { serviceChangeProblem } from '@server/vouchers/points'

/** How often a lost race with another edit of the same product is retried before giving up. */
const ATTEMPTS = 3

/**
 * A merchant edits one of their own products: any subset of the fields. Someone else's product answers
 * PRODUCT.NOT_FOUND, exactly like a missing one (nobody learns which ids exist). The price rule is checked on
 * the merged product, and the write is conditional on the version that was checked, so two concurrent edits
 * (one raising the supply price, one lowering the suggested price) can never combine into a broken product.
 */
export const updateProduct = action({
  access: ['merchant'],
  input: catalogContract.updateProduct,
  async run({ caller, db, now }, { productId, ...changes }) {
    const _ = db.command
    if (changes.images) {
      const missing = await checkImagesExist(changes.images)
      if (missing) return missing
    }
    for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
      const doc = await findById<ProductDoc>(db, PRODUCTS, productId)
      if (!doc || doc.merchantId !== caller.openid) return fail(ERROR_CODES.PRODUCT_NOT_FOUND, 'no such product of yours')
      // New photos are the merchant's own uploads; the product's own keep their place (see createProduct).
      const foreign = changes.images ? checkOwnPhotos(caller.openid, changes.images, doc.images ?? []) : null
      if (foreign) return foreign
      const merged: ProductDoc = { ...doc, ...definedOnly(changes), updatedAt: now, version: doc.version + 1 }
      if (!pricesAreValid(merged)) return fail(ERROR_CODES.INPUT_INVALID, `suggestedPriceFen: ${SUGGESTED_BELOW_SUPPLY}`)
      const serviceProblem = await serviceChangeProblem(db, doc, changes)
      if (serviceProblem) return fail(ERROR_CODES.INPUT_INVALID, serviceProblem)
      const res = await db
        .collection(PRODUCTS)
        .where({ _id: productId, merchantId: caller.openid, version: doc.version })
        .update({ data: { ...definedOnly(changes), updatedAt: now, version: _.inc(1) } })
      if (updatedCount(res) === 1) {
        const [product] = await toProductViews([merged], now)
        return ok({ product })
      }
    }
    return fail(ERROR_CODES.INTERNAL, 'the product kept changing under this edit; safe to retry')
  },
})

/** The fields the caller sent (an absent optional key means "leave as is", never "clear"). */
function definedOnly<T extends Record<string, unknown>>(changes: T): Partial<T> {
  return Object.fromEntries(Object.entries(changes).filter(([, v]) => v !== undefined)) as Partial<T>
}
