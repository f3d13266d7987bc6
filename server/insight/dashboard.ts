import type { DashboardPoint, DashboardProduct, InsightOutputs } from '@shared/contracts/insight'
import { chinaDayNumber, DAY_MS, dayNumberToDay, daysInRange } from '@shared/domain/calendar'
import { fillRate, K_ANONYMITY_MIN, repeatBuyers, repeatRate, rollupDayNumber, topTags } from '@shared/domain/insight'
import { RATING_TAG_LABELS } from '@shared/domain/feedback'
import type { GroupBuyDoc } from '@server/group-buys/model'
import type { OfferDoc } from '@server/supply/model'
import { readBuyerDays } from './buyer-days'
import { aggregateAll, ifCollectionExists, readAllWhere, readByIds } from './query'

export type Scope = InsightOutputs['dashboard']['scope']

/**
 * Payments happen inside a group buy's join window (plus the payment window): a group buy that ended more than
 * this before `from` cannot hold an order paid in the range.
 */
const PAID_AFTER_END_SLACK_MS = DAY_MS

type Rolled = Pick<GroupBuyDoc, '_id' | 'startAt' | 'pickupPointId' | 'salesByDay' | 'refundsByDay'>

interface Sums {
  _id: unknown
  units: number
  salesFen: number
}

/**
 * The sales dashboard. Sales and refunds per day, point and product come from the group buys' day rollups (#23:
 * `salesByDay` / `refundsByDay`, moved exactly once per payment and per refund inside the transactions that count
 * them; server/insight/rollups.ts recounts them), so it reads the scope's group buys — never its orders — for those.
 * The repeat rate (distinct buyers, not a sum) comes from the participations of the scope's group buys, each
 * carrying its buyer's paid orders per day (`paidDays`, moved by the same count; server/insight/buyer-days.ts), so it
 * reads one document per group buy and buyer, not one per order. The fill rate stays an aggregation over the group
 * buys that ended in the range. The range is counted in whole China days (the app asks for whole days).
 */
export async function dashboard(db: DB.Database, scope: Scope, from: number, to: number, now: number): Promise<InsightOutputs['dashboard']> {
  const _ = db.command
  const $ = _.aggregate
  const firstDay = chinaDayNumber(from)
  const lastDay = chinaDayNumber(to - 1)

  // The scope's group buys that can hold a payment in the range, with their rollups (all of them for admin).
  const where = { ...(scope.kind === 'all' ? {} : { [scope.kind === 'merchant' ? 'merchantId' : 'pickupPointId']: scope.id }), endAt: _.gte(from - PAID_AFTER_END_SLACK_MS) }
  const read = await readAllWhere<Rolled>(db, 'groupBuys', where, { _id: true, startAt: true, pickupPointId: true, salesByDay: true, refundsByDay: true })
  const gbs = read.filter((g) => g.startAt < to)
  // The fill rate's group buys (same scope, endAt from `from`) are among those read: at most one row per their points.
  const pointsRead = new Set(read.map((g) => g.pickupPointId)).size
  const scopeIds = gbs.map((g) => g._id)

  // One cell per group buy and day with sales (at most days × group buys), folded below.
  const cells: Array<{ _id: { d: number; p: string; g: string }; orders: number; units: number; salesFen: number }> = []
  const refunds = new Map<number, number>()
  for (const g of gbs) {
    for (const [key, day] of Object.entries(g.salesByDay ?? {})) {
      const d = rollupDayNumber(key)
      if (d >= firstDay && d <= lastDay && day.orders > 0) cells.push({ _id: { d, p: g.pickupPointId, g: g._id }, ...day })
    }
    for (const [key, fen] of Object.entries(g.refundsByDay ?? {})) {
      const d = rollupDayNumber(key)
      if (d >= firstDay && d <= lastDay) refunds.set(d, (refunds.get(d) ?? 0) + fen)
    }
  }

  const empty = scopeIds.length === 0
  const [buyerDays, ended] = empty
    ? [[], []]
    : await Promise.all([
        readBuyerDays(db, scopeIds),
        aggregateAll<{ _id: string; ended: number; succeeded: number; shortageUnits: number }>(
          db.collection('groupBuys').aggregate()
            .match({ ...(scope.kind === 'all' ? {} : { [scope.kind === 'merchant' ? 'merchantId' : 'pickupPointId']: scope.id }), endAt: _.gte(from).and(_.lt(Math.min(to, now))) })
            .group({
              _id: '$pickupPointId',
              ended: $.sum(1),
              succeeded: $.sum($.cond({ if: $.in(['$status', ['SUCCEEDED', 'CLOSED']]), then: 1, else: 0 })),
              shortageUnits: $.sum($.cond({ if: $.eq(['$arrivalShort', true]), then: $.max([0, $.subtract(['$soldQuantity', '$receivedQuantity'])]), else: 0 })),
            }),
          pointsRead,
          'dashboard fill rate by pickup point',
        ),
      ])
  const fold = <K>(key: (c: (typeof cells)[number]) => K) => {
    const out = new Map<K, { _id: K; orders: number; units: number; salesFen: number }>()
    for (const c of cells) {
      const k = key(c)
      const row = out.get(k) ?? out.set(k, { _id: k, orders: 0, units: 0, salesFen: 0 }).get(k)!
      row.orders += c.orders
      row.units += c.units
      row.salesFen += c.salesFen
    }
    return [...out.values()]
  }
  const byDay = fold((c) => c._id.d)
  const byPoint = fold((c) => c._id.p)
  const byGroupBuy = fold((c) => c._id.g)

  // Days: every day of the range, zero where nothing happened.
  const dayRows = new Map(daysInRange(from, to).map((day) => [day, { day, orders: 0, units: 0, salesFen: 0, refundsFen: 0 }]))
  for (const d of byDay) Object.assign(dayRows.get(dayNumberToDay(d._id)) ?? {}, { orders: d.orders, units: d.units, salesFen: d.salesFen })
  for (const [d, fen] of refunds) {
    const row = dayRows.get(dayNumberToDay(d))
    if (row) row.refundsFen = fen
  }

  // Pickup points: sales and fill rate side by side.
  const pointIds = [...new Set([...byPoint.map((p) => p._id), ...ended.map((e) => e._id)])]
  const names = new Map((await readByIds<{ _id: string; name: string }>(db, 'pickupPoints', pointIds, { _id: true, name: true })).map((p) => [p._id, p.name]))
  const sales = new Map(byPoint.map((p) => [p._id, p]))
  const ends = new Map(ended.map((e) => [e._id, e]))
  const points: DashboardPoint[] = pointIds
    .map((id) => ({
      pickupPointId: id,
      name: names.get(id) ?? '',
      units: sales.get(id)?.units ?? 0,
      salesFen: sales.get(id)?.salesFen ?? 0,
      fillRate: fillRate(ends.get(id)?.succeeded ?? 0, ends.get(id)?.ended ?? 0),
      shortageUnits: ends.get(id)?.shortageUnits ?? 0,
    }))
    .sort((a, b) => b.salesFen - a.salesFen || (a.pickupPointId < b.pickupPointId ? -1 : 1))

  const products = await productRows(db, byGroupBuy)
  // Only the rate leaves: the buyers stay here. A merchant's only over enough buyers: over a few it says whether two
  // purchases it can see in its ledger were made by one person (1 for one buyer of two products, 0 for two).
  const b = repeatBuyers(buyerDays, firstDay, lastDay)
  const rate = scope.kind === 'merchant' && b.buyers < K_ANONYMITY_MIN ? null : repeatRate(b.repeaters, b.buyers)
  return { scope, days: [...dayRows.values()], points, products, repeatRate: rate }
}

