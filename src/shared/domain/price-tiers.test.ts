import fc from 'fast-check'
import { nextTier, priceTiersProblem, tierDifferenceFen, tierReached, type PriceTier } from './price-tiers'

const TIERS: PriceTier[] = [
  { minQuantity: 1, priceFen: 3000 },
  { minQuantity: 10, priceFen: 2700 },
  { minQuantity: 30, priceFen: 2500 },
]

it('accepts 1/10/30 at ¥30/¥27/¥25 and refuses tables that are not rising quantities at falling prices', () => {
  expect(priceTiersProblem(TIERS, 3000)).toBeNull()
  expect(priceTiersProblem(TIERS, 2900)).not.toBeNull() // first tier is not the group buy's price
  expect(priceTiersProblem([TIERS[0]], 3000)).not.toBeNull() // one tier is no table
  expect(priceTiersProblem([...TIERS, { minQuantity: 40, priceFen: 2400 }, { minQuantity: 50, priceFen: 2300 }, { minQuantity: 60, priceFen: 2200 }], 3000)).not.toBeNull() // six
  expect(priceTiersProblem([{ minQuantity: 2, priceFen: 3000 }, { minQuantity: 10, priceFen: 2700 }], 3000)).not.toBeNull()
  expect(priceTiersProblem([TIERS[0], { minQuantity: 10, priceFen: 3000 }], 3000)).not.toBeNull() // not cheaper
  expect(priceTiersProblem([TIERS[0], TIERS[2], TIERS[1]], 3000)).not.toBeNull() // quantities not rising
})

it('12 paid units reach ¥27: 18 more for ¥25; each unit gets ¥3 back', () => {
  expect(tierReached(TIERS, 12)).toEqual(TIERS[1])
  expect(nextTier(TIERS, 12)).toEqual({ tier: TIERS[2], missing: 18 })
  expect(tierReached(TIERS, 9)).toEqual(TIERS[0])
  expect(nextTier(TIERS, 30)).toBeNull()
  expect(tierDifferenceFen(3000, 2700, 4)).toBe(1200)
})

it('the final price never rises with more paid units, and no difference is ever negative', () => {
  fc.assert(
    fc.property(fc.integer({ min: 0, max: 100 }), fc.integer({ min: 0, max: 100 }), (a, b) => {
      const [lo, hi] = a <= b ? [a, b] : [b, a]
      expect(tierReached(TIERS, hi).priceFen).toBeLessThanOrEqual(tierReached(TIERS, lo).priceFen)
      expect(tierDifferenceFen(3000, tierReached(TIERS, hi).priceFen, 3)).toBeGreaterThanOrEqual(0)
    }),
  )
})
