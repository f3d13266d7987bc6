/**
 * Property tests of the pure rules: a small model of one group buy driven only by decideJoin, statusAtEnd,
 * hasReachedThreshold and canMove, fed random sequences of joins, payments (including late and replayed
 * ones), cancellations, time passing, expiries, settlements and refunds. The model does what the cloud
 * functions do (server/payment-flow.ts, settlement.ts, refunds.ts), so an invariant broken here is a rule
 * that cannot hold there either.
 */
import fc from 'fast-check'
import type { OrderStatus } from '../contracts/order'
import { decideJoin, effectiveStatus, hasReachedThreshold, isJoinableAt, maxJoinQuantity, statusAtEnd, type GroupBuyState, type StoredGroupBuyStatus } from './group-buy'
import { amountFen, canMove, isCancellable, LIVE_ORDER_STATUSES, ORDER_TRANSITIONS } from './order'

/** The group-buy status edges the cloud functions may take (conditional writes in payment-flow/settlement). */
const GROUP_EDGES: Record<StoredGroupBuyStatus, readonly StoredGroupBuyStatus[]> = {
  OPEN: ['SUCCEEDED', 'CLOSED', 'FAILED'],
  SUCCEEDED: ['CLOSED'],
  CLOSED: [],
  FAILED: [],
}

const PRICE = 990
const WINDOW = 100

interface ModelOrder {
  person: number
  quantity: number
  status: OrderStatus
  expiresAt: number
  /** WeChat Pay took the money. */
  moneyIn: boolean
  refundedFen: number
  refunds: number
}

interface Model {
  now: number
  gb: GroupBuyState
  reserved: number
  sold: number
  orders: ModelOrder[]
  paidPeople: Set<number>
  succeeded: number
  violations: string[]
}

type Command =
  | { kind: 'join'; person: number; quantity: number }
  | { kind: 'pay'; order: number }
  | { kind: 'cancel'; order: number }
  | { kind: 'wait'; ms: number }
  | { kind: 'expire' }
  | { kind: 'settle' }
  | { kind: 'refunds' }

function start(stock: number, minParticipants: number, limitPerUser: number, endAt: number): Model {
  return {
    now: 0,
    gb: { status: 'OPEN', startAt: 0, endAt, stock, stockLeft: stock, minParticipants, paidParticipants: 0, limitPerUser },
    reserved: 0,
    sold: 0,
    orders: [],
    paidPeople: new Set(),
    succeeded: 0,
    violations: [],
  }
}

function moveOrder(m: Model, o: ModelOrder, to: OrderStatus): void {
  if (!canMove(o.status, to)) m.violations.push(`order ${o.status} -> ${to}`)
  o.status = to
}

function moveGroup(m: Model, to: StoredGroupBuyStatus): void {
  if (!GROUP_EDGES[m.gb.status].includes(to)) m.violations.push(`group ${m.gb.status} -> ${to}`)
  if (to === 'SUCCEEDED') m.succeeded++
  m.gb = { ...m.gb, status: to }
}

const held = (m: Model, person: number) => m.orders.filter((o) => o.person === person && LIVE_ORDER_STATUSES.includes(o.status)).reduce((s, o) => s + o.quantity, 0)

function release(m: Model, o: ModelOrder, to: 'CANCELLED' | 'EXPIRED'): void {
  moveOrder(m, o, to)
  m.gb = { ...m.gb, stockLeft: m.gb.stockLeft + o.quantity }
  m.reserved -= o.quantity
}

function requestRefund(m: Model, o: ModelOrder): void {
  if (o.status !== 'REFUNDING' && o.status !== 'REFUNDED') moveOrder(m, o, 'REFUNDING')
}

