import { catalogContract } from '@shared/contracts/catalog'
import { ERROR_CODES, fail, ok } from '@shared/errors'
import { PRODUCTS, toProductViews, type ProductDoc } from '@server/catalog/products'
import { action } from '@server/define'
import { RATING_STATS, toAggregateView, type RatingStatsDoc } from '@server/feedback/ratings'
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
