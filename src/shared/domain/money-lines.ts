/**
 * 收益 / 结算 in plain words: a payee's ledger entries grouped into one line per order (what sold, my share, where
 * it stands), one per payout and one per debt repayment, and the admin's totals per party. Pure: the ledger's views
 * (server/ledger/views.ts, lines.ts) load entries as `LedgerEntryView`s and hand them here; this is the one place
 * that knows how entries add up to a line, so a change in how entries are stored changes the loading, not this.
 */
import type { EntryKind, LedgerEntryView, MoneyLine, MoneyLineEvent, MoneyLineState, PartyTotals, PayoutView } from '../contracts/ledger'
import { PARTIES, type EntryState, type Party } from './ledger'

/** What a refund's stored reason says, in the words a leader or merchant reads on a 结算 line. */
const REFUND_REASON_WORDS: Record<string, string> = {
  到货不足退款: '缺货退款',
  售后退款: '售后退款',
  阶梯价退差价: '阶梯价退差价',
  转入下一团退差价: '转团退差价',
  未成团自动退款: '未成团退款',
}

export function refundReasonWords(reason: string | null | undefined): string {
  if (!reason) return '退款'
  return REFUND_REASON_WORDS[reason] ?? (reason.includes('退') ? reason : `退款（${reason}）`)
}

/** One entry's event in words. `refundReason`: the stored reason of the refund a REVERSAL books. */
export function entryReason(e: { kind: EntryKind; state: EntryState; amountFen: number }, refundReason?: string | null): string {
  switch (e.kind) {
    case 'SALE':
      return '售出'
    case 'REVERSAL':
      return refundReasonWords(refundReason)
    case 'RELEASE':
      return '售后期满'
    case 'DEBT_REPAY':
      return '欠款抵扣'
    case 'PAYOUT':
      if (e.state === 'PAID_OUT') return '提现到账'
      if (e.state === 'AVAILABLE' && e.amountFen > 0) return '提现退回'
      return '提现'
  }
}

/**
 * Where a payee's released money went, as budgets to hand out over their orders' released credits, newest order
 * first: what is still AVAILABLE is the newest orders' money, then what payouts hold (提现中), then what repaid a
 * debt, and everything older was paid out. The sums over all lines then equal the balance exactly.
 */
export interface WithdrawalBudget {
  availableFen: number
  pendingFen: number
  repaidFen: number
}

/** The budget from the account's entries summed by kind and state (one grouped aggregate). */
export function withdrawalBudget(sums: readonly { kind: EntryKind; state: EntryState; amountFen: number }[]): WithdrawalBudget {
  let availableFen = 0
  let pendingFen = 0
  let repaidFen = 0
  for (const s of sums) {
    if (s.state === 'AVAILABLE') availableFen += s.amountFen
    if (s.state === 'PAYOUT_PENDING') pendingFen += s.amountFen
    if (s.kind === 'DEBT_REPAY' && s.state === 'AVAILABLE') repaidFen -= s.amountFen
  }
  return { availableFen: Math.max(0, availableFen), pendingFen: Math.max(0, pendingFen), repaidFen: Math.max(0, repaidFen) }
}

/** Hand `creditFen` of an order's released money out of the budget: the parts, and the budget left. */
export function allocateCredit(budget: WithdrawalBudget, creditFen: number): { parts: { state: MoneyLineState; amountFen: number }[]; budget: WithdrawalBudget } {
  const parts: { state: MoneyLineState; amountFen: number }[] = []
  let left = Math.max(0, creditFen)
  const next = { ...budget }
  const take = (state: MoneyLineState, key: keyof WithdrawalBudget) => {
    const n = Math.min(left, next[key])
    if (n > 0) parts.push({ state, amountFen: n })
    next[key] -= n
    left -= n
  }
  take('AVAILABLE', 'availableFen')
  take('PAYOUT_PENDING', 'pendingFen')
  take('DEBT_REPAID', 'repaidFen')
  if (left > 0) parts.push({ state: 'PAID_OUT', amountFen: left })
  return { parts, budget: next }
}

/** What the ledger knows of an order, as a line needs it. */
export interface LineOrder {
  orderId: string
  title: string
  seq: number | null
  quantity: number
  keptQuantity: number
  pickedUpAt: number | null
  released: boolean
  /** When the sale was booked: the line's place in the list. */
  at: number
}

const sum = (xs: readonly LedgerEntryView[]) => xs.reduce((s, e) => s + e.amountFen, 0)

/** An order's events in words: the sale, each refund (by its refund), the release. */
function orderEvents(entries: readonly LedgerEntryView[]): MoneyLineEvent[] {
  const groups = new Map<string, LedgerEntryView[]>()
  for (const e of entries) {
    const key = e.kind === 'REVERSAL' ? `REVERSAL:${e.refId ?? ''}` : e.kind
    groups.set(key, [...(groups.get(key) ?? []), e])
  }
  const events: MoneyLineEvent[] = []
  for (const [key, es] of groups) {
    const at = Math.min(...es.map((e) => e.createdAt))
    const debtFen = 0 - sum(es.filter((e) => e.state === 'DEBT'))
    // A release moves money between states (its entries net 0): what it made withdrawable is its AVAILABLE side.
    const amountFen = key === 'RELEASE' ? sum(es.filter((e) => e.state === 'AVAILABLE')) : sum(es)
    if (amountFen === 0 && debtFen === 0) continue
    events.push({ reason: es[0].reason, amountFen, at, debtFen })
  }
  return events.sort((a, b) => a.at - b.at)
}