function apply(m: Model, c: Command): void {
  switch (c.kind) {
    case 'join': {
      if (decideJoin(m.gb, held(m, c.person), c.quantity, m.now) !== null) return
      m.orders.push({ person: c.person, quantity: c.quantity, status: 'PENDING_PAYMENT', expiresAt: m.now + WINDOW, moneyIn: false, refundedFen: 0, refunds: 0 })
      m.gb = { ...m.gb, stockLeft: m.gb.stockLeft - c.quantity }
      m.reserved += c.quantity
      return
    }
    case 'pay': {
      const o = m.orders[c.order % Math.max(1, m.orders.length)]
      if (!o || o.moneyIn) return // no such order, or a replayed notice: nothing new
      o.moneyIn = true
      if (o.status === 'CANCELLED' || o.status === 'EXPIRED') return requestRefund(m, o) // paid after release
      if (o.status !== 'PENDING_PAYMENT') return
      moveOrder(m, o, 'PAID')
      if (m.gb.status !== 'OPEN' && m.gb.status !== 'SUCCEEDED') return requestRefund(m, o) // group already over
      m.paidPeople.add(o.person)
      m.sold += o.quantity
      m.reserved -= o.quantity
      m.gb = { ...m.gb, paidParticipants: m.paidPeople.size }
      if (m.gb.status === 'OPEN' && hasReachedThreshold(m.gb)) moveGroup(m, 'SUCCEEDED')
      return
    }
    case 'cancel': {
      const o = m.orders[c.order % Math.max(1, m.orders.length)]
      if (o && isCancellable(o.status)) release(m, o, 'CANCELLED')
      return
    }
    case 'wait':
      m.now += c.ms
      return
    case 'expire':
      for (const o of m.orders) if (o.status === 'PENDING_PAYMENT' && o.expiresAt <= m.now) release(m, o, 'EXPIRED')
      return
    case 'settle': {
      if (m.now < m.gb.endAt) return
      const to = statusAtEnd(m.gb)
      if (to !== m.gb.status) moveGroup(m, to)
      for (const o of m.orders) if (o.status === 'PENDING_PAYMENT') release(m, o, 'CANCELLED')
      if (m.gb.status === 'FAILED') for (const o of m.orders) if (o.status === 'PAID' || o.status === 'READY_FOR_PICKUP') requestRefund(m, o)
      return
    }
    case 'refunds':
      for (const o of m.orders) {
        if (o.status !== 'REFUNDING') continue
        o.refunds++
        o.refundedFen += amountFen(PRICE, o.quantity)
        moveOrder(m, o, 'REFUNDED')
      }
      return
  }
}

function checkInvariants(m: Model): void {
  const { gb } = m
  if (gb.stockLeft < 0) m.violations.push(`stockLeft ${gb.stockLeft}`)
  if (m.reserved < 0 || m.sold < 0) m.violations.push(`reserved ${m.reserved} sold ${m.sold}`)
  if (m.reserved + m.sold > gb.stock) m.violations.push(`reserved+sold ${m.reserved + m.sold} > stock ${gb.stock}`)
  if (gb.stockLeft + m.reserved + m.sold !== gb.stock) m.violations.push('stock does not add up')
  for (const p of new Set(m.orders.map((o) => o.person))) if (held(m, p) > gb.limitPerUser) m.violations.push(`person ${p} holds ${held(m, p)}`)
  if (m.succeeded > 1) m.violations.push(`SUCCEEDED reached ${m.succeeded} times`)
  for (const o of m.orders) if (o.refunds > 1 || o.refundedFen > amountFen(PRICE, o.quantity)) m.violations.push('refunded twice')
}

const commandArb: fc.Arbitrary<Command> = fc.oneof(
  { weight: 5, arbitrary: fc.record({ kind: fc.constant('join' as const), person: fc.integer({ min: 0, max: 5 }), quantity: fc.integer({ min: 1, max: 3 }) }) },
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('pay' as const), order: fc.nat(40) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('cancel' as const), order: fc.nat(40) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('wait' as const), ms: fc.integer({ min: 1, max: 80 }) }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'expire' as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'settle' as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'refunds' as const }) },
)

const scenarioArb = fc.record({
  stock: fc.integer({ min: 1, max: 12 }),
  minParticipants: fc.integer({ min: 1, max: 5 }),
  limitPerUser: fc.integer({ min: 1, max: 4 }),
  endAt: fc.integer({ min: 50, max: 600 }),
  commands: fc.array(commandArb, { maxLength: 80 }),
})

describe('group buy lifecycle (model)', () => {
  it('keeps stock, limits, status edges and refunds right under any sequence of events', () => {
    fc.assert(
      fc.property(scenarioArb, ({ stock, minParticipants, limitPerUser, endAt, commands }) => {
        const m = start(stock, minParticipants, Math.min(limitPerUser, stock), endAt)
        for (const c of commands) {
          apply(m, c)
          checkInvariants(m)
        }
        // Then the end comes and the timer runs to completion.
        apply(m, { kind: 'wait', ms: endAt + WINDOW })
        apply(m, { kind: 'expire' })
        apply(m, { kind: 'settle' })
        apply(m, { kind: 'refunds' })
        checkInvariants(m)
        expect(m.violations).toEqual([])

        expect(['CLOSED', 'FAILED']).toContain(m.gb.status)
        expect(m.orders.some((o) => o.status === 'PENDING_PAYMENT')).toBe(false)
        for (const o of m.orders) {
          // Money kept only for PAID orders of a closed group; everyone else who paid has it back, once.
          const kept = o.moneyIn && m.gb.status === 'CLOSED' && o.status === 'PAID'
          if (o.moneyIn && !kept) {
            expect(o.status).toBe('REFUNDED')
            expect(o.refundedFen).toBe(amountFen(PRICE, o.quantity))
          }
          if (!o.moneyIn) expect(o.refunds).toBe(0)
        }
        if (m.gb.status === 'FAILED') {
          expect(m.orders.filter((o) => o.moneyIn).every((o) => o.status === 'REFUNDED' && o.refunds === 1)).toBe(true)
          expect(m.succeeded).toBe(0)
        }
        if (m.succeeded === 1) expect(m.gb.status).toBe('CLOSED')
      }),
      { numRuns: 500 },
    )
  })
})

