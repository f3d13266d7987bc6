import { groupBuyContract } from '@shared/contracts/group-buy'
import { ERROR_CODES, fail, ok } from '@shared/errors'
import { action } from '@server/define'
import { toGroupBuyView, type GroupBuyDoc, type ParticipationDoc } from '@server/group-buys/model'
import { findById } from '@server/fetch'
import { participationIdFor, ratingStatsIdFor } from '@server/ids'
import { RATING_STATS } from '@server/feedback/ratings'
import type { RatingStatsDoc } from '@server/feedback/model'
import { averageStars } from '@shared/domain/feedback'
import { groupBuyOfScene } from '@server/group-buys/share-codes'
import { tempUrls } from '@server/storage/files'
import { pickupPlaceOf } from '@server/pickup/place'

export const get = action({
  access: ['resident'],
  input: groupBuyContract.get,
  async run({ caller, db, now }, input) {
    // Opened from a poster's code: the scene names the group buy.
    const groupBuyId = 'scene' in input ? await groupBuyOfScene(db, input.scene) : input.groupBuyId
    if (!groupBuyId) return fail(ERROR_CODES.GROUP_BUY_NOT_FOUND, 'no group buy has this code')
    const [doc, mine, rating] = await Promise.all([
      findById<GroupBuyDoc>(db, 'groupBuys', groupBuyId),
      findById<ParticipationDoc>(db, 'participations', participationIdFor(groupBuyId, caller.openid)),
      findById<RatingStatsDoc>(db, RATING_STATS, ratingStatsIdFor('groupBuy', groupBuyId)),
    ])
    if (!doc) return fail(ERROR_CODES.GROUP_BUY_NOT_FOUND, 'no such group buy')
    const [urls, pickupPoint] = await Promise.all([tempUrls(doc.images), pickupPlaceOf(db, doc.pickupPointId)])
    return ok({
      groupBuy: {
        ...toGroupBuyView(doc, now, urls), myQuantity: mine?.quantity ?? 0, rating: { avg: averageStars(rating ?? { count: 0, starsSum: 0 }), count: rating?.count ?? 0 },
        // 自提点, address, 营业时间 and contact phone beside the 提货时间 (public: it is the store's, not a resident's).
        pickupPoint,
      },
    })
  },
})