/**
 * One order's line from its entries in one account (any order, all of them), and the budget left for older orders.
 * Null when the account has no entry for it (a zero share is never written).
 */
export function orderLine(order: LineOrder, entries: readonly LedgerEntryView[], budget: WithdrawalBudget, windowMs: number): { line: MoneyLine | null; budget: WithdrawalBudget } {
  if (entries.length === 0) return { line: null, budget }
  const sorted = [...entries].sort((a, b) => a.createdAt - b.createdAt || (a.entryId < b.entryId ? -1 : 1))
  const frozen = sum(sorted.filter((e) => e.state === 'FROZEN'))
  const credit = sum(sorted.filter((e) => e.state === 'AVAILABLE'))
  const debtFen = 0 - sum(sorted.filter((e) => e.state === 'DEBT'))
  const shareFen = sum(sorted)
  const parts: { state: MoneyLineState; amountFen: number }[] = []
  if (frozen > 0) parts.push({ state: order.pickedUpAt ? 'AFTER_SALES' : 'AWAITING_PICKUP', amountFen: frozen })
  const allocated = allocateCredit(budget, credit)
  parts.push(...allocated.parts)
  const refunded = sorted.some((e) => e.kind === 'REVERSAL')
  const state: MoneyLineState = debtFen > 0 ? 'DEBT' : shareFen <= 0 && refunded ? 'REFUNDED' : parts[0]?.state ?? (order.pickedUpAt ? 'AFTER_SALES' : 'AWAITING_PICKUP')
  const line: MoneyLine = {
    lineId: order.orderId,
    kind: 'ORDER',
    at: order.at,
    orderId: order.orderId,
    title: order.title,
    quantity: order.quantity,
    keptQuantity: order.keptQuantity,
    seq: order.seq,
    shareFen,
    state,
    withdrawableAt: order.pickedUpAt && !order.released ? order.pickedUpAt + windowMs : null,
    parts,
    debtFen,
    events: orderEvents(sorted),
    entries: sorted,
  }
  return { line, budget: allocated.budget }
}

/** Where a payout stands, as a line: 提现中 until the bill ends, then 已提现 or 已退回. */
export function payoutLineState(p: Pick<PayoutView, 'status'>): MoneyLineState {
  return p.status === 'PAID' ? 'PAID_OUT' : p.status === 'FAILED' ? 'RETURNED' : 'PAYOUT_PENDING'
}

/** One payout, one line (its hold, pending and done entries inside). */
export function payoutLine(p: PayoutView, entries: readonly LedgerEntryView[]): MoneyLine {
  const state = payoutLineState(p)
  const events: MoneyLineEvent[] = [{ reason: '提现', amountFen: -p.amountFen, at: p.createdAt, debtFen: 0 }]
  if (p.doneAt !== null && state !== 'PAYOUT_PENDING') events.push({ reason: state === 'PAID_OUT' ? '提现到账' : '提现退回', amountFen: p.amountFen, at: p.doneAt, debtFen: 0 })
  return {
    lineId: p.payoutId, kind: 'PAYOUT', at: p.createdAt, orderId: null, title: null, quantity: null, keptQuantity: null, seq: null,
    shareFen: -p.amountFen, state, withdrawableAt: null, parts: [], debtFen: 0, events,
    entries: [...entries].sort((a, b) => a.createdAt - b.createdAt || (a.entryId < b.entryId ? -1 : 1)),
  }
}

/** One debt repayment (its DEBT-side entry): later earnings paid back what a refund left owed. */
export function debtRepayLine(e: LedgerEntryView): MoneyLine {
  return {
    lineId: e.entryId, kind: 'DEBT_REPAY', at: e.createdAt, orderId: null, title: null, quantity: null, keptQuantity: null, seq: null,
    shareFen: -Math.abs(e.amountFen), state: 'DEBT_REPAID', withdrawableAt: null, parts: [], debtFen: 0,
    events: [{ reason: '欠款抵扣', amountFen: -Math.abs(e.amountFen), at: e.createdAt, debtFen: 0 }], entries: [e],
  }
}

/** 对账: each party's totals from the entries summed by account, kind and state. */
export function partyTotals(sums: readonly { party: Party; account: string; kind: EntryKind; state: EntryState; amountFen: number }[]): PartyTotals[] {
  return PARTIES.map((party) => {
    const mine = sums.filter((s) => s.party === party)
    const of = (pred: (s: (typeof mine)[number]) => boolean) => mine.filter(pred).reduce((t, s) => t + s.amountFen, 0)
    const salesFen = of((s) => s.kind === 'SALE')
    const refundsFen = of((s) => s.kind === 'REVERSAL')
    return {
      party,
      accounts: new Set(mine.map((s) => s.account)).size,
      salesFen,
      refundsFen,
      netFen: salesFen + refundsFen,
      frozenFen: of((s) => s.state === 'FROZEN'),
      availableFen: of((s) => s.state === 'AVAILABLE'),
      pendingPayoutFen: of((s) => s.state === 'PAYOUT_PENDING'),
      paidOutFen: of((s) => s.state === 'PAID_OUT'),
      debtFen: 0 - of((s) => s.state === 'DEBT'),
    }
  })
}
