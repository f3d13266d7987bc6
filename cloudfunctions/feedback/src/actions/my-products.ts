import { feedbackContract } from '@shared/contracts/feedback'
import { ERROR_CODES, fail, ok } from '@shared/errors'
import { PRODUCTS } from '@server/catalog/products'
import type { ProductDoc } from '@server/catalog/model'
import { decodeCursor, keysetPage } from '@server/cursor'
import { action } from '@server/define'
import { statsOf, toAggregateView } from '@server/feedback/ratings'
import { ratingStatsIdFor } from '@server/ids'

const PAGE = 20

/** The merchant's products, newest first, each with its rating over all its group buys. */
export const myProducts = action({
  access: ['merchant'],
  input: feedbackContract.myProducts,
  async run({ caller, db }, { cursor }) {
    const pos = decodeCursor(cursor)
    if (pos === 'invalid') return fail(ERROR_CODES.INPUT_INVALID, 'cursor: not one we issued')
    const page = await keysetPage<ProductDoc>(db, PRODUCTS, { merchantId: caller.openid }, { field: 'createdAt', dir: 'desc' }, pos, PAGE)
    const stats = await statsOf(db, page.docs.map((p) => ratingStatsIdFor('product', p._id)))
    const items = page.docs.map((p) => ({ productId: p._id, name: p.name, rating: toAggregateView(stats.get(ratingStatsIdFor('product', p._id)) ?? null) }))
    return ok({ items, nextCursor: page.nextCursor })
  },
})
