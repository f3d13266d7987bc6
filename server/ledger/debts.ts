import type { Party } from '@shared/domain/ledger'
import { writeEntries } from '@server/ledger/entries'
import type { LedgerBalanceDoc } from '@server/ledger/model'
import { inTransaction, txGet, type Tx } from '@server/ledger/txn'
import { findById } from '@server/fetch'

/**
 * A payee's debt: what a refund had to take back from money the payee no longer had available (paid out, or held by
 * a payout). Balances never go below 0: the refund takes what is there and records the rest as DEBT entries and on
 * the payee's `ledgerBalances` document; later AVAILABLE earnings repay it (DEBT_REPAY entries) before any payout.
 * Every step writes that document, so refunds, repayments and payouts of one payee are serialised by it.
 */

/** AVAILABLE money the account's sales, releases, reversals and repayments credited (payouts' own entries left out). */
export async function creditedAvailable(db: DB.Database, account: string): Promise<number> {
  const _ = db.command
  const $ = _.aggregate
  const res = (await db.collection('ledgerEntries').aggregate().match({ account, state: 'AVAILABLE', kind: _.neq('PAYOUT') }).group({ _id: null, total: $.sum('$amountFen') }).end()) as unknown as { list: { total: number }[] }
  return res.list[0]?.total ?? 0
}

/** What the payee may take out of AVAILABLE now: credited less what payouts hold. */
export async function availableOf(db: DB.Database, account: string, bal: LedgerBalanceDoc | null): Promise<number> {
  return (await creditedAvailable(db, account)) - (bal?.heldFen ?? 0)
}

/** Inside a transaction: write the payee's balance document (created if absent) with these changes. */
export async function touchBalance(t: Tx, account: string, bal: LedgerBalanceDoc | null, party: Party, partyId: string, d: { debtFen?: number; debtRepays?: number }, now: number): Promise<void> {
  const fields = { debtFen: (bal?.debtFen ?? 0) + (d.debtFen ?? 0), debtRepays: (bal?.debtRepays ?? 0) + (d.debtRepays ?? 0), updatedAt: now }
  if (bal) await t.collection('ledgerBalances').doc(account).update({ data: fields })
  else await t.collection('ledgerBalances').doc(account).set({ data: { party, partyId, heldFen: 0, pendingPayoutFen: 0, paidOutFen: 0, ...fields } })
}

/**
 * Inside a transaction that already read `bal`: repay as much of the debt as `availableFen` covers (an AVAILABLE
 * −r and DEBT +r pair, keyed by the repayment's number). Returns what was repaid, so the caller's view of the
 * available money can be lowered by it (the entries are not visible to reads until the commit).
 */
export async function repayInTx(t: Tx, account: string, bal: LedgerBalanceDoc | null, party: Party, partyId: string, availableFen: number, now: number): Promise<number> {
  const debt = bal?.debtFen ?? 0
  const r = Math.min(debt, Math.max(0, availableFen))
  if (r <= 0) return 0
  const n = (bal?.debtRepays ?? 0) + 1
  const common = { orderId: null, groupBuyId: null, party, partyId, kind: 'DEBT_REPAY' as const, refId: null }
  await writeEntries(t, [
    { ...common, id: `dr_${account}_${n}_a`, amountFen: -r, state: 'AVAILABLE' },
    { ...common, id: `dr_${account}_${n}_d`, amountFen: r, state: 'DEBT' },
  ], now)
  await touchBalance(t, account, bal, party, partyId, { debtFen: -r, debtRepays: 1 }, now)
  return r
}

/** Repay a payee's debt from what they have available now (after a release credited them). */
export async function repayDebt(db: DB.Database, party: Party, partyId: string, account: string, now: number): Promise<number> {
  // Nearly every payee owes nothing: one read, no transaction (#23). A debt written just after this read is repaid
  // by the next release or, at the latest, by the payout, which repays inside its own transaction before paying.
  const seen = await findById<LedgerBalanceDoc>(db, 'ledgerBalances', account)
  if (!(seen?.debtFen ?? 0)) return 0
  return inTransaction(db, async (t) => {
    const bal = await txGet<LedgerBalanceDoc>(t, 'ledgerBalances', account)
    if (!bal || !(bal.debtFen ?? 0)) return 0
    return repayInTx(t, account, bal, party, partyId, await availableOf(db, account, bal), now)
  })
}
