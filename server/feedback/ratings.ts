import { createHmac, randomBytes } from 'crypto'
import type { MyRatingView, RatingAggregateView, RatingView } from '@shared/contracts/feedback'
import {
  addToTotals, averageStars, emptyTotals, ratingIncrements, RATING_EDIT_WINDOW_MS, sameTotals, tagCounts, type RatingContent, type RatingTotals,
} from '@shared/domain/feedback'
import { shownName } from '@shared/domain/group-buy'
import { chinaMidnight } from '@shared/domain/calendar'
import { isDuplicateWrite } from '@server/cloud'
import type { GroupBuyDoc } from '@server/group-buys/model'
import { findById, updatedCount } from '@server/fetch'
import { replaceByRecount } from '@server/heal'
import { ratingStatsIdFor } from '@server/ids'
import type { OfferDoc } from '@server/supply/model'
import { docsOf, eachPage } from '@server/paging'
import type { RatingDoc, RatingStatsDoc } from '@server/feedback/model'

export const RATINGS = 'ratings'
export const RATING_STATS = 'ratingStats'

type Scoped = Pick<RatingDoc, 'groupBuyId' | 'offerId' | 'productId' | 'pickupPointId'>

/** The aggregates a rating counts in: its group buy always; for a supply group buy also its offer, product, and product at this point. */
export function scopesOf(r: Scoped): Array<Omit<RatingStatsDoc, keyof RatingTotals | 'updatedAt' | 'version'>> {
  const base = { groupBuyId: null, offerId: null, productId: null, pickupPointId: null }
  const out: Array<Omit<RatingStatsDoc, keyof RatingTotals | 'updatedAt' | 'version'>> = [{ ...base, _id: ratingStatsIdFor('groupBuy', r.groupBuyId), scope: 'groupBuy', groupBuyId: r.groupBuyId }]
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
    const data: Record<string, unknown> = { updatedAt: now, version: _.inc(1) }
    for (const [path, by] of Object.entries(inc)) data[path] = _.inc(by)
    for (const scope of scopesOf(r)) {
      if (updatedCount(await db.collection(RATING_STATS).doc(scope._id).update({ data })) === 1) continue
      try {
        await db.collection(RATING_STATS).add({ data: { ...scope, ...emptyTotals(), version: 0, updatedAt: now } })
      } catch (err) {
        if (!isDuplicateWrite(err)) throw err
      }
      await db.collection(RATING_STATS).doc(scope._id).update({ data })
    }
  }
  // Only if this rev is still current and the one before it was fully applied: otherwise (a later edit landed, or an
  // earlier call was cut off) the mark stays and settle recounts once it is quiet (healRatingStats).
  await db.collection(RATINGS).where({ _id: r._id, rev, appliedRev: rev - 1 }).update({ data: { appliedRev: rev, pendingSince: 0 } })
}

export function toAggregateView(t: RatingTotals | null): RatingAggregateView {
  const totals = t ?? emptyTotals()
  const stars = [1, 2, 3, 4, 5].map((s) => totals.stars?.[String(s)] ?? 0) as RatingAggregateView['stars']
  return { avg: averageStars(totals), count: totals.count, stars, tagCounts: tagCounts(totals) }
}

/** Keys a list's ratings without naming them (RatingView.key): a secret of this instance, so no one can derive it. */
const LIST_KEY_SECRET = randomBytes(16)

export function toRatingView(doc: RatingDoc, urls: ReadonlyMap<string, string>): RatingView {
  return {
    key: createHmac('sha256', LIST_KEY_SECRET).update(doc._id).digest('hex').slice(0, 16),
    groupBuyId: doc.groupBuyId,
    maskedName: shownName(doc),
    stars: doc.stars,
    tags: doc.tags,
    // An erased resident's rating (user.deleteMe) keeps its stars and tags but loses its words and photos.
    text: doc.text ?? '',
    images: doc.images ?? [],
    imageUrls: (doc.images ?? []).map((i) => urls.get(i) ?? ''),
    ratedOn: chinaMidnight(doc.createdAt),
  }
}

export function toMyRatingView(doc: RatingDoc, urls: ReadonlyMap<string, string>): MyRatingView {
  return { ...toRatingView(doc, urls), orderId: doc.orderId, createdAt: doc.createdAt, updatedAt: doc.updatedAt, editableUntil: doc.createdAt + RATING_EDIT_WINDOW_MS }
}

