import { canCancelRolledOver, isRollOverTarget, pickRollOverTarget, ROLL_OVER_WINDOW_MS, type RollOverGroup } from './roll-over'

const now = 1_800_000_000_000
const from: RollOverGroup = { groupBuyId: 'g1', creatorOpenid: 'L', pickupPointId: 'P', offerId: 'O', title: '橙', priceFen: 3000, status: 'FAILED', startAt: now - 86_400_000, endAt: now - 1000, stockLeft: 0, limitPerUser: 5, heldByOwner: 0 }
const next = (patch: Partial<RollOverGroup>): RollOverGroup => ({ ...from, groupBuyId: 'g2', status: 'OPEN', startAt: now - 500, endAt: now + 86_400_000, stockLeft: 10, ...patch })

it('moves only to the same leader, point and product, open now within 7 days, at a price ≤ paid with stock', () => {
  expect(isRollOverTarget(from, next({}), 3000, 2, now)).toBe(true)
  expect(isRollOverTarget(from, next({ creatorOpenid: 'other' }), 3000, 2, now)).toBe(false)
  expect(isRollOverTarget(from, next({ pickupPointId: 'Q' }), 3000, 2, now)).toBe(false)
  expect(isRollOverTarget(from, next({ offerId: 'O2' }), 3000, 2, now)).toBe(false)
  expect(isRollOverTarget(from, next({ priceFen: 3100 }), 3000, 2, now)).toBe(false)
  expect(isRollOverTarget(from, next({ stockLeft: 1 }), 3000, 2, now)).toBe(false)
  // The owner's units there stay within its per-person limit (counting what they already hold in it).
  expect(isRollOverTarget(from, next({ limitPerUser: 1 }), 3000, 2, now)).toBe(false)
  expect(isRollOverTarget(from, next({ limitPerUser: 3, heldByOwner: 2 }), 3000, 2, now)).toBe(false)
  expect(isRollOverTarget(from, next({ limitPerUser: 4, heldByOwner: 2 }), 3000, 2, now)).toBe(true)
  expect(isRollOverTarget(from, next({ startAt: now + 1000 }), 3000, 2, now)).toBe(false) // not open yet
  expect(isRollOverTarget(from, next({ startAt: from.endAt + ROLL_OVER_WINDOW_MS + 1 }), 3000, 2, from.endAt + ROLL_OVER_WINDOW_MS + 2)).toBe(false)
  expect(isRollOverTarget(from, next({ status: 'CLOSED' }), 3000, 2, now)).toBe(false)
  // A leader's own group buys have no offer: the same title is the same product.
  const own = { ...from, offerId: null }
  expect(isRollOverTarget(own, next({ offerId: null }), 3000, 1, now)).toBe(true)
  expect(isRollOverTarget(own, next({ offerId: null, title: '苹果' }), 3000, 1, now)).toBe(false)
})

it('picks the earliest to end, then the cheapest; cancelling is open until 成团', () => {
  const a = next({ groupBuyId: 'a', endAt: now + 2 * 86_400_000, priceFen: 2500 })
  const b = next({ groupBuyId: 'b', endAt: now + 86_400_000, priceFen: 2900 })
  expect(pickRollOverTarget(from, [a, b], 3000, 1, now)?.groupBuyId).toBe('b')
  expect(pickRollOverTarget(from, [next({ priceFen: 3500 })], 3000, 1, now)).toBeNull()
  expect(canCancelRolledOver({ status: 'OPEN' })).toBe(true)
  expect(canCancelRolledOver({ status: 'SUCCEEDED' })).toBe(false)
})
