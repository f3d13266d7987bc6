import { feedbackContract } from '@shared/contracts/feedback'
import { ERROR_CODES, fail, ok } from '@shared/errors'
import { keysetPage } from '@server/cursor'
import { openCursor, sealCursor } from '@server/sealed-cursor'
import { action } from '@server/define'
import type { GroupBuyDoc } from '@server/group-buys/model'
import { RATINGS, statsOf, toAggregateView, toRatingView } from '@server/feedback/ratings'
import type { RatingDoc } from '@server/feedback/model'
import { findById } from '@server/fetch'
import { ratingStatsIdFor } from '@server/ids'
import { tempUrls } from '@server/storage/files'

const PAGE = 20

/** A group buy's ratings (names masked), newest first, and its aggregate: the group page's 评价. */
export const listForGroupBuy = action({
  access: ['resident'],
  input: feedbackContract.listForGroupBuy,
  async run({ db }, { groupBuyId, cursor }) {
    // Sealed: a rating list's cursor would otherwise name the rating's order and instant (server/sealed-cursor.ts).
    const pos = await openCursor(db, cursor)
    if (pos === 'invalid') return fail(ERROR_CODES.INPUT_INVALID, 'cursor: not one we issued')
    const gb = await findById<GroupBuyDoc>(db, 'groupBuys', groupBuyId)
    if (!gb) return fail(ERROR_CODES.GROUP_BUY_NOT_FOUND, 'no such group buy')
    const statsId = ratingStatsIdFor('groupBuy', groupBuyId)
    const [page, stats] = await Promise.all([
      keysetPage<RatingDoc>(db, RATINGS, { groupBuyId }, { field: 'createdAt', dir: 'desc' }, pos, PAGE),
      statsOf(db, [statsId]),
    ])
    const urls = await tempUrls(page.docs.flatMap((d) => d.images ?? []))
    return ok({ items: page.docs.map((d) => toRatingView(d, urls)), nextCursor: await sealCursor(db, page.nextCursor), rating: toAggregateView(stats.get(statsId) ?? null) })
  },
})
