import { z } from 'zod'
import { cursor, fen, id, requestId, type Page } from './common'
import type { EntryState, Party } from '../domain/ledger'
import type { PayoutState } from '../domain/payout'

/**
 * Whose account a call is about, for someone holding several roles (a leader who is also a merchant). Absent:
 * leader, else merchant, else the clerk's store.
 */
const accountRole = z.enum(['leader', 'merchant', 'store'])
export type AccountRole = z.infer<typeof accountRole>

export const month = z.string().regex(/^20\d\d-(0[1-9]|1[0-2])$/, 'must be YYYY-MM')

export const ledgerContract = {
  balance: z.object({ as: accountRole.optional() }).strict(),
  entries: z.object({ cursor: cursor.optional(), as: accountRole.optional() }).strict(),
  /** 收益/结算 in plain words: one line per order, payout or debt repayment, newest first, entries inside. */
  lines: z.object({ cursor: cursor.optional(), as: accountRole.optional() }).strict(),
  statement: z.object({ month, as: z.enum(['leader', 'merchant']).optional() }).strict(),
  orderEntries: z.object({ orderId: id }).strict(),
  /** realName: the payee's real name, required from ¥2,000 (USER_NAME_REQUIRED_FROM_FEN), sent only encrypted. */
  requestPayout: z.object({ amountFen: fen.min(1), requestId, as: z.enum(['leader', 'merchant']).optional(), realName: z.string().trim().min(2).max(32).optional() }).strict(),
  /** My payouts, newest first: those waiting for my 确认收款 carry what wx.requestMerchantTransfer needs. */
  payouts: z.object({ as: z.enum(['leader', 'merchant']).optional() }).strict(),
  /** After the payee's 确认收款: look the bill up now instead of waiting for WeChat Pay's notification. */
  refreshPayout: z.object({ payoutId: id }).strict(),
} as const

/** DEBT_REPAY: later AVAILABLE earnings repaying a payee's debt (a refund took back money already paid out). */
export const ENTRY_KINDS = ['SALE', 'REVERSAL', 'RELEASE', 'PAYOUT', 'DEBT_REPAY'] as const
export type EntryKind = (typeof ENTRY_KINDS)[number]

export interface LedgerEntryView {
  entryId: string
  orderId: string | null
  groupBuyId: string | null
  party: Party
  partyId: string
  kind: EntryKind
  /** Signed fen: + into `state`, − out of it. */
  amountFen: number
  state: EntryState
  createdAt: number
  /** The order's title and 跟团号 (null on payout entries). */
  title: string | null
  seq: number | null
  /** The refund or payout this entry books (null on sales, releases and debt repayments). */
  refId: string | null
  /** The event in words: 售出, 缺货退款, 售后退款, 售后期满, 提现, 欠款抵扣 … (entryReason). */
  reason: string
}

/**
 * Where a line's money stands. An order: 待提货 (AWAITING_PICKUP) → 售后期 (AFTER_SALES) → 可提现 (AVAILABLE) →
 * 提现中 / 已提现 / 已抵欠款; 已退款 (REFUNDED) when refunds took all of it back; 欠款 (DEBT) when a refund took back
 * money already withdrawn. A payout: 提现中, 已提现, or 已退回 (RETURNED: failed or not confirmed, money back).
 */
export const MONEY_LINE_STATES = ['AWAITING_PICKUP', 'AFTER_SALES', 'AVAILABLE', 'PAYOUT_PENDING', 'DEBT_REPAID', 'PAID_OUT', 'REFUNDED', 'DEBT', 'RETURNED'] as const
export type MoneyLineState = (typeof MONEY_LINE_STATES)[number]

/** One event of a line in words, its entries summed: 售出 +¥30.00, 缺货退款 −¥10.00, 售后期满 ¥20.00 … */
export interface MoneyLineEvent {
  reason: string
  /** The change of my share (售出, refunds); for 售后期满 / 提现 the amount moved. */
  amountFen: number
  at: number
  /** Of that, what became a debt (a refund after the money was withdrawn). */
  debtFen: number
}

/** A line of 收益 / 结算 (ledger.lines): one order, one payout or one debt repayment. */
export interface MoneyLine {
  /** The order's id, the payout's id, or the repayment's. */
  lineId: string
  kind: 'ORDER' | 'PAYOUT' | 'DEBT_REPAY'
  /** The sale's time (orders), the request's (payouts), the repayment's. */
  at: number
  orderId: string | null
  title: string | null
  /** Units sold and units kept after shortages and refunds (orders only). */
  quantity: number | null
  keptQuantity: number | null
  seq: number | null
  /** Orders: my share now (sold less refunds). Payouts and repayments: the amount. */
  shareFen: number
  state: MoneyLineState
  /** 售后期: when the money becomes withdrawable (pickup + the after-sales window; a case or refund may hold it longer). */
  withdrawableAt: number | null
  /** How the share splits by where it stands now, when it is in more than one place (a part withdrawn). */
  parts: { state: MoneyLineState; amountFen: number }[]
  /** What a refund took back after the money was withdrawn (a debt, repaid from later earnings). */
  debtFen: number
  events: MoneyLineEvent[]
  /** The ledger entries behind the line, oldest first (the 明细 one tap away). */
  entries: LedgerEntryView[]
}

