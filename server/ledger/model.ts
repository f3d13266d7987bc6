import {
  DEFAULT_COMMISSION_TIERS,
  DEFAULT_PLATFORM_FEE_BP,
  parseTiers,
  PLATFORM_ACCOUNT_ID,
  type EntryState,
  type OrderPosition,
  type Party,
  type SplitTerms,
  type Tier,
} from '@shared/domain/ledger'
import type { EntryKind } from '@shared/contracts/ledger'
import type { PayoutState } from '@shared/domain/payout'

/**
 * The ledger's stored shapes. Entries are the truth (append-only, one per event and party, keyed so a replay is
 * a duplicate insert); the order positions and payee balances are kept beside them in the same transactions
 * and can always be re-derived from the entries (admin.reconcile checks that they are).
 */

/**
 * #23: an order's ledger position lives on the order itself (`orders/<id>.ledger`), written by the transactions
 * that already write the order (the payment's count, the hand-over), so the sale and the pickup no longer read and
 * write a second document. Absent until the sale is booked. Never shown to anyone but the ledger's own views (it
 * names the leader and merchant and their terms): toOrderView lists its fields, and a resident's data export drops it.
 */
export const LEDGER_FIELD = 'ledger'

/** The ledger's part of an order as stored (LedgerOrderDoc without the id: it is the order's). */
export type LedgerRecord = Omit<LedgerOrderDoc, '_id'>

/** An order's ledger position as the ledger reads it (its id the order's), or null before the sale is booked. */
export function ledgerOf(order: { _id: string; ledger?: LedgerRecord | null } | null | undefined): LedgerOrderDoc | null {
  return order?.ledger ? { ...order.ledger, _id: order._id } : null
}

/** A path of the ledger position on its order, for a query or an aggregate (`ledger.released`, …). */
export function ledgerPath(field: string): string {
  return `${LEDGER_FIELD}.${field}`
}

/** Fields of the ledger position as an update of its order (dotted paths: the order's other fields untouched). */
export function ledgerUpdate(fields: Partial<LedgerRecord>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(fields).map(([k, v]) => [ledgerPath(k), v]))
}

/** ledgerEntries */
export interface LedgerEntryDoc {
  _id: string
  orderId: string | null
  groupBuyId: string | null
  party: Party
  partyId: string
  /** `${party}:${partyId}`: one person can be a leader and a merchant, two accounts. */
  account: string
  kind: EntryKind
  amountFen: number
  state: EntryState
  /** The refund or payout this entry books (null on sales and releases). */
  refId: string | null
  createdAt: number
}

/** What the ledger knows about a paid order (stored on the order: LEDGER_FIELD), with the order's id. */
export interface LedgerOrderDoc {
  _id: string
  groupBuyId: string
  title: string
  /** 跟团号 as the order carried it at the sale (null for one paid after its group ended: never counted, never numbered). */
  seq: number | null
  terms: SplitTerms
  accounts: Record<Party, string>
  amountFen: number
  quantity: number
  /** The quantity the current split is for (less any shortage confirmed by a refund). */
  keptQuantity: number
  /** Refunds booked here (confirmed by WeChat Pay). */
  refundedFen: number
  refundIds: string[]
  /** FROZEN → AVAILABLE done (after pickup, once the after-sales window closed with no case open). */
  released: boolean
  /** When the pickup was booked (null before): the after-sales window runs from here. */
  pickedUpAt: number | null
  /**
   * Tier volume: what the order kept when picked up, less refunds booked in that same Beijing month (0 before
   * pickup), and the month it counts in.
   */
  tierFen: number
  tierMonth: string | null
  /** The leader's openid (= accounts.leader), a top-level field for the tier's query. */
  leaderId: string
  position: OrderPosition
  paidAt: number
  createdAt: number
  updatedAt: number
}

/**
 * ledgerBalances/<account>: the payout side of a payee's account (leaders and merchants), moved only by payouts, in
 * the same transaction as their entries. `heldFen` is what payouts took out of AVAILABLE and kept (held or paid; a
 * failed payout gives its amount back): a payout may hold at most the account's AVAILABLE credits minus `heldFen`.
 */
export interface LedgerBalanceDoc {
  _id: string
  party: Party
  partyId: string
  heldFen: number
  pendingPayoutFen: number
  paidOutFen: number
  /** What the payee owes (a refund took back money already paid out or held): repaid before any payout. */
  debtFen?: number
  /** Debt repayments so far (each one's entries are keyed by this count). */
  debtRepays?: number
  updatedAt: number
}

export interface PayoutDoc {
  _id: string
  account: string
  party: Party
  partyId: string
  requestId: string
  amountFen: number
  status: 'PENDING' | 'PAID' | 'FAILED'
  attempts: number
  nextAttemptAt: number
  lastError: string | null
  createdAt: number
  doneAt: number | null
  /** The transfer bill's side (absent on payouts written before 商家转账: read as REQUESTED / by status). */
  state?: PayoutState
  /** What the payee's wx.requestMerchantTransfer needs while the bill waits (null otherwise). */
  packageInfo?: string | null
  billCreatedAt?: number | null
  transferBillNo?: string | null
  /** user_name already encrypted for WeChat Pay (only from ¥2,000); cleared when the payout closes. */
  userNameCipher?: string | null
}

export function accountOf(party: Party, partyId: string): string {
  return `${party}:${partyId}`
}

export function platformAccount(): string {
  return accountOf('platform', PLATFORM_ACCOUNT_ID)
}

/** PLATFORM_FEE_BP (own group buys' platform cut, basis points), default 500. */
export function platformFeeBp(): number {
  const v = Number(process.env.PLATFORM_FEE_BP)
  return Number.isInteger(v) && v >= 0 && v <= 10_000 ? v : DEFAULT_PLATFORM_FEE_BP
}

/** COMMISSION_TIERS (`fen:bp,…`), default `0:0,500000:100,2000000:200`. */
export function commissionTiers(): Tier[] {
  return parseTiers(process.env.COMMISSION_TIERS || DEFAULT_COMMISSION_TIERS)
}
