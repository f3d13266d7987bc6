import { feedbackContract } from '@shared/contracts/feedback'
import { canEditRating } from '@shared/domain/feedback'
import { ERROR_CODES, fail, ok } from '@shared/errors'
import { checkImagesExist } from '@server/catalog/products'
import { action } from '@server/define'
import { applyRating, RATINGS, toMyRatingView } from '@server/feedback/ratings'
import type { RatingDoc } from '@server/feedback/model'
import { findById, updatedCount } from '@server/fetch'
import { ratingIdFor } from '@server/ids'
import { tempUrls } from '@server/storage/files'
import { attachPhotos, checkOwnPhotos, detachPhotos } from '@server/storage/uploads'

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
    const read = () => findById<RatingDoc>(db, RATINGS, ratingIdFor(input.orderId))
    let current = await read()
    const notMine = () => fail(ERROR_CODES.FEEDBACK_NOT_FOUND, 'no rating of yours for this order')
    if (!current || current.openid !== caller.openid) return notMine()
    const foreign = checkOwnPhotos(caller.openid, images, current.images ?? [])
    if (foreign) return foreign
    // Photos already on this rating stay as they are; new ones are copied to a path of their own (as in rate).
    const shown = await attachPhotos(db, caller.openid, images, current.images ?? [], 'ratings', now)
    const made = shown.filter((i) => !(current!.images ?? []).includes(i))
    for (let attempt = 0; attempt < 5; attempt++) {
      if (attempt > 0) current = await read()
      if (!current || current.openid !== caller.openid) {
        await detachPhotos(db, made)
        return notMine()
      }
      if (!canEditRating(current, now)) {
        await detachPhotos(db, made)
        return fail(ERROR_CODES.FEEDBACK_EDIT_WINDOW_CLOSED, 'a rating can be edited within 24 h of giving it')
      }
      const content = { stars: input.stars, tags: input.tags ?? [], text: input.text ?? '', images: shown }
      const rev = current.rev + 1
      const moved = await db.collection(RATINGS).where({ _id: current._id, rev: current.rev }).update({ data: { ...content, rev, pendingSince: now, updatedAt: now } })
      if (updatedCount(moved) !== 1) continue
      await applyRating(db, current, current, content, rev, now)
      // The copies this edit replaced are shown nowhere any more.
      await detachPhotos(db, (current.images ?? []).filter((i) => !shown.includes(i)))
      return ok({ rating: toMyRatingView({ ...current, ...content, rev, pendingSince: 0, updatedAt: now }, await tempUrls(shown)) })
    }
    await detachPhotos(db, made)
    return fail(ERROR_CODES.INTERNAL, 'the rating kept changing; try again')
  },
})