export interface TierView {
  bonusBp: number
  monthPickedUpFen: number
  /** null at the top tier. */
  nextThresholdFen: number | null
}

export interface BalanceView {
  party: Party
  partyId: string
  /** All money not yet withdrawable: awaitingPickupFen + afterSalesFen. */
  frozenFen: number
  /** 待提货: shares of orders not picked up yet. */
  awaitingPickupFen: number
  /** 售后期: shares of picked-up orders whose after-sales window is open, or that have a case or refund under way. */
  afterSalesFen: number
  /** 可提现 (less any debt, which is repaid first). */
  availableFen: number
  paidOutFen: number
  pendingPayoutFen: number
  /** What the payee owes after a refund took back money already paid out; repaid from next earnings. */
  debtFen: number
  /** Only for leaders. */
  tier: TierView | null
}

export interface StatementTotals {
  /** Orders with a sale this month. */
  orders: number
  salesFen: number
  /** Negative: what refunds took back this month. */
  refundsFen: number
  netFen: number
  paidOutFen: number
}

export type PayoutStatus = 'PENDING' | 'PAID' | 'FAILED'

/** One payout as its payee sees it. */
export interface PayoutView {
  payoutId: string
  party: Party
  amountFen: number
  /** The ledger's side: PENDING holds the money, PAID paid it out, FAILED gave it back. */
  status: PayoutStatus
  /** The transfer bill's side (see src/shared/domain/payout.ts). */
  state: PayoutState
  createdAt: number
  doneAt: number | null
  /** Only while state is WAIT_USER_CONFIRM: the arguments of wx.requestMerchantTransfer. */
  confirm: { mchId: string; appId: string; package: string } | null
}

export interface ReconcileMismatch {
  orderId: string | null
  /** The order's title (order mismatches written since the 对账 page names them). */
  title?: string
  account?: string
  /** groupBuyId on GROUP_COUNTS and SALES_ROLLUP (orderId is null then). */
  groupBuyId?: string
  /**
   * NEGATIVE_BALANCE: an account's balance in some state summed below 0. SPLIT: a party's entries for an order
   * differ from the split of what the order keeps (keptOf). NOT_RELEASED: picked up but the pickup is not booked.
   * SALES_ROLLUP: a group buy's day rollups (the dashboard's sums) differ from their recount from its orders and refunds.
   * PAYOUT: a closed payout differs from its transfer bill at WeChat Pay (paid vs not paid, the amount, the payee).
   */
  kind: 'PAID_MINUS_REFUNDED' | 'SPLIT' | 'NOT_RELEASED' | 'REFUNDED_FEN' | 'BALANCE' | 'NEGATIVE_BALANCE' | 'ORDER_REFUNDED_FEN' | 'ORDER_STATUS' | 'POINTS' | 'GROUP_COUNTS' | 'SALES_ROLLUP' | 'PAYOUT'
  /** The payout on PAYOUT (orderId is null then). */
  payoutId?: string
  expected: unknown
  actual: unknown
}

/** A payee who owes money: a refund took back more than they still had (repaid from their next earnings). */
export interface DebtView {
  account: string
  debtFen: number
}

export interface ReconcileReport {
  reconciliationId: string
  at: number
  orders: number
  mismatches: ReconcileMismatch[]
  /** All mismatches found (the list holds at most the first 200). */
  mismatchCount: number
  /** Every open debt (at most 200 listed). */
  debts: DebtView[]
  /** Each party's totals over all entries (absent on reports written before the 对账 page showed them). */
  totals?: PartyTotals[]
}

/** One party's money over all its accounts: what sales gave, refunds took back, and where the rest stands. */
export interface PartyTotals {
  party: Party
  /** Accounts with any entry. */
  accounts: number
  salesFen: number
  /** Negative: what refunds took back. */
  refundsFen: number
  /** salesFen + refundsFen: the party's share of everything kept (the platform's: its fees and margins). */
  netFen: number
  frozenFen: number
  availableFen: number
  pendingPayoutFen: number
  paidOutFen: number
  debtFen: number
}

export interface LedgerOutputs {
  balance: BalanceView
  entries: Page<LedgerEntryView>
  lines: Page<MoneyLine>
  statement: { month: string; totals: StatementTotals; csv: { fileID: string; tempFileURL: string } }
  orderEntries: { items: LedgerEntryView[] }
  requestPayout: { payoutId: string; status: PayoutStatus; amountFen: number }
  payouts: { items: PayoutView[] }
  refreshPayout: PayoutView
}
