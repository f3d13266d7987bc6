import {
  K_ANONYMITY_MIN, addBuyerDay, buyerDayIncrement, repeatBuyers, sameBuyerDays, disclosedCount, disclosedSize, fillRate, maskPhone, matchesAudience, purchaseRule, repeatRate, topTags, type ResidentFacts,
} from './insight'
import { chinaDay, chinaDayNumber, dayNumberToDay, daysInRange } from './calendar'

const NOW = Date.UTC(2026, 11, 1, 4, 0) // 2026-12-01 12:00 in China
const DAY = 86_400_000
const resident = (patch: Partial<ResidentFacts> = {}): ResidentFacts => ({ marketingConsent: true, pickupPointId: 'pp1', level: 0, purchases: [], ...patch })

describe('k-anonymity', () => {
  it('discloses 10 and more, never 9 or less', () => {
    expect(K_ANONYMITY_MIN).toBe(10)
    expect(disclosedSize(9)).toBeNull()
    expect(disclosedSize(0)).toBeNull()
    expect(disclosedSize(10)).toBe(10)
    expect(disclosedSize(12345)).toBe(12340)
  })

  it('never moves by one person: sizes and counts are rounded down to a multiple of 10', () => {
    expect(disclosedSize(11)).toBe(10)
    expect(disclosedSize(19)).toBe(10)
    expect(disclosedSize(20)).toBe(20)
    expect([0, 1, 9].map(disclosedCount)).toEqual([0, 0, 0])
    expect([10, 11, 19, 20, 101].map(disclosedCount)).toEqual([10, 10, 10, 20, 100])
  })
})

describe('audience rules', () => {
  it('never includes a resident without marketing consent, whatever the rule', () => {
    expect(matchesAudience(resident({ marketingConsent: false }), {}, NOW)).toBe(false)
    expect(matchesAudience(resident(), {}, NOW)).toBe(true)
  })

  it('is at a pickup point only when it is the one they chose', () => {
    expect(matchesAudience(resident(), { pickupPointIds: ['pp1', 'pp2'] }, NOW)).toBe(true)
    expect(matchesAudience(resident({ pickupPointId: 'pp3' }), { pickupPointIds: ['pp1'] }, NOW)).toBe(false)
    expect(matchesAudience(resident({ pickupPointId: null }), { pickupPointIds: ['pp1'] }, NOW)).toBe(false)
  })

  it('counts purchases of the given categories inside the window against minOrders', () => {
    const purchases = [
      { paidAt: NOW - 2 * DAY, category: '水果' },
      { paidAt: NOW - 20 * DAY, category: '水果' },
      { paidAt: NOW - 1 * DAY, category: '蔬菜' },
      { paidAt: NOW - 1 * DAY, category: null },
    ]
    const r = resident({ purchases })
    expect(matchesAudience(r, { boughtCategories: ['水果'] }, NOW)).toBe(true)
    expect(matchesAudience(r, { boughtCategories: ['水果'], minOrders: 2 }, NOW)).toBe(true)
    expect(matchesAudience(r, { boughtCategories: ['水果'], minOrders: 2, withinDays: 7 }, NOW)).toBe(false)
    expect(matchesAudience(r, { boughtCategories: ['肉类'] }, NOW)).toBe(false)
    // No category: any purchase counts, a leader's own goods included.
    expect(matchesAudience(r, { withinDays: 7, minOrders: 3 }, NOW)).toBe(true)
    expect(matchesAudience(r, { withinDays: 7, minOrders: 4 }, NOW)).toBe(false)
    expect(matchesAudience(resident(), { withinDays: 30 }, NOW)).toBe(false)
  })

  it('treats a window or categories without minOrders as "at least one"', () => {
    expect(purchaseRule({}, NOW)).toBeNull()
    expect(purchaseRule({ pickupPointIds: ['pp1'] }, NOW)).toBeNull()
    expect(purchaseRule({ withinDays: 7 }, NOW)).toEqual({ categories: null, since: NOW - 7 * DAY, minOrders: 1 })
    expect(purchaseRule({ boughtCategories: ['水果'] }, NOW)).toEqual({ categories: ['水果'], since: 0, minOrders: 1 })
    expect(purchaseRule({ minOrders: 3 }, NOW)).toEqual({ categories: null, since: 0, minOrders: 3 })
  })

  it('needs the member level when minLevel is set (level 0 where levels are not kept)', () => {
    expect(matchesAudience(resident({ level: 0 }), { minLevel: 1 }, NOW)).toBe(false)
    expect(matchesAudience(resident({ level: 2 }), { minLevel: 2 }, NOW)).toBe(true)
    expect(matchesAudience(resident({ level: 0 }), { minLevel: 0 }, NOW)).toBe(true)
  })
})

