import fc from 'fast-check'
import { chinaMonth, chinaMonthRange } from './calendar'
import {
  applyRelease,
  applyReversal,
  balanceFromEntries,
  keptOf,
  mayRelease,
  splitOfKept,
  splitTakeBackFen,
  offerPriceLeavesPlatform,
  parseTiers,
  PARTIES,
  planRelease,
  planReversal,
  splitShares,
  sumShares,
  tierFor,
  zeroShares,
  type OrderPosition,
  type SplitTerms,
} from './ledger'

const offerTerms = fc.record({
  kind: fc.constant('offer' as const),
  supplyPriceFen: fc.integer({ min: 1, max: 50_000 }),
  commissionBp: fc.integer({ min: 0, max: 5000 }),
  tierBonusBp: fc.integer({ min: 0, max: 500 }),
  handlingFeeFen: fc.integer({ min: 0, max: 500 }),
  platformFeeBp: fc.constant(0),
})
const ownTerms = fc.record({
  kind: fc.constant('own' as const),
  supplyPriceFen: fc.constant(0),
  commissionBp: fc.constant(0),
  tierBonusBp: fc.constant(0),
  handlingFeeFen: fc.integer({ min: 0, max: 500 }),
  platformFeeBp: fc.integer({ min: 0, max: 3000 }),
})
const anyTerms: fc.Arbitrary<SplitTerms> = fc.oneof(offerTerms, ownTerms)

describe('splitShares', () => {
  it('four shares ≥ 0 that add up to exactly the amount, for any amount and terms', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 10_000_000 }), fc.integer({ min: 1, max: 999 }), anyTerms, (a, q, t) => {
        const s = splitShares(a, q, t)
        expect(sumShares(s)).toBe(a)
        for (const p of PARTIES) expect(s[p]).toBeGreaterThanOrEqual(0)
        if (t.kind === 'own') expect(s.merchant).toBe(0)
      }),
    )
  })

  it('an offer sold at a price createFromOffer accepts is split by the plain rule', () => {
    fc.assert(
      fc.property(offerTerms, fc.integer({ min: 1, max: 100_000 }), fc.integer({ min: 1, max: 200 }), (t, price, q) => {
        fc.pre(offerPriceLeavesPlatform(price, t.supplyPriceFen, t.commissionBp, t.tierBonusBp, t.handlingFeeFen))
        const a = price * q
        const s = splitShares(a, q, t)
        expect(s.merchant).toBe(t.supplyPriceFen * q)
        expect(s.leader).toBe(Math.floor((a * (t.commissionBp + t.tierBonusBp)) / 10_000))
        expect(s.store).toBe(t.handlingFeeFen)
        expect(s.platform).toBe(a - s.merchant - s.leader - s.store)
        expect(s.platform).toBeGreaterThanOrEqual(0)
      }),
    )
  })

  it('a leader’s own group buy: platform = floor(A × fee), the store its fee, the leader the rest', () => {
    expect(splitShares(2000, 2, { kind: 'own', supplyPriceFen: 0, commissionBp: 0, tierBonusBp: 0, handlingFeeFen: 50, platformFeeBp: 500 })).toEqual({ merchant: 0, leader: 1850, store: 50, platform: 100 })
    expect(splitShares(777, 1, { kind: 'own', supplyPriceFen: 0, commissionBp: 0, tierBonusBp: 0, handlingFeeFen: 0, platformFeeBp: 500 })).toEqual({ merchant: 0, leader: 739, store: 0, platform: 38 })
  })

  it('offerPriceLeavesPlatform agrees with trying every quantity up to 300', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 3000 }), fc.integer({ min: 1, max: 3000 }), fc.integer({ min: 0, max: 5000 }), fc.integer({ min: 0, max: 300 }), fc.integer({ min: 0, max: 300 }), (price, supply, bp, bonus, fee) => {
        let brute = true
        for (let q = 1; q <= 300 && brute; q++) {
          if (q * price - q * supply - Math.floor((q * price * (bp + bonus)) / 10_000) - fee < 0) brute = false
        }
        const fast = offerPriceLeavesPlatform(price, supply, bp, bonus, fee)
        // The exact check looks at every quantity; 300 covers every case where the margin per unit is ≥ fee/300.
        if (fast) expect(brute).toBe(true)
        else if (brute) {
          const marginBp = (price - supply) * 10_000 - price * (bp + bonus)
          expect(marginBp <= 0 || (fee * 10_000) / marginBp > 300).toBe(true)
        }
      }),
    )
  })
})

