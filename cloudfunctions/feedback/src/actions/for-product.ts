import { feedbackContract, type PointFeedbackView } from '@shared/contracts/feedback'
import { ERROR_CODES, fail, ok } from '@shared/errors'
import { PRODUCTS } from '@server/catalog/products'
import type { ProductDoc } from '@server/catalog/model'
import { keysetPage } from '@server/cursor'
import { openCursor, sealCursor } from '@server/sealed-cursor'
import { action } from '@server/define'
import { RATING_STATS, RATINGS, statsOf, toAggregateView, toRatingView } from '@server/feedback/ratings'
import type { RatingDoc, RatingStatsDoc } from '@server/feedback/model'
import { findById } from '@server/fetch'
import { ratingStatsIdFor } from '@server/ids'
import { tempUrls } from '@server/storage/files'
import { docsOf } from '@server/paging'

const PAGE = 20

/** One product's feedback for its merchant: overall, per pickup point (by most ratings), and the ratings themselves. */
export const forProduct = action({
  access: ['merchant', 'admin'],
  input: feedbackContract.forProduct,
  async run({ caller, db }, { productId, cursor }) {
    // Sealed: a rating list's cursor would otherwise name the rating's order and instant (server/sealed-cursor.ts).
    const pos = await openCursor(db, cursor)
    if (pos === 'invalid') return fail(ERROR_CODES.INPUT_INVALID, 'cursor: not one we issued')
    const product = await findById<ProductDoc>(db, PRODUCTS, productId)
    const user = await caller.user()
    // Another merchant's product reads as missing, as in catalog.updateProduct.
    if (!product || (product.merchantId !== caller.openid && !user.roles.includes('admin'))) return fail(ERROR_CODES.PRODUCT_NOT_FOUND, 'no such product')
    const overallId = ratingStatsIdFor('product', productId)
    const [overall, perPoint, page] = await Promise.all([
      statsOf(db, [overallId]),
      db.collection(RATING_STATS).where({ productId, scope: 'productPoint' }).limit(200).get() as unknown as Promise<{ data: RatingStatsDoc[] }>,
      keysetPage<RatingDoc>(db, RATINGS, { productId }, { field: 'createdAt', dir: 'desc' }, pos, PAGE),
    ])
    const _ = db.command
    const pointIds = perPoint.data.map((p) => p.pickupPointId!).filter(Boolean)
    const names = pointIds.length
      ? new Map((await docsOf<{ _id: string; name: string }>(db.collection('pickupPoints').where({ _id: _.in(pointIds) }).limit(200))).map((p) => [p._id, p.name]))
      : new Map<string, string>()
    const points: PointFeedbackView[] = perPoint.data
      .map((p) => ({ pickupPointId: p.pickupPointId!, name: names.get(p.pickupPointId!) ?? '', ...toAggregateView(p) }))
      .sort((a, b) => b.count - a.count)
    const urls = await tempUrls(page.docs.flatMap((d) => d.images ?? []))
    return ok({
      productId,
      rating: toAggregateView(overall.get(overallId) ?? null),
      points,
      ratings: { items: page.docs.map((d) => toRatingView(d, urls)), nextCursor: await sealCursor(db, page.nextCursor) },
    })
  },
})
