import { feedbackContract, type FeedbackOutputs } from '@shared/contracts/feedback'
import { topComplaints } from '@shared/domain/feedback'
import { ERROR_CODES, fail, ok } from '@shared/errors'
import { PRODUCTS } from '@server/catalog/products'
import type { ProductDoc } from '@server/catalog/model'
import { action } from '@server/define'
import type { GroupBuyDoc } from '@server/group-buys/model'
import { statsOf, toAggregateView } from '@server/feedback/ratings'
import { findById } from '@server/fetch'
import { ratingStatsIdFor } from '@server/ids'
import type { OfferDoc } from '@server/supply/model'
import { docsOf } from '@server/paging'

/**
 * The product's last round, shown beside the publish form: its latest offer that has ended (else its latest),
 * with what sold, how it was rated, the complaints named most, and what arrived short.
 */
export const lastRound = action({
  access: ['merchant'],
  input: feedbackContract.lastRound,
  async run({ caller, db, now }, { productId }) {
    const product = await findById<ProductDoc>(db, PRODUCTS, productId)
    if (!product || product.merchantId !== caller.openid) return fail(ERROR_CODES.PRODUCT_NOT_FOUND, 'no such product')
    const offers = await docsOf<OfferDoc>(db.collection('offers').where({ productId }).orderBy('createdAt', 'desc').limit(20))
    const offer = offers.find((o) => o.endAt <= now) ?? offers[0]
    if (!offer) return ok<FeedbackOutputs['lastRound']>({ lastRound: null })
    const groupBuys = await docsOf<GroupBuyDoc>(db.collection('groupBuys').where({ offerId: offer._id }).limit(1000))
    const sold = groupBuys.reduce((n, g) => n + g.soldQuantity, 0)
    const shortage = groupBuys.reduce((n, g) => n + (g.arrivalShort && g.receivedQuantity != null ? Math.max(0, g.soldQuantity - g.receivedQuantity) : 0), 0)
    const statsId = ratingStatsIdFor('offer', offer._id)
    const stats = (await statsOf(db, [statsId])).get(statsId) ?? null
    const rating = toAggregateView(stats)
    return ok({
      lastRound: { offerId: offer._id, startAt: offer.startAt, endAt: offer.endAt, sold, groupBuys: groupBuys.length, rating, topComplaints: topComplaints(stats ?? { tags: {} }), shortage },
    })
  },
})
