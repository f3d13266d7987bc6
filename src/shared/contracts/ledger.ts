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
export type EntryKind = 'SALE' | 'REVERSAL' | 'RELEASE' | 'PAYOUT' | 'DEBT_REPAY'

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
  account?: string
  /** groupBuyId on GROUP_COUNTS and SALES_ROLLUP (orderId is null then). */
  groupBuyId?: string
  /**
   * NEGATIVE_BALANCE: an account's balance in some state summed below 0. SPLIT: a party's entries for an order
   * differ from the split of what the order keeps (keptOf). NOT_RELEASED: picked up but the pickup is not booked.
   * SALES_ROLLUP: a group buy's day rollups (the dashboard's sums) differ from their recount from its orders and refunds.
   */
  kind: 'PAID_MINUS_REFUNDED' | 'SPLIT' | 'NOT_RELEASED' | 'REFUNDED_FEN' | 'BALANCE' | 'NEGATIVE_BALANCE' | 'ORDER_REFUNDED_FEN' | 'ORDER_STATUS' | 'POINTS' | 'GROUP_COUNTS' | 'SALES_ROLLUP'
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
}

export interface LedgerOutputs {
  balance: BalanceView
  entries: Page<LedgerEntryView>
  statement: { month: string; totals: StatementTotals; csv: { fileID: string; tempFileURL: string } }
  orderEntries: { items: LedgerEntryView[] }
  requestPayout: { payoutId: string; status: PayoutStatus; amountFen: number }
  payouts: { items: PayoutView[] }
  refreshPayout: PayoutView
}
