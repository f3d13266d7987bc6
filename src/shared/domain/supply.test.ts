import fc from 'fast-check'
import { offerPriceLeavesPlatform } from './ledger'
import { decideCreateFromOffer, lowestSellablePriceFen, planArrival, unsoldReturn, type OfferTerms } from './supply'

const line = fc.record({ quantity: fc.integer({ min: 1, max: 20 }), priceFen: fc.integer({ min: 1, max: 100_000 }) })

describe('planArrival (到货不足 served in 跟团号 order)', () => {
  it('serves 2+2+2+2 with 5 arrived as 2, 2, 1, 0 and refunds 3 units', () => {
    const lines = [1, 2, 3, 4].map((i) => ({ orderId: `o${i}`, quantity: 2, priceFen: 1990, amountFen: 3980 }))
    expect(planArrival(lines, 5)).toEqual([
      { orderId: 'o1', servedQuantity: 2, refundFen: 0 },
      { orderId: 'o2', servedQuantity: 2, refundFen: 0 },
      { orderId: 'o3', servedQuantity: 1, refundFen: 1990 },
      { orderId: 'o4', servedQuantity: 0, refundFen: 3980 },
    ])
  })

  it('never serves more than arrived, serves a prefix in full, and refunds exactly the missing units', () => {
    fc.assert(
      fc.property(fc.array(line, { maxLength: 30 }), fc.integer({ min: 0, max: 700 }), (raw, received) => {
        const lines = raw.map((l, i) => ({ orderId: `o${i}`, ...l, amountFen: l.quantity * l.priceFen }))
        const plan = planArrival(lines, received)
        const paid = lines.reduce((s, l) => s + l.quantity, 0)
        const served = plan.reduce((s, p) => s + p.servedQuantity, 0)
        expect(served).toBe(Math.min(received, paid))
        // Once an order is short, every later order gets nothing.
        const firstShort = plan.findIndex((p, i) => p.servedQuantity < lines[i].quantity)
        if (firstShort >= 0) for (const p of plan.slice(firstShort + 1)) expect(p.servedQuantity).toBe(0)
        plan.forEach((p, i) => {
          expect(p.refundFen).toBe((lines[i].quantity - p.servedQuantity) * lines[i].priceFen)
          expect(p.refundFen).toBeLessThanOrEqual(lines[i].amountFen)
        })
      }),
    )
  })
})

describe('decideCreateFromOffer', () => {
  const now = 1_800_000_000_000
  const offer: OfferTerms = { startAt: now - 1000, endAt: now + 86400_000, minPriceFen: 1500, maxPriceFen: 2500, supplyPriceFen: 1000, commissionBp: 1000, pickupPointIds: ['p1'] }
  const ask = { priceFen: 1990, startAt: now, endAt: now + 3600_000 }
  const limits = { maxTierBonusBp: 200, handlingFeeFen: 0 }
  it('accepts a price in range at an open point inside the window', () => {
    expect(decideCreateFromOffer(offer, ask, 'p1', now, limits)).toBeNull()
  })
  it('refuses other points, prices out of range, windows outside the offer', () => {
    expect(decideCreateFromOffer(offer, ask, 'p2', now, limits)).toBe('SUPPLY.NOT_AVAILABLE')
    expect(decideCreateFromOffer({ ...offer, pickupPointIds: null }, ask, 'p2', now, limits)).toBeNull()
    expect(decideCreateFromOffer(offer, { ...ask, priceFen: 1499 }, 'p1', now, limits)).toBe('SUPPLY.PRICE_OUT_OF_RANGE')
    expect(decideCreateFromOffer(offer, { ...ask, endAt: offer.endAt + 1 }, 'p1', now, limits)).toBe('INPUT.INVALID')
    expect(decideCreateFromOffer(offer, ask, 'p1', offer.endAt, limits)).toBe('SUPPLY.NOT_AVAILABLE')
  })
  it('refuses a price that leaves the platform short only from two units on', () => {
    // 19.99 with supply 10.00 and 50%: one unit leaves 0 (the floor drops 0.5 fen), two units −1 fen.
    const half = { ...offer, supplyPriceFen: 1000, commissionBp: 5000, minPriceFen: 1, maxPriceFen: 100_000 }
    expect(decideCreateFromOffer(half, { ...ask, priceFen: 1999 }, 'p1', now, { maxTierBonusBp: 0, handlingFeeFen: 0 })).toBe('SUPPLY.PRICE_OUT_OF_RANGE')
    expect(decideCreateFromOffer(half, { ...ask, priceFen: 2000 }, 'p1', now, { maxTierBonusBp: 0, handlingFeeFen: 0 })).toBeNull()
    expect(lowestSellablePriceFen(half, 0, 0)).toBe(2000)
  })
  it('refuses a price whose platform remainder could be negative at the top tier and the store fee', () => {
    expect(decideCreateFromOffer(offer, { ...ask, priceFen: 1500 }, 'p1', now, { maxTierBonusBp: 200, handlingFeeFen: 400 })).toBe('SUPPLY.PRICE_OUT_OF_RANGE')
    // Whatever a leader is allowed to open, every order of any quantity leaves the platform ≥ 0 fen.
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 100_000 }), fc.integer({ min: 1, max: 100_000 }), fc.integer({ min: 0, max: 5000 }), fc.integer({ min: 0, max: 2000 }), fc.integer({ min: 1, max: 999 }), (price, supply, bp, fee, q) => {
        const o = { ...offer, supplyPriceFen: supply, commissionBp: bp, minPriceFen: 1, maxPriceFen: 1_000_000 }
        if (decideCreateFromOffer(o, { ...ask, priceFen: price }, 'p1', now, { maxTierBonusBp: 200, handlingFeeFen: fee }) !== null) return
        const amount = price * q
        expect(amount - supply * q - Math.floor((amount * (bp + 200)) / 10000) - fee).toBeGreaterThanOrEqual(0)
        expect(offerPriceLeavesPlatform(price, supply, bp, 200, fee)).toBe(true)
      }),
    )
  })
})

describe('unsoldReturn', () => {
  it('gives back everything of a failed group, what did not sell of a closed one, nothing while running', () => {
    expect(unsoldReturn({ status: 'FAILED', stock: 10, soldQuantity: 3 })).toBe(10)
    expect(unsoldReturn({ status: 'CLOSED', stock: 10, soldQuantity: 3 })).toBe(7)
    expect(unsoldReturn({ status: 'SUCCEEDED', stock: 10, soldQuantity: 3 })).toBe(0)
  })
})

describe('lowestSellablePriceFen', () => {
  it('is the first price in range whose platform share is ≥ 0 (or null when none is)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 100_000 }), fc.integer({ min: 0, max: 5000 }), fc.integer({ min: 0, max: 500 }), fc.integer({ min: 0, max: 2000 }), fc.integer({ min: 1, max: 300_000 }), fc.integer({ min: 0, max: 300_000 }), (supply, bp, bonus, fee, min, span) => {
        const offer = { supplyPriceFen: supply, commissionBp: bp, minPriceFen: min, maxPriceFen: min + span }
        const p = lowestSellablePriceFen(offer, bonus, fee)
        const ok = (x: number) => offerPriceLeavesPlatform(x, supply, bp, bonus, fee)
        if (p === null) {
          expect(ok(offer.maxPriceFen)).toBe(false)
        } else {
          expect(p).toBeGreaterThanOrEqual(min)
          expect(p).toBeLessThanOrEqual(offer.maxPriceFen)
          expect(ok(p)).toBe(true)
          if (p > min) expect(ok(p - 1)).toBe(false)
        }
      }),
    )
  })
})