/** The aggregate of `scope` as stored (an empty one if nobody rated yet). */
export async function statsOf(db: DB.Database, statsIds: string[]): Promise<Map<string, RatingStatsDoc>> {
  if (statsIds.length === 0) return new Map()
  const _ = db.command
  const res = await docsOf<RatingStatsDoc>(db.collection(RATING_STATS).where({ _id: _.in(statsIds) }).limit(Math.min(1000, statsIds.length)))
  return new Map(res.map((d) => [d._id, d]))
}

/** The ratings an aggregate covers, as a query. */
export function scopeWhere(scope: Pick<RatingStatsDoc, 'scope' | 'groupBuyId' | 'offerId' | 'productId' | 'pickupPointId'>): Record<string, unknown> {
  switch (scope.scope) {
    case 'groupBuy':
      return { groupBuyId: scope.groupBuyId }
    case 'offer':
      return { offerId: scope.offerId }
    case 'product':
      return { productId: scope.productId }
    case 'productPoint':
      return { productId: scope.productId, pickupPointId: scope.pickupPointId }
  }
}

/**
 * Re-derive an aggregate from the ratings themselves. `youngSince`: also tell whether any of them is being
 * applied right now (pending since after that time), in which case the recount may not be written over the kept one.
 */
export async function recountTotals(db: DB.Database, where: Record<string, unknown>, youngSince = Infinity): Promise<RatingTotals & { busy: boolean }> {
  let totals = emptyTotals()
  let busy = false
  await eachPage<RatingDoc>(db, RATINGS, where, async (page) => {
    for (const r of page) {
      totals = addToTotals(totals, r)
      if (r.pendingSince > youngSince) busy = true
    }
  }, 1000)
  return { ...totals, busy }
}

/** Longer than any call that writes a rating and then applies it can run. */
export const RATING_HEAL_QUIET_MS = 20 * 60_000

/**
 * The settle step for ratings whose call was cut off between writing the rating and applying it (or between
 * applying and clearing its mark): once it has been pending for RATING_HEAL_QUIET_MS, each aggregate it counts
 * in is recounted from the ratings and, if it differs, replaced by one write conditional on the aggregate's
 * `version` as read before the recount — skipped (for a later run) while any rating of that scope is being applied.
 */
export async function healRatingStats(db: DB.Database, now: number): Promise<{ checked: number; healed: number }> {
  const _ = db.command
  const quietSince = now - RATING_HEAL_QUIET_MS
  const stale = await docsOf<RatingDoc>(db.collection(RATINGS).where({ pendingSince: _.gt(0).and(_.lte(quietSince)) }).limit(20))
  let healed = 0
  for (const r of stale) {
    let settled = true
    for (const scope of scopesOf(r)) {
      const kept = (await statsOf(db, [scope._id])).get(scope._id) ?? null
      const { busy, ...recount } = await recountTotals(db, scopeWhere(scope), quietSince)
      if (busy) {
        settled = false
        continue
      }
      if (kept && sameTotals(kept, recount)) continue
      const replaced = { count: recount.count, starsSum: recount.starsSum, stars: _.set(recount.stars), tags: _.set(recount.tags) }
      const outcome = await replaceByRecount(db, RATING_STATS, kept && { _id: scope._id, version: kept.version }, { ...scope, ...recount }, replaced, now)
      if (outcome === 'healed') healed++
      else settled = false
    }
    if (settled) await db.collection(RATINGS).where({ _id: r._id, rev: r.rev, pendingSince: r.pendingSince }).update({ data: { appliedRev: r.rev, pendingSince: 0 } })
  }
  return { checked: stale.length, healed }
}

/** Where a rating of this order counts: its group buy and, for 帮卖, the offer's product and merchant. */
export async function ratingTargetOf(db: DB.Database, order: { groupBuyId: string; pickupPointId: string }): Promise<Scoped & { merchantId: string | null }> {
  const gb = await findById<GroupBuyDoc>(db, 'groupBuys', order.groupBuyId)
  const offer = gb?.offerId ? await findById<OfferDoc>(db, 'offers', gb.offerId) : null
  return { groupBuyId: order.groupBuyId, pickupPointId: order.pickupPointId, offerId: offer?._id ?? null, productId: offer?.productId ?? null, merchantId: offer?.merchantId ?? gb?.merchantId ?? null }
}
