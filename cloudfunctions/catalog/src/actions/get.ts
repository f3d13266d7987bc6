import { catalogContract } from '@shared/contracts/catalog'
import { ERROR_CODES, fail, ok } from '@shared/errors'
import { PRODUCTS, toProductViews, type ProductDoc } from '@server/catalog/products'
import { action } from '@server/define'
import { findById } from '@server/fetch'

/** Anyone may read a product (leaders browse what merchants offer); image URLs are fresh temp URLs. */
export const get = action({
  access: ['resident'],
  input: catalogContract.get,
  async run({ db, now }, { productId }) {
    const doc = await findById<ProductDoc>(db, PRODUCTS, productId)
    if (!doc) return fail(ERROR_CODES.PRODUCT_NOT_FOUND, 'no such product')
    const [product] = await toProductViews([doc], now)
    return ok({ product })
  },
})
