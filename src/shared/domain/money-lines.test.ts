import type { LedgerEntryView, PayoutView } from '../contracts/ledger'
import { allocateCredit, debtRepayLine, entryReason, orderLine, partyTotals, payoutLine, refundReasonWords, withdrawalBudget, type LineOrder } from './money-lines'

const T0 = Date.UTC(2026, 11, 5, 2)
const HOUR = 3600_000
let n = 0
function entry(p: Partial<LedgerEntryView> & Pick<LedgerEntryView, 'kind' | 'amountFen' | 'state'>): LedgerEntryView {
  return {
    entryId: `e${++n}`, orderId: 'o1', groupBuyId: 'g1', party: 'leader', partyId: 'L', createdAt: T0, title: '草莓', seq: 3, refId: null,
    reason: entryReason(p, p.kind === 'REVERSAL' ? '到货不足退款' : null), ...p,
  }
}
const order = (p: Partial<LineOrder> = {}): LineOrder => ({ orderId: 'o1', title: '草莓', seq: 3, quantity: 2, keptQuantity: 2, pickedUpAt: null, released: false, at: T0, ...p })
const none = { availableFen: 0, pendingFen: 0, repaidFen: 0 }
const sale = entry({ kind: 'SALE', amountFen: 300, state: 'FROZEN' })
const release = [entry({ kind: 'RELEASE', amountFen: -300, state: 'FROZEN', createdAt: T0 + 50 * HOUR }), entry({ kind: 'RELEASE', amountFen: 300, state: 'AVAILABLE', createdAt: T0 + 50 * HOUR })]

describe('an order’s line moves 待提货 → 售后期 → 可提现 → 已提现', () => {
  it('sold, not picked up: 待提货 with the whole share, one 售出 event', () => {
    const { line } = orderLine(order(), [sale], none, 48 * HOUR)
    expect(line).toMatchObject({ kind: 'ORDER', title: '草莓', quantity: 2, shareFen: 300, state: 'AWAITING_PICKUP', withdrawableAt: null, parts: [{ state: 'AWAITING_PICKUP', amountFen: 300 }] })
    expect(line!.events).toEqual([{ reason: '售出', amountFen: 300, at: T0, debtFen: 0 }])
  })

  it('picked up: 售后期, withdrawable when the window closes', () => {
    const { line } = orderLine(order({ pickedUpAt: T0 + HOUR }), [sale], none, 48 * HOUR)
    expect(line).toMatchObject({ state: 'AFTER_SALES', withdrawableAt: T0 + 49 * HOUR })
  })

  it('released: 可提现 while the balance still holds it, 提现中 / 已提现 once a payout took it; the budget is spent', () => {
    const o = order({ pickedUpAt: T0 + HOUR, released: true })
    const avail = orderLine(o, [sale, ...release], { availableFen: 500, pendingFen: 0, repaidFen: 0 }, 48 * HOUR)
    expect(avail.line).toMatchObject({ state: 'AVAILABLE', withdrawableAt: null, parts: [{ state: 'AVAILABLE', amountFen: 300 }] })
    expect(avail.line!.events.map((e) => [e.reason, e.amountFen])).toEqual([['售出', 300], ['售后期满', 300]])
    expect(avail.budget).toEqual({ availableFen: 200, pendingFen: 0, repaidFen: 0 })
    expect(orderLine(o, [sale, ...release], { availableFen: 0, pendingFen: 300, repaidFen: 0 }, 0).line!.state).toBe('PAYOUT_PENDING')
    const paid = orderLine(o, [sale, ...release], none, 0)
    expect(paid.line).toMatchObject({ state: 'PAID_OUT', parts: [{ state: 'PAID_OUT', amountFen: 300 }] })
    // Part still available, part withdrawn: both parts, the first one the line's state.
    expect(orderLine(o, [sale, ...release], { availableFen: 100, pendingFen: 0, repaidFen: 0 }, 0).line!.parts).toEqual([
      { state: 'AVAILABLE', amountFen: 100 },
      { state: 'PAID_OUT', amountFen: 200 },
    ])
  })
})

describe('refunds name their reason', () => {
  it('a short-shipped order shows 缺货退款 with its amount, and keeps the rest', () => {
    const rv = entry({ kind: 'REVERSAL', amountFen: -100, state: 'FROZEN', refId: 'rs1', createdAt: T0 + HOUR })
    const { line } = orderLine(order({ keptQuantity: 1 }), [sale, rv], none, 0)
    expect(line).toMatchObject({ shareFen: 200, state: 'AWAITING_PICKUP', keptQuantity: 1 })
    expect(line!.events).toContainEqual({ reason: '缺货退款', amountFen: -100, at: T0 + HOUR, debtFen: 0 })
  })

  it('fully refunded: 已退款, share 0', () => {
    const rv = entry({ kind: 'REVERSAL', amountFen: -300, state: 'FROZEN', refId: 'rf1' })
    expect(orderLine(order(), [sale, rv], none, 0).line).toMatchObject({ shareFen: 0, state: 'REFUNDED', parts: [] })
  })

  it('a refund after the money was withdrawn: 欠款 with the amount owed', () => {
    const debt = entry({ kind: 'REVERSAL', amountFen: -150, state: 'DEBT', refId: 'ra1', reason: '售后退款', createdAt: T0 + 60 * HOUR })
    const { line } = orderLine(order({ pickedUpAt: T0, released: true }), [sale, ...release, debt], none, 0)
    expect(line).toMatchObject({ state: 'DEBT', debtFen: 150, shareFen: 150 })
    expect(line!.events).toContainEqual({ reason: '售后退款', amountFen: -150, at: T0 + 60 * HOUR, debtFen: 150 })
  })

  it('stored reasons become the words on the line', () => {
    expect(refundReasonWords('到货不足退款')).toBe('缺货退款')
    expect(refundReasonWords('售后退款')).toBe('售后退款')
    expect(refundReasonWords('未成团自动退款')).toBe('未成团退款')
    expect(refundReasonWords('团购已结束')).toBe('退款（团购已结束）')
    expect(refundReasonWords(null)).toBe('退款')
  })
})

