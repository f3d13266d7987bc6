import { feedbackContract, type FeedbackOutputs } from '@shared/contracts/feedback'
import { ok } from '@shared/errors'
import { action } from '@server/define'
import { RATINGS, toMyRatingView } from '@server/feedback/ratings'
import type { RatingDoc } from '@server/feedback/model'
import { findById } from '@server/fetch'
import { ratingIdFor } from '@server/ids'
import { tempUrls } from '@server/storage/files'

/** My rating of an order, for the order page (null if none, or if the order is not mine). */
export const mine = action({
  access: ['resident'],
  input: feedbackContract.mine,
  async run({ caller, db }, { orderId }) {
    const doc = await findById<RatingDoc>(db, RATINGS, ratingIdFor(orderId))
    if (!doc || doc.openid !== caller.openid) return ok<FeedbackOutputs['mine']>({ rating: null })
    return ok({ rating: toMyRatingView(doc, await tempUrls(doc.images ?? [])) })
  },
})