describe('refunds and pickups on one order', () => {
  const refundsOf = (a: number) => fc.array(fc.integer({ min: 1, max: Math.max(1, a) }), { maxLength: 6 }).map((rs) => {
    const out: number[] = []
    let left = a
    for (const r of rs) if (r <= left) (out.push(r), (left -= r))
    return out
  })

  it('after any refunds in any order, with a pickup anywhere, every share is the split of what is kept, and FROZEN never goes below 0', () => {
    fc.assert(
      fc.property(anyTerms, fc.integer({ min: 1, max: 200 }), fc.integer({ min: 1, max: 20 }), fc.nat(), fc.nat(), (t, price, q, seed, pickAt) => {
        const a = price * q
        const refunds = fc.sample(refundsOf(a), { numRuns: 1, seed })[0]
        let pos: OrderPosition = { frozen: splitShares(a, q, t), available: zeroShares() }
        let refunded = 0
        let released = false
        const pickupAfter = pickAt % (refunds.length + 1)
        refunds.forEach((r, i) => {
          if (i === pickupAfter && !released) {
            // Released while the remaining refunds are still pending: they stay FROZEN.
            const pending = refunds.slice(i).reduce((s, x) => s + x, 0)
            pos = applyRelease(pos, planRelease(pos, splitShares(a - refunded - pending, q, t)))
            released = true
          }
          refunded += r
          const target = splitShares(a - refunded, q, t)
          pos = applyReversal(pos, planReversal(pos, target, released))
          for (const p of PARTIES) {
            expect(pos.frozen[p] + pos.available[p]).toBe(target[p])
            expect(pos.frozen[p]).toBeGreaterThanOrEqual(0)
          }
        })
        const final = splitShares(a - refunded, q, t)
        for (const p of PARTIES) expect(pos.frozen[p] + pos.available[p]).toBe(final[p])
        if (refunded === a) for (const p of PARTIES) expect(pos.frozen[p] + pos.available[p]).toBe(0)
      }),
    )
  })

  it('a release moves only frozen money and never more than what is kept', () => {
    fc.assert(
      fc.property(anyTerms, fc.integer({ min: 1, max: 100_000 }), fc.integer({ min: 1, max: 50 }), fc.integer({ min: 0, max: 100_000 }), (t, a, q, pending) => {
        const pos: OrderPosition = { frozen: splitShares(a, q, t), available: zeroShares() }
        const keep = splitShares(Math.max(0, a - pending), q, t)
        const moved = planRelease(pos, keep)
        for (const p of PARTIES) {
          expect(moved[p]).toBeGreaterThanOrEqual(0)
          expect(moved[p]).toBeLessThanOrEqual(pos.frozen[p])
          expect(moved[p]).toBeLessThanOrEqual(keep[p])
        }
      }),
    )
  })
})

describe('tiers and months', () => {
  const tiers = parseTiers('0:0,500000:100,2000000:200')
  it('reads the tier table and finds the tier reached', () => {
    expect(tierFor(tiers, 0)).toEqual({ bonusBp: 0, nextThresholdFen: 500000 })
    expect(tierFor(tiers, 499999)).toEqual({ bonusBp: 0, nextThresholdFen: 500000 })
    expect(tierFor(tiers, 500000)).toEqual({ bonusBp: 100, nextThresholdFen: 2000000 })
    expect(tierFor(tiers, 9e9)).toEqual({ bonusBp: 200, nextThresholdFen: null })
    expect(parseTiers('500:10')).toEqual([{ thresholdFen: 0, bonusBp: 0 }, { thresholdFen: 500, bonusBp: 10 }])
    expect(() => parseTiers('500=10')).toThrow(/COMMISSION_TIERS/)
  })
  it('more sales never mean a smaller bonus', () => {
    fc.assert(fc.property(fc.nat(), fc.nat(), (x, y) => expect(tierFor(tiers, Math.max(x, y)).bonusBp).toBeGreaterThanOrEqual(tierFor(tiers, Math.min(x, y)).bonusBp)))
  })
  it('months are Beijing months', () => {
    const newYearCst = Date.UTC(2025, 11, 31, 16, 0) // 2026-01-01 00:00 in Beijing
    expect(chinaMonth(newYearCst - 1)).toBe('2025-12')
    expect(chinaMonth(newYearCst)).toBe('2026-01')
    expect(chinaMonthRange('2026-01')).toEqual({ start: newYearCst, end: Date.UTC(2026, 0, 31, 16, 0) })
  })
  it('balances are sums by state', () => {
    expect(balanceFromEntries([{ amountFen: 5, state: 'FROZEN' }, { amountFen: -5, state: 'FROZEN' }, { amountFen: 5, state: 'AVAILABLE' }, { amountFen: -2, state: 'AVAILABLE' }, { amountFen: 2, state: 'PAYOUT_PENDING' }])).toEqual({ frozenFen: 0, availableFen: 3, pendingPayoutFen: 2, paidOutFen: 0, debtFen: 0 })
    // A debt: −owed when a refund took back paid-out money, + as later earnings repay it; shown as what is owed.
    expect(balanceFromEntries([{ amountFen: -40, state: 'DEBT' }, { amountFen: 15, state: 'DEBT' }]).debtFen).toBe(25)
  })
})