/** Group buys' sums folded into their catalogue products (a leader's own group buy is a row of its own). */
async function productRows(db: DB.Database, byGroupBuy: Array<Sums & { _id: string }>): Promise<DashboardProduct[]> {
  const _ = db.command
  const $ = _.aggregate
  const gbIds = byGroupBuy.map((g) => g._id)
  const gbs = new Map((await readByIds<Pick<GroupBuyDoc, '_id' | 'title' | 'offerId'>>(db, 'groupBuys', gbIds, { _id: true, title: true, offerId: true })).map((g) => [g._id, g]))
  const offerIds = [...new Set([...gbs.values()].map((g) => g.offerId).filter((o): o is string => !!o))]
  const offers = new Map((await readByIds<Pick<OfferDoc, '_id' | 'productId' | 'product'>>(db, 'offers', offerIds, { _id: true, productId: true, product: true })).map((o) => [o._id, o]))

  // Ratings (#12, `feedback`): summed per group buy by the database, when the collection exists.
  const inIds = { groupBuyId: _.in(gbIds) }
  const [stars, tags] = gbIds.length
    ? await ifCollectionExists(
        () => Promise.all([
          aggregateAll<{ _id: string; stars: number; n: number }>(
            db.collection('ratings').aggregate().match(inIds).group({ _id: '$groupBuyId', stars: $.sum('$stars'), n: $.sum(1) }),
            gbIds.length,
            'dashboard ratings by group buy',
          ),
          // A rating's tags are distinct labels of RATING_TAGS (feedback's contract): at most all of them per group buy.
          aggregateAll<{ _id: { g: string; t: string }; n: number }>(
            db.collection('ratings').aggregate().match(inIds).unwind('$tags').group({ _id: { g: '$groupBuyId', t: '$tags' }, n: $.sum(1) }),
            gbIds.length * RATING_TAG_LABELS.length,
            'dashboard rating tags by group buy',
          ),
        ]),
        [[], []] as [Array<{ _id: string; stars: number; n: number }>, Array<{ _id: { g: string; t: string }; n: number }>],
      )
    : [[], []]
  const starsBy = new Map(stars.map((s) => [s._id, s]))
  const tagsBy = new Map<string, Array<{ t: string; n: number }>>()
  for (const t of tags) tagsBy.set(t._id.g, [...(tagsBy.get(t._id.g) ?? []), { t: t._id.t, n: t.n }])

  const rows = new Map<string, DashboardProduct & { starSum: number; ratings: number; tagCounts: Map<string, number> }>()
  for (const g of byGroupBuy) {
    const gb = gbs.get(g._id)
    const offer = gb?.offerId ? offers.get(gb.offerId) : undefined
    const key = offer ? `p:${offer.productId}` : `g:${g._id}`
    let row = rows.get(key)
    if (!row) {
      row = { productId: offer?.productId ?? null, name: offer?.product.name ?? gb?.title ?? '', units: 0, salesFen: 0, ratingAvg: null, topTags: [], starSum: 0, ratings: 0, tagCounts: new Map() }
      rows.set(key, row)
    }
    row.units += g.units
    row.salesFen += g.salesFen
    const s = starsBy.get(g._id)
    if (s) {
      row.starSum += s.stars
      row.ratings += s.n
    }
    for (const t of tagsBy.get(g._id) ?? []) row.tagCounts.set(t.t, (row.tagCounts.get(t.t) ?? 0) + t.n)
  }
  return [...rows.values()]
    .map(({ starSum, ratings, tagCounts, ...r }) => ({ ...r, ratingAvg: ratings > 0 ? Math.round((starSum / ratings) * 100) / 100 : null, topTags: topTags(tagCounts) }))
    .sort((a, b) => b.salesFen - a.salesFen || (a.name < b.name ? -1 : 1))
}
