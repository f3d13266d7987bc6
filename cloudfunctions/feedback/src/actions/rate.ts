import { feedbackContract } from '@shared/contracts/feedback'
import { decideRate } from '@shared/domain/feedback'
import { ERROR_CODES, fail, ok } from '@shared/errors'
import { isDuplicateWrite } from '@server/cloud'
import { checkImagesExist } from '@server/catalog/products'
import { action } from '@server/define'
import type { OrderDoc } from '@server/orders/model'
import { applyRating, RATINGS, ratingTargetOf, toMyRatingView } from '@server/feedback/ratings'
import type { RatingDoc } from '@server/feedback/model'
import { findById } from '@server/fetch'
import { ratingIdFor } from '@server/ids'
import { tempUrls } from '@server/storage/files'
import { attachPhotos, checkOwnPhotos, detachPhotos } from '@server/storage/uploads'

/**
 * 评价: the owner of a picked-up order rates it, once. The rating is keyed by the order, so of any number of
 * concurrent taps one insert lands and only that one moves the aggregates; the rest answer ALREADY_RATED.
 */
export const rate = action({
  access: ['resident'],
  input: feedbackContract.rate,
  async run({ caller, db, now }, input) {
    const order = await findById<OrderDoc>(db, 'orders', input.orderId)
    if (!order) return fail(ERROR_CODES.ORDER_NOT_FOUND, 'no such order')
    const blocked = decideRate(order, caller.openid)
    if (blocked === 'ORDER.NOT_FOUND') return fail(ERROR_CODES.ORDER_NOT_FOUND, 'no such order')
    if (blocked) return fail(ERROR_CODES.FEEDBACK_NOT_PICKED_UP, 'only a picked-up order can be rated')
    const images = input.images ?? []
    const missing = await checkImagesExist(images)
    if (missing) return missing
    const foreign = checkOwnPhotos(caller.openid, images, [])
    if (foreign) return foreign

    const target = await ratingTargetOf(db, order)
    // The public list shows copies at a path of their own, never the uploader's folder.
    const shown = await attachPhotos(db, caller.openid, images, [], 'ratings', now)
    const doc: RatingDoc = {
      _id: ratingIdFor(order._id), orderId: order._id, openid: caller.openid, nickname: order.nickname ?? null, ...target,
      stars: input.stars, tags: input.tags ?? [], text: input.text ?? '', images: shown, rev: 1, appliedRev: 0, pendingSince: now, createdAt: now, updatedAt: now,
    }
    try {
      await db.collection(RATINGS).add({ data: doc })
    } catch (err) {
      await detachPhotos(db, shown)
      if (!isDuplicateWrite(err)) throw err
      return fail(ERROR_CODES.FEEDBACK_ALREADY_RATED, 'this order is already rated (edit it within 24 h instead)')
    }
    await applyRating(db, doc, null, doc, 1, now)
    return ok({ rating: toMyRatingView(doc, await tempUrls(shown)) })
  },
})