describe('payouts and repayments are one line each', () => {
  const payout: PayoutView = { payoutId: 'p1', party: 'leader', amountFen: 500, status: 'PAID', state: 'SUCCESS', createdAt: T0, doneAt: T0 + HOUR, confirm: null }
  const entries = [
    entry({ orderId: null, kind: 'PAYOUT', amountFen: -500, state: 'AVAILABLE', refId: 'p1' }),
    entry({ orderId: null, kind: 'PAYOUT', amountFen: 500, state: 'PAYOUT_PENDING', refId: 'p1' }),
    entry({ orderId: null, kind: 'PAYOUT', amountFen: -500, state: 'PAYOUT_PENDING', refId: 'p1', createdAt: T0 + HOUR }),
    entry({ orderId: null, kind: 'PAYOUT', amountFen: 500, state: 'PAID_OUT', refId: 'p1', createdAt: T0 + HOUR }),
  ]

  it('a paid payout: one 已提现 line of −¥5.00 with its four entries inside', () => {
    const line = payoutLine(payout, entries)
    expect(line).toMatchObject({ kind: 'PAYOUT', shareFen: -500, state: 'PAID_OUT' })
    expect(line.entries).toHaveLength(4)
    expect(line.events.map((e) => e.reason)).toEqual(['提现', '提现到账'])
    expect(payoutLine({ ...payout, status: 'FAILED', state: 'CANCELLED' }, entries).state).toBe('RETURNED')
    expect(payoutLine({ ...payout, status: 'PENDING', state: 'WAIT_USER_CONFIRM', doneAt: null }, entries).state).toBe('PAYOUT_PENDING')
  })

  it('a debt repayment: 欠款抵扣', () => {
    const line = debtRepayLine(entry({ orderId: null, kind: 'DEBT_REPAY', amountFen: 120, state: 'DEBT' }))
    expect(line).toMatchObject({ kind: 'DEBT_REPAY', shareFen: -120, state: 'DEBT_REPAID', events: [{ reason: '欠款抵扣', amountFen: -120 }] })
  })
})

describe('the withdrawal budget', () => {
  it('is what is available, held and repaid, from the sums by kind and state', () => {
    expect(
      withdrawalBudget([
        { kind: 'RELEASE', state: 'AVAILABLE', amountFen: 1000 },
        { kind: 'PAYOUT', state: 'AVAILABLE', amountFen: -600 },
        { kind: 'PAYOUT', state: 'PAYOUT_PENDING', amountFen: 200 },
        { kind: 'DEBT_REPAY', state: 'AVAILABLE', amountFen: -100 },
        { kind: 'PAYOUT', state: 'PAID_OUT', amountFen: 400 },
      ]),
    ).toEqual({ availableFen: 300, pendingFen: 200, repaidFen: 100 })
  })

  it('hands every credit out once: the parts of all orders add up to the balance', () => {
    let budget = { availableFen: 250, pendingFen: 100, repaidFen: 50 }
    const seen: Record<string, number> = {}
    for (const credit of [200, 200, 200]) {
      const r = allocateCredit(budget, credit)
      budget = r.budget
      for (const p of r.parts) seen[p.state] = (seen[p.state] ?? 0) + p.amountFen
    }
    expect(seen).toEqual({ AVAILABLE: 250, PAYOUT_PENDING: 100, DEBT_REPAID: 50, PAID_OUT: 200 })
  })
})

it('对账 totals per party: sales, refunds, the net and where it stands', () => {
  const totals = partyTotals([
    { party: 'leader', account: 'leader:a', kind: 'SALE', state: 'FROZEN', amountFen: 1000 },
    { party: 'leader', account: 'leader:b', kind: 'REVERSAL', state: 'FROZEN', amountFen: -200 },
    { party: 'leader', account: 'leader:b', kind: 'REVERSAL', state: 'DEBT', amountFen: -50 },
    { party: 'platform', account: 'platform:platform', kind: 'SALE', state: 'FROZEN', amountFen: 90 },
  ])
  expect(totals.find((t) => t.party === 'leader')).toEqual({
    party: 'leader', accounts: 2, salesFen: 1000, refundsFen: -250, netFen: 750, frozenFen: 800, availableFen: 0, pendingPayoutFen: 0, paidOutFen: 0, debtFen: 50,
  })
  expect(totals.find((t) => t.party === 'platform')).toMatchObject({ netFen: 90, accounts: 1 })
  expect(totals.map((t) => t.party)).toEqual(['merchant', 'leader', 'store', 'platform'])
})