describe('days in China time', () => {
  it('puts 23:59 China time on its own day and 00:00 on the next, whatever UTC says', () => {
    expect(chinaDay(Date.UTC(2026, 10, 30, 15, 59))).toBe('2026-11-30') // 23:59 +08
    expect(chinaDay(Date.UTC(2026, 10, 30, 16, 0))).toBe('2026-12-01') // 00:00 +08
    expect(dayNumberToDay(chinaDayNumber(Date.UTC(2026, 10, 30, 16, 0)))).toBe('2026-12-01')
  })

  it('lists every day a range touches, the end excluded', () => {
    const from = Date.UTC(2026, 10, 28, 16) // 2026-11-29 00:00 +08
    expect(daysInRange(from, from + 3 * DAY)).toEqual(['2026-11-29', '2026-11-30', '2026-12-01'])
    expect(daysInRange(from, from + 1)).toEqual(['2026-11-29'])
    expect(daysInRange(from - 1, from + 1)).toEqual(['2026-11-28', '2026-11-29'])
  })
})

describe('masking and rates', () => {
  it('masks a phone as 138****5678', () => {
    expect(maskPhone('13812345678')).toBe('138****5678')
    expect(maskPhone('+86 138-1234-5678')).toBe('861****5678')
    expect(maskPhone('12345')).toBe('*****')
  })

  it('answers null rather than 0 when there is nothing to divide', () => {
    expect(fillRate(0, 0)).toBeNull()
    expect(fillRate(3, 4)).toBe(0.75)
    expect(repeatRate(0, 0)).toBeNull()
    expect(repeatRate(1, 4)).toBe(0.25)
  })

  it('orders tags by use, ties by name', () => {
    expect(topTags(new Map([['新鲜', 3], ['甜', 5], ['便宜', 3], ['大', 1]]))).toEqual(['甜', '便宜', '新鲜'])
    expect(topTags(new Map())).toEqual([])
  })
})

describe('the repeat rate from buyers\' day counts (#23)', () => {
  it('adds one buyer up over group buys and counts only the days of the range', () => {
    const entries = [
      { buyer: 'a', days: addBuyerDay(addBuyerDay({}, 10), 12) }, // two orders on two days in one group buy
      { buyer: 'b', days: addBuyerDay({}, 11) },
      { buyer: 'b', days: addBuyerDay({}, 12) }, // b again, in another group buy
      { buyer: 'c', days: addBuyerDay(addBuyerDay({}, 9), 11) }, // one of c's two orders is before the range
      { buyer: 'd', days: {} }, // joined, never paid
      { buyer: 'e' },
    ]
    expect(repeatBuyers(entries, 10, 12)).toEqual({ buyers: 3, repeaters: 2 })
    expect(repeatBuyers(entries, 12, 12)).toEqual({ buyers: 2, repeaters: 0 })
    expect(repeatBuyers(entries, 1, 2)).toEqual({ buyers: 0, repeaters: 0 })
    expect(buyerDayIncrement(12)).toEqual({ 'paidDays.d12': 1 })
  })

  it('compares day counts, absent days as zero', () => {
    expect(sameBuyerDays({ a: { d1: 1 } }, { a: { d1: 1, d2: 0 }, b: {} })).toBe(true)
    expect(sameBuyerDays({ a: { d1: 1 } }, { a: { d1: 2 } })).toBe(false)
    expect(sameBuyerDays({ a: { d1: 1 } }, { b: { d1: 1 } })).toBe(false)
  })
})
