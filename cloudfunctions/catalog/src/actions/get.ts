import { catalogContract } from '@shared/contracts/catalog'
import { ERROR_CODES, fail, ok } from '@shared/errors'
import { PRODUCTS, toProductViews } from '@server/catalog/products'
import type { ProductDoc } from '@server/catalog/model'
import { action } from '@server/define'
import { RATING_STATS, toAggregateView } from '@server/feedback/ratings'
import type { RatingStatsDoc } from '@server/feedback/model'
import { findById } from '@server/fetch'
import { ratingStatsIdFor } from '@server/ids'

/** Anyone may read a product (leaders browse what merchants offer); image URLs are fresh temp URLs. */
export const get = action({
  access: ['resident'],
  input: catalogContract.get,
  async run({ db, now }, { productId }) {
    const [doc, stats] = await Promise.all([
      findById<ProductDoc>(db, PRODUCTS, productId),
      findById<RatingStatsDoc>(db, RATING_STATS, ratingStatsIdFor('product', productId)),
    ])
    if (!doc) return fail(ERROR_CODES.PRODUCT_NOT_FOUND, 'no such product')
    const [product] = await toProductViews([doc], now)
    // Over all its group buys (every 帮卖 group buy of every offer of this product).
    return ok({ product, rating: toAggregateView(stats) })
  },
})
