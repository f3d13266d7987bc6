import { afterSalesRefundFen, decideAfterSalesRequest, AFTER_SALES_WINDOW_MS } from './after-sales'
import { addToTotals, averageStars, canEditRating, decideRate, emptyTotals, ratingIncrements, sameTotals, tagCounts, topComplaints, type RatingContent } from './feedback'
import { levelFor, pointsForOrder, pointsTakenBackBy, splitTakeBack } from './members'
import { chinaDayKey } from './calendar'
import { dueReminders } from './pickup-reminders'

describe('rating aggregates (pure)', () => {
  const a: RatingContent = { stars: 5, tags: ['新鲜', '包装好'] }
  const b: RatingContent = { stars: 2, tags: ['不新鲜', '破损'] }

  it('an insert and an edit are increments whose sum equals a recount of the final ratings', () => {
    expect(ratingIncrements(null, a)).toEqual({ count: 1, starsSum: 5, 'stars.5': 1, 'tags.FRESH': 1, 'tags.WELL_PACKED': 1 })
    // Edit a → b: the count stays, only what changed moves.
    expect(ratingIncrements(a, b)).toEqual({ starsSum: -3, 'stars.5': -1, 'stars.2': 1, 'tags.FRESH': -1, 'tags.WELL_PACKED': -1, 'tags.NOT_FRESH': 1, 'tags.DAMAGED': 1 })
    expect(ratingIncrements(a, a)).toEqual({})
    const applied: Record<string, number> = {}
    for (const inc of [ratingIncrements(null, a), ratingIncrements(null, a), ratingIncrements(a, b)]) for (const [k, v] of Object.entries(inc)) applied[k] = (applied[k] ?? 0) + v
    const recount = addToTotals(addToTotals(emptyTotals(), a), b)
    expect(recount).toEqual({ count: 2, starsSum: 7, stars: { '5': 1, '2': 1 }, tags: { FRESH: 1, WELL_PACKED: 1, NOT_FRESH: 1, DAMAGED: 1 } })
    expect(applied).toMatchObject({ count: 2, starsSum: 7, 'stars.5': 1, 'stars.2': 1 })
    expect(sameTotals(recount, { ...recount, tags: { ...recount.tags, SHORT_WEIGHT: 0 } })).toBe(true)
    expect(sameTotals(recount, { ...recount, starsSum: 8 })).toBe(false)
  })

  it('averages to one decimal, 0 when empty; complaints are the negative tags, most named first', () => {
    expect(averageStars({ count: 3, starsSum: 11 })).toBe(3.7)
    expect(averageStars({ count: 0, starsSum: 0 })).toBe(0)
    const totals = { tags: { FRESH: 5, DAMAGED: 2, NOT_FRESH: 3, SHORT_WEIGHT: 1, NOT_AS_DESCRIBED: 1 } }
    expect(tagCounts(totals)[0]).toEqual({ tag: '新鲜', count: 5 })
    expect(topComplaints(totals)).toEqual([{ tag: '不新鲜', count: 3 }, { tag: '破损', count: 2 }, { tag: '分量少', count: 1 }])
  })

  it('only the owner rates, only once picked up; edits within 24 h', () => {
    expect(decideRate({ openid: 'a', status: 'PICKED_UP' }, 'b')).toBe('ORDER.NOT_FOUND')
    expect(decideRate({ openid: 'a', status: 'READY_FOR_PICKUP' }, 'a')).toBe('FEEDBACK.NOT_PICKED_UP')
    expect(decideRate({ openid: 'a', status: 'PICKED_UP' }, 'a')).toBeNull()
    expect(canEditRating({ createdAt: 0 }, 24 * 3600_000 - 1)).toBe(true)
    expect(canEditRating({ createdAt: 0 }, 24 * 3600_000)).toBe(false)
  })
})

