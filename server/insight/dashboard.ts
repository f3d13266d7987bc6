import type { DashboardPoint, DashboardProduct, InsightOutputs } from '@shared/contracts/insight'
import { CHINA_OFFSET_MS, DAY_MS, dayNumberToDay, daysInRange } from '@shared/domain/calendar'
import { fillRate, repeatRate, topTags } from '@shared/domain/insight'
import type { GroupBuyDoc } from '@server/group-buys/model'
import type { OfferDoc } from '@server/supply/model'
import { aggregateList, ifCollectionExists, readAllWhere, readByIds } from './query'

export type Scope = InsightOutputs['dashboard']['scope']

/**
 * Payments happen inside a group buy's join window (plus the payment window): a group buy that ended more than
 * this before `from` cannot hold an order paid in the range.
 */
const PAID_AFTER_END_SLACK_MS = DAY_MS

interface Sums {
  _id: unknown
  units: number
  salesFen: number
}

/**
 * The sales dashboard, computed by the database: every figure is an aggregation whose leading $match runs on an
 * index (orders by `groupbuy_paid`/`paid`, refunds by `groupbuy_done`/`done`, group buys by `merchant_end`/
 * `pickup_end`/`end`), so what is read grows with the orders inside the scope and range, never with the
 * collection. The function itself only reads group buys (the scope's list), offers and pickup points by id.
 */
export async function dashboard(db: DB.Database, scope: Scope, from: number, to: number, now: number): Promise<InsightOutputs['dashboard']> {
  const _ = db.command
  const $ = _.aggregate
  const range = _.gte(from).and(_.lt(to))

  // The scope as group buy ids (a merchant's own goods, a pickup point's), or everything for admin.
  let scopeIds: string[] | null = null
  if (scope.kind !== 'all') {
    const where = { [scope.kind === 'merchant' ? 'merchantId' : 'pickupPointId']: scope.id, endAt: _.gte(from - PAID_AFTER_END_SLACK_MS) }
    const gbs = await readAllWhere<Pick<GroupBuyDoc, '_id' | 'startAt'>>(db, 'groupBuys', where, { _id: true, startAt: true })
    scopeIds = gbs.filter((g) => g.startAt < to).map((g) => g._id)
  }
  const inScope = scopeIds ? { groupBuyId: _.in(scopeIds) } : {}
  const paidInRange = { ...inScope, paidAt: range }
  const orders = () => db.collection('orders').aggregate().match(paidInRange)
  const dayOf = (field: string) => $.floor($.divide([$.add([field, CHINA_OFFSET_MS]), DAY_MS]))
  const sums = { units: $.sum('$quantity'), salesFen: $.sum('$amountFen') }

  const empty = scopeIds !== null && scopeIds.length === 0
  // One pass over the orders for day × pickup point × group buy (at most days × group buys rows, folded below),
  // one for distinct buyers; refunds and group buys are small.
  const [cells, buyers, refunds, ended] = empty
    ? [[], [], [], []]
    : await Promise.all([
        aggregateList<{ _id: { d: number; p: string; g: string }; orders: number; units: number; salesFen: number }>(
          orders().group({ _id: { d: dayOf('$paidAt'), p: '$pickupPointId', g: '$groupBuyId' }, orders: $.sum(1), ...sums }),
        ),
        aggregateList<{ buyers: number; repeaters: number }>(
          orders().group({ _id: '$openid', n: $.sum(1) }).group({ _id: null, buyers: $.sum(1), repeaters: $.sum($.cond({ if: $.gte(['$n', 2]), then: 1, else: 0 })) }),
        ),
        aggregateList<{ _id: number; refundsFen: number }>(
          db.collection('refunds').aggregate()
            .match(scopeIds ? { ...inScope, doneAt: range } : { doneAt: range, groupBuyId: _.neq(null) })
            .group({ _id: dayOf('$doneAt'), refundsFen: $.sum('$amountFen') }),
        ),
        aggregateList<{ _id: string; ended: number; succeeded: number; shortageUnits: number }>(
          db.collection('groupBuys').aggregate()
            .match({ ...(scope.kind === 'all' ? {} : { [scope.kind === 'merchant' ? 'merchantId' : 'pickupPointId']: scope.id }), endAt: _.gte(from).and(_.lt(Math.min(to, now))) })
            .group({
              _id: '$pickupPointId',
              ended: $.sum(1),
              succeeded: $.sum($.cond({ if: $.in(['$status', ['SUCCEEDED', 'CLOSED']]), then: 1, else: 0 })),
              shortageUnits: $.sum($.cond({ if: $.eq(['$arrivalShort', true]), then: $.max([0, $.subtract(['$soldQuantity', '$receivedQuantity'])]), else: 0 })),
            }),
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
  for (const r of refunds) {
    const row = dayRows.get(dayNumberToDay(r._id))
    if (row) row.refundsFen = r.refundsFen
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
  const b = buyers[0]
  return { scope, days: [...dayRows.values()], points, products, repeatRate: repeatRate(b?.repeaters ?? 0, b?.buyers ?? 0) }
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
          aggregateList<{ _id: string; stars: number; n: number }>(db.collection('ratings').aggregate().match(inIds).group({ _id: '$groupBuyId', stars: $.sum('$stars'), n: $.sum(1) })),
          aggregateList<{ _id: { g: string; t: string }; n: number }>(db.collection('ratings').aggregate().match(inIds).unwind('$tags').group({ _id: { g: '$groupBuyId', t: '$tags' }, n: $.sum(1) })),
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
