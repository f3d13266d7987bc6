import type { MyRatingView, RatingAggregateView, RatingView } from '@shared/contracts/feedback'
import {
  addToTotals, averageStars, emptyTotals, ratingIncrements, RATING_EDIT_WINDOW_MS, tagCounts, type RatingContent, type RatingTag, type RatingTotals,
} from '@shared/domain/feedback'
import { maskName } from '@shared/domain/group-buy'
import { isDuplicateWrite } from '@server/cloud'
import type { GroupBuyDoc } from '@server/docs'
import { findById, updatedCount } from '@server/fetch'
import { ratingStatsIdFor } from '@server/ids'
import type { OfferDoc } from '@server/supply/docs'

/**
 * 数据反馈: one rating per picked-up order (`ratings/<ratingIdFor(orderId)>`, so a double tap is a duplicate
 * insert) and aggregates per scope in `ratingStats`, moved only by the increments of a rating's own state
 * change: the insert (won once) adds it, an edit (a write conditional on the rating's `rev`, won once per rev)
 * moves it from its old content to its new. A recount of the ratings (recountTotals) gives the same numbers.
 */
export interface RatingDoc {
  _id: string
  orderId: string
  openid: string
  nickname: string | null
  groupBuyId: string
  pickupPointId: string
  /** 帮卖 group buys: the offer, its product and merchant (null on a leader's own group buy). */
  offerId: string | null
  productId: string | null
  merchantId: string | null
  stars: number
  tags: RatingTag[]
  text: string
  images: string[]
  /** Bumped by every edit (the edit's conditional write is on it). */
  rev: number
  /** The rev whose content the aggregates count; below rev only while an insert or edit is being applied. */
  appliedRev: number
  createdAt: number
  updatedAt: number
}

export type RatingScope = 'groupBuy' | 'offer' | 'product' | 'productPoint'

export interface RatingStatsDoc extends RatingTotals {
  _id: string
  scope: RatingScope
  groupBuyId: string | null
  offerId: string | null
  productId: string | null
  pickupPointId: string | null
  updatedAt: number
}

export const RATINGS = 'ratings'
export const RATING_STATS = 'ratingStats'

type Scoped = Pick<RatingDoc, 'groupBuyId' | 'offerId' | 'productId' | 'pickupPointId'>

/** The aggregates a rating counts in: its group buy always; for a supply group buy also its offer, product, and product at this point. */
export function scopesOf(r: Scoped): Array<Omit<RatingStatsDoc, keyof RatingTotals | 'updatedAt'>> {
  const base = { groupBuyId: null, offerId: null, productId: null, pickupPointId: null }
  const out: Array<Omit<RatingStatsDoc, keyof RatingTotals | 'updatedAt'>> = [{ ...base, _id: ratingStatsIdFor('groupBuy', r.groupBuyId), scope: 'groupBuy', groupBuyId: r.groupBuyId }]
  if (r.offerId) out.push({ ...base, _id: ratingStatsIdFor('offer', r.offerId), scope: 'offer', offerId: r.offerId })
  if (r.productId) {
    out.push({ ...base, _id: ratingStatsIdFor('product', r.productId), scope: 'product', productId: r.productId })
    out.push({ ...base, _id: ratingStatsIdFor('productPoint', r.productId, r.pickupPointId), scope: 'productPoint', productId: r.productId, pickupPointId: r.pickupPointId })
  }
  return out
}

/** Move every aggregate the rating counts in from `before` to `after`, then mark `rev` as counted. */
export async function applyRating(db: DB.Database, r: Scoped & { _id: string }, before: RatingContent | null, after: RatingContent | null, rev: number, now: number): Promise<void> {
  const _ = db.command
  const inc = ratingIncrements(before, after)
  if (Object.keys(inc).length > 0) {
    const data: Record<string, unknown> = { updatedAt: now }
    for (const [path, by] of Object.entries(inc)) data[path] = _.inc(by)
    for (const scope of scopesOf(r)) {
      if (updatedCount(await db.collection(RATING_STATS).doc(scope._id).update({ data })) === 1) continue
      try {
        await db.collection(RATING_STATS).add({ data: { ...scope, ...emptyTotals(), updatedAt: now } })
      } catch (err) {
        if (!isDuplicateWrite(err)) throw err
      }
      await db.collection(RATING_STATS).doc(scope._id).update({ data })
    }
  }
  await db.collection(RATINGS).where({ _id: r._id, appliedRev: _.lt(rev) }).update({ data: { appliedRev: rev } })
}

export function toAggregateView(t: RatingTotals | null): RatingAggregateView {
  const totals = t ?? emptyTotals()
  const stars = [1, 2, 3, 4, 5].map((s) => totals.stars?.[String(s)] ?? 0) as RatingAggregateView['stars']
  return { avg: averageStars(totals), count: totals.count, stars, tagCounts: tagCounts(totals) }
}

export function toRatingView(doc: RatingDoc, urls: ReadonlyMap<string, string>): RatingView {
  return {
    orderId: doc.orderId,
    groupBuyId: doc.groupBuyId,
    maskedName: maskName(doc.nickname),
    stars: doc.stars,
    tags: doc.tags,
    text: doc.text,
    images: doc.images,
    imageUrls: doc.images.map((i) => urls.get(i) ?? ''),
    createdAt: doc.createdAt,
    updatedAt: doc.updatedAt,
  }
}

export function toMyRatingView(doc: RatingDoc, urls: ReadonlyMap<string, string>): MyRatingView {
  return { ...toRatingView(doc, urls), editableUntil: doc.createdAt + RATING_EDIT_WINDOW_MS }
}

/** The aggregate of `scope` as stored (an empty one if nobody rated yet). */
export async function statsOf(db: DB.Database, statsIds: string[]): Promise<Map<string, RatingStatsDoc>> {
  if (statsIds.length === 0) return new Map()
  const _ = db.command
  const res = (await db.collection(RATING_STATS).where({ _id: _.in(statsIds) }).limit(Math.min(1000, statsIds.length)).get()) as unknown as { data: RatingStatsDoc[] }
  return new Map(res.data.map((d) => [d._id, d]))
}

/** Re-derive an aggregate from the ratings themselves (e.g. `{ groupBuyId }`, `{ productId }`). */
export async function recountTotals(db: DB.Database, where: Record<string, unknown>): Promise<RatingTotals> {
  let totals = emptyTotals()
  for (let skip = 0; ; skip += 1000) {
    const res = (await db.collection(RATINGS).where(where).skip(skip).limit(1000).get()) as unknown as { data: RatingDoc[] }
    for (const r of res.data) totals = addToTotals(totals, r)
    if (res.data.length < 1000) return totals
  }
}

/** Where a rating of this order counts: its group buy and, for 帮卖, the offer's product and merchant. */
export async function ratingTargetOf(db: DB.Database, order: { groupBuyId: string; pickupPointId: string }): Promise<Scoped & { merchantId: string | null }> {
  const gb = await findById<GroupBuyDoc>(db, 'groupBuys', order.groupBuyId)
  const offer = gb?.offerId ? await findById<OfferDoc>(db, 'offers', gb.offerId) : null
  return { groupBuyId: order.groupBuyId, pickupPointId: order.pickupPointId, offerId: offer?._id ?? null, productId: offer?.productId ?? null, merchantId: offer?.merchantId ?? gb?.merchantId ?? null }
}