describe('after-sales rules (pure)', () => {
  const order = { openid: 'a', status: 'PICKED_UP', pickedUpAt: 1000, quantity: 3, servedQuantity: 2 }
  it('owner, picked up, within 48 h, at most the served quantity across requests', () => {
    expect(decideAfterSalesRequest(order, 'b', 1, 0, 2000)).toBe('ORDER.NOT_FOUND')
    expect(decideAfterSalesRequest({ ...order, status: 'READY_FOR_PICKUP', pickedUpAt: null }, 'a', 1, 0, 2000)).toBe('AFTER_SALES.NOT_PICKED_UP')
    expect(decideAfterSalesRequest(order, 'a', 1, 0, 1000 + AFTER_SALES_WINDOW_MS)).toBeNull()
    expect(decideAfterSalesRequest(order, 'a', 1, 0, 1001 + AFTER_SALES_WINDOW_MS)).toBe('AFTER_SALES.WINDOW_CLOSED')
    expect(decideAfterSalesRequest(order, 'a', 2, 0, 2000)).toBeNull()
    expect(decideAfterSalesRequest(order, 'a', 1, 2, 2000)).toBe('AFTER_SALES.QUANTITY_EXCEEDED')
    expect(afterSalesRefundFen(2, 1990)).toBe(3980)
  })
})

describe('member points (pure)', () => {
  it('levels from lifetime points', () => {
    expect(levelFor(0)).toEqual({ level: 0, levelName: '普通', nextLevelAt: 500 })
    expect(levelFor(499).level).toBe(0)
    expect(levelFor(500)).toEqual({ level: 1, levelName: '银卡', nextLevelAt: 2000 })
    expect(levelFor(5000)).toEqual({ level: 2, levelName: '金卡', nextLevelAt: null })
  })

  it('take-backs telescope: whatever refunds confirm, the order keeps exactly the points of what stays paid', () => {
    const amountFen = 5970
    for (const refunds of [[1990], [1990, 1990, 1990], [995, 995, 3980], [1, 1, 1, 5967]]) {
      let refundedFen = 0
      let points = pointsForOrder({ amountFen, refundedFen })
      for (const r of refunds) {
        points -= pointsTakenBackBy({ amountFen, refundedFen }, r)
        refundedFen += r
      }
      expect(points).toBe(pointsForOrder({ amountFen, refundedFen }))
    }
  })

  it('never below zero: what the balance cannot cover is unrecovered', () => {
    expect(splitTakeBack(100, 40)).toEqual({ taken: 40, unrecovered: 0 })
    expect(splitTakeBack(4, 49)).toEqual({ taken: 4, unrecovered: 45 })
    expect(splitTakeBack(0, 10)).toEqual({ taken: 0, unrecovered: 10 })
  })
})

describe('pickup reminders (pure)', () => {
  const h = 3600_000
  const ready = { status: 'READY_FOR_PICKUP', readyAt: 0, pickupExpiresAt: 7 * 24 * h }
  it('24 h after arrival, and 24 h before expiry; once each; never once picked up or expired', () => {
    expect(dueReminders(ready, 23 * h)).toEqual([])
    expect(dueReminders(ready, 24 * h)).toEqual(['READY_24H'])
    expect(dueReminders({ ...ready, remindedReadyAt: 24 * h }, 30 * h)).toEqual([])
    expect(dueReminders({ ...ready, remindedReadyAt: 24 * h }, 6 * 24 * h)).toEqual(['EXPIRING'])
    expect(dueReminders({ ...ready, remindedReadyAt: 1, remindedExpiryAt: 1 }, 6 * 24 * h)).toEqual([])
    expect(dueReminders({ ...ready, status: 'PICKED_UP' }, 6 * 24 * h)).toEqual([])
    expect(dueReminders(ready, 7 * 24 * h)).toEqual([])
  })
  it('days are Beijing days', () => {
    expect(chinaDayKey(Date.UTC(2025, 0, 1, 15, 59))).toBe('20250101')
    expect(chinaDayKey(Date.UTC(2025, 0, 1, 16, 0))).toBe('20250102')
  })
})