const gbArb = fc
  .record({
    status: fc.constantFrom<StoredGroupBuyStatus>('OPEN', 'SUCCEEDED', 'CLOSED', 'FAILED'),
    startAt: fc.integer({ min: 0, max: 1000 }),
    length: fc.integer({ min: 1, max: 1000 }),
    stock: fc.integer({ min: 1, max: 10 }),
    sold: fc.nat(10),
    minParticipants: fc.integer({ min: 1, max: 20 }),
    paidParticipants: fc.nat(30),
    limitPerUser: fc.integer({ min: 1, max: 10 }),
  })
  .map(({ length, sold, ...g }): GroupBuyState => ({ ...g, endAt: g.startAt + length, stockLeft: Math.max(0, g.stock - sold) }))

describe('decideJoin', () => {
  it('accepts exactly when joinable, within the limit and in stock', () => {
    fc.assert(
      fc.property(gbArb, fc.nat(4), fc.integer({ min: 1, max: 6 }), fc.integer({ min: -10, max: 2100 }), (gb, alreadyHeld, quantity, now) => {
        const verdict = decideJoin(gb, alreadyHeld, quantity, now)
        const expected = isJoinableAt(gb, now) && alreadyHeld + quantity <= gb.limitPerUser && quantity <= gb.stockLeft
        expect(verdict === null).toBe(expected)
        if (!isJoinableAt(gb, now)) expect(verdict).toBe('GROUP_BUY.NOT_OPEN')
      }),
      { numRuns: 1000 },
    )
  })

  it('agrees with maxJoinQuantity: every quantity up to it is accepted, one more is not', () => {
    fc.assert(
      fc.property(gbArb, fc.nat(12), fc.integer({ min: -10, max: 2100 }), (gb, alreadyHeld, now) => {
        fc.pre(isJoinableAt(gb, now))
        const max = maxJoinQuantity(gb, alreadyHeld)
        for (let q = 1; q <= max; q++) expect(decideJoin(gb, alreadyHeld, q, now)).toBeNull()
        expect(decideJoin(gb, alreadyHeld, max + 1, now)).not.toBeNull()
      }),
    )
  })

  it('is never open before the start or from the end on, and UPCOMING only shows before the start', () => {
    fc.assert(
      fc.property(gbArb, fc.integer({ min: -10, max: 2100 }), (gb, now) => {
        if (now < gb.startAt || now >= gb.endAt) expect(decideJoin(gb, 0, 1, now)).toBe('GROUP_BUY.NOT_OPEN')
        expect(effectiveStatus(gb, now) === 'UPCOMING').toBe(gb.status === 'OPEN' && now < gb.startAt)
      }),
    )
  })
})

describe('statusAtEnd', () => {
  it('is final, idempotent and only moves along allowed edges', () => {
    fc.assert(
      fc.property(gbArb, (gb) => {
        const to = statusAtEnd(gb)
        expect(['CLOSED', 'FAILED']).toContain(to)
        expect(statusAtEnd({ ...gb, status: to })).toBe(to)
        if (to !== gb.status) expect(GROUP_EDGES[gb.status]).toContain(to)
        if (gb.status === 'OPEN') expect(to).toBe(hasReachedThreshold(gb) ? 'CLOSED' : 'FAILED')
      }),
    )
  })
})

describe('order transitions', () => {
  it('never take money again once it is being given back, and never revive a released hold', () => {
    for (const from of ['REFUNDING', 'REFUNDED', 'CANCELLED', 'EXPIRED'] as const) {
      for (const to of ['PENDING_PAYMENT', 'PAID', 'READY_FOR_PICKUP', 'PICKED_UP'] as const) expect(canMove(from, to)).toBe(false)
    }
    // Late money on a released hold is refunded: the edge payment-flow.ts takes must be allowed.
    expect(canMove('CANCELLED', 'REFUNDING') && canMove('EXPIRED', 'REFUNDING')).toBe(true)
    expect(ORDER_TRANSITIONS.REFUNDED).toEqual([])
    expect(ORDER_TRANSITIONS.PICKED_UP).toEqual([])
  })
})
