import { feedbackContract } from '@shared/contracts/feedback'
import { canEditRating } from '@shared/domain/feedback'
import { ERROR_CODES, fail, ok } from '@shared/errors'
import { checkImagesExist } from '@server/catalog/products'
import { action } from '@server/define'
import { applyRating, RATINGS, toMyRatingView, type RatingDoc } from '@server/feedback/ratings'
import { findById, updatedCount } from '@server/fetch'
import { ratingIdFor } from '@server/ids'
import { tempUrls } from '@server/storage/files'

/**
 * Replace one's rating within 24 h of giving it. The write is conditional on the rating's `rev`, so two edits
 * racing each win one rev, and each moves the aggregates from exactly the content it replaced.
 */
export const edit = action({
  access: ['resident'],
  input: feedbackContract.edit,
  async run({ caller, db, now }, input) {
    const images = input.images ?? []
    const missing = await checkImagesExist(images)
    if (missing) return missing
    for (let attempt = 0; attempt < 5; attempt++) {
      const current = await findById<RatingDoc>(db, RATINGS, ratingIdFor(input.orderId))
      if (!current || current.openid !== caller.openid) return fail(ERROR_CODES.FEEDBACK_NOT_FOUND, 'no rating of yours for this order')
      if (!canEditRating(current, now)) return fail(ERROR_CODES.FEEDBACK_EDIT_WINDOW_CLOSED, 'a rating can be edited within 24 h of giving it')
      const content = { stars: input.stars, tags: input.tags ?? [], text: input.text ?? '', images }
      const rev = current.rev + 1
      const moved = await db.collection(RATINGS).where({ _id: current._id, rev: current.rev }).update({ data: { ...content, rev, pendingSince: now, updatedAt: now } })
      if (updatedCount(moved) !== 1) continue
      await applyRating(db, current, current, content, rev, now)
      return ok({ rating: toMyRatingView({ ...current, ...content, rev, pendingSince: 0, updatedAt: now }, await tempUrls(images)) })
    }
    return fail(ERROR_CODES.INTERNAL, 'the rating kept changing; try again')
  },
})