describe('what is kept (#19)', () => {
  const offer: SplitTerms = { kind: 'offer', supplyPriceFen: 2500, commissionBp: 1000, tierBonusBp: 0, handlingFeeFen: 50, platformFeeBp: 0 }
  const sale = { amountFen: 7980, quantity: 2, terms: offer }

  it('every refund kind takes back its units: 1 of 2 back after pickup = the same unit short at arrival', () => {
    const afterSales = splitOfKept(sale, [{ amountFen: 3990, units: 1, partial: true }])
    const shortage = splitOfKept(sale, [{ amountFen: 3990, units: 1, partial: true }], 1)
    expect(afterSales).toEqual(shortage)
    expect(afterSales.merchant).toBe(2500)
    // A full refund takes every unit; a money-only partial refund none.
    expect(keptOf(sale, [{ amountFen: 7980 }])).toEqual({ keptFen: 0, keptUnits: 0 })
    expect(keptOf(sale, [{ amountFen: 100, partial: true }])).toEqual({ keptFen: 7880, keptUnits: 2 })
  })

  it('the merchant never gets more than supply × units kept, for any refunds', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 5 }), fc.array(fc.integer({ min: 0, max: 2 }), { maxLength: 3 }), (q, backs) => {
        const price = 3990
        const refunds = backs.map((u) => ({ amountFen: u * price, units: u, partial: true }))
        const k = keptOf({ amountFen: q * price, quantity: q }, refunds)
        fc.pre(k.keptFen >= 0 && backs.reduce((a, b) => a + b, 0) <= q)
        const s = splitOfKept({ amountFen: q * price, quantity: q, terms: offer }, refunds)
        expect(s.merchant).toBeLessThanOrEqual(offer.supplyPriceFen * k.keptUnits)
        expect(s.merchant + s.leader + s.store + s.platform).toBe(k.keptFen)
      }),
    )
  })

  it('release only after pickup, the window, no open case and every refund booked', () => {
    const at = 1_000
    expect(mayRelease({ pickedUpAt: null, openCaseUnits: 0, unbookedRefunds: 0 }, 10, 10_000)).toBe(false)
    expect(mayRelease({ pickedUpAt: at, openCaseUnits: 0, unbookedRefunds: 0 }, 10, at + 9)).toBe(false)
    expect(mayRelease({ pickedUpAt: at, openCaseUnits: 1, unbookedRefunds: 0 }, 10, at + 10)).toBe(false)
    expect(mayRelease({ pickedUpAt: at, openCaseUnits: 0, unbookedRefunds: 1 }, 10, at + 10)).toBe(false)
    expect(mayRelease({ pickedUpAt: at, openCaseUnits: 0, unbookedRefunds: 0 }, 10, at + 10)).toBe(true)
  })

  it('a take-back of released money never goes below 0: the rest is debt', () => {
    expect(splitTakeBackFen(300, 500)).toEqual({ fromAvailable: 300, debt: 200 })
    expect(splitTakeBackFen(-5, 500)).toEqual({ fromAvailable: 0, debt: 500 })
    expect(splitTakeBackFen(900, 500)).toEqual({ fromAvailable: 500, debt: 0 })
  })
})
