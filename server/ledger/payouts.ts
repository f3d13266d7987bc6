import { createHash } from 'crypto'
import { crashPoint, isCrash } from '@server/crash-points'
import { findById, updatedCount } from '@server/fetch'
import type { Party } from '@shared/domain/ledger'
import { availableOf, repayInTx } from '@server/ledger/debts'
import { writeEntries } from '@server/ledger/entries'
import { accountOf, type LedgerBalanceDoc, type PayoutDoc } from '@server/ledger/model'
import { transfer, transferSucceeded } from '@server/ledger/transfer'
import { inTransaction, txGet } from '@server/ledger/txn'

export function payoutIdFor(account: string, requestId: string): string {
  return 'po' + createHash('sha256').update(`payout\u0000${account}\u0000${requestId}`).digest('hex').slice(0, 30)
}

export type PayoutRequestResult = { payoutId: string; status: PayoutDoc['status']; amountFen: number } | 'INSUFFICIENT' | 'REQUEST_REUSED'

function balanceFields(bal: LedgerBalanceDoc | null, party: Party, partyId: string, d: { heldFen: number; pendingPayoutFen: number; paidOutFen: number }, now: number) {
  return {
    party,
    partyId,
    heldFen: (bal?.heldFen ?? 0) + d.heldFen,
    pendingPayoutFen: (bal?.pendingPayoutFen ?? 0) + d.pendingPayoutFen,
    paidOutFen: (bal?.paidOutFen ?? 0) + d.paidOutFen,
    updatedAt: now,
  }
}

/**
 * Hold `amountFen` out of the account's AVAILABLE balance for a payout: one transaction over the account's payout
 * document (plus the payout and its two entries). Available = what sales and releases credited − what payouts
 * hold − any debt (repaid first, debts.ts); the credits are read fresh on every attempt, anything that lowers them
 * (a refund taking back released money) writes the same document, and every hold writes the
 * payout document, so of any number of concurrent requests only those the balance covers at their commit succeed:
 * the others retry, see the larger hold and are refused. The same requestId always answers with the same payout.
 */
export async function requestPayout(db: DB.Database, party: Party, partyId: string, amountFen: number, requestId: string, now: number): Promise<PayoutRequestResult> {
  const account = accountOf(party, partyId)
  const payoutId = payoutIdFor(account, requestId)
  const answer = (p: PayoutDoc): PayoutRequestResult => (p.amountFen !== amountFen ? 'REQUEST_REUSED' : { payoutId, status: p.status, amountFen })
  const existing = await findById<PayoutDoc>(db, 'payouts', payoutId)
  if (existing) return answer(existing)
  return inTransaction(db, async (t) => {
    const prior = await txGet<PayoutDoc>(t, 'payouts', payoutId)
    if (prior) return answer(prior)
    const bal = await txGet<LedgerBalanceDoc>(t, 'ledgerBalances', account)
    let available = await availableOf(db, account, bal)
    // A debt (a refund took back money already paid out) is repaid from what is available before any payout.
    available -= await repayInTx(t, account, bal, party, partyId, available, now)
    if (available < amountFen) return 'INSUFFICIENT' as const
    const fields = balanceFields(bal, party, partyId, { heldFen: amountFen, pendingPayoutFen: amountFen, paidOutFen: 0 }, now)
    if (bal) await t.collection('ledgerBalances').doc(account).update({ data: fields })
    else await t.collection('ledgerBalances').doc(account).set({ data: fields })
    const payout: Omit<PayoutDoc, '_id'> = { account, party, partyId, requestId, amountFen, status: 'PENDING', attempts: 0, nextAttemptAt: now, lastError: null, createdAt: now, doneAt: null }
    await t.collection('payouts').doc(payoutId).set({ data: payout as unknown as Record<string, unknown> })
    const common = { orderId: null, groupBuyId: null, party, partyId, kind: 'PAYOUT' as const, refId: payoutId }
    await writeEntries(t, [
      { ...common, id: `${payoutId}_hold_a`, amountFen: -amountFen, state: 'AVAILABLE' },
      { ...common, id: `${payoutId}_hold_p`, amountFen, state: 'PAYOUT_PENDING' },
    ], now)
    return { payoutId, status: 'PENDING' as const, amountFen }
  })
}

const RETRY_BACKOFF_MS = [60_000, 5 * 60_000, 30 * 60_000, 2 * 3600_000]
/** After this many failed attempts the payout is given up and its money goes back to AVAILABLE. */
export const MAX_PAYOUT_ATTEMPTS = 5

/** Close a payout: PAID (pending → paid out) or FAILED (pending → back to available), once. */
async function finish(db: DB.Database, payoutId: string, outcome: 'PAID' | 'FAILED', reason: string | null, now: number): Promise<boolean> {
  return inTransaction(db, async (t) => {
    const p = await txGet<PayoutDoc>(t, 'payouts', payoutId)
    if (!p || p.status !== 'PENDING') return false
    await t.collection('payouts').doc(payoutId).update({ data: { status: outcome, doneAt: now, lastError: reason } })
    const bal = await txGet<LedgerBalanceDoc>(t, 'ledgerBalances', p.account)
    const d = outcome === 'PAID' ? { heldFen: 0, pendingPayoutFen: -p.amountFen, paidOutFen: p.amountFen } : { heldFen: -p.amountFen, pendingPayoutFen: -p.amountFen, paidOutFen: 0 }
    await t.collection('ledgerBalances').doc(p.account).update({ data: balanceFields(bal, p.party, p.partyId, d, now) })
    const common = { orderId: null, groupBuyId: null, party: p.party, partyId: p.partyId, kind: 'PAYOUT' as const, refId: payoutId }
    await writeEntries(t, [
      { ...common, id: `${payoutId}_done_p`, amountFen: -p.amountFen, state: 'PAYOUT_PENDING' },
      { ...common, id: `${payoutId}_done_${outcome === 'PAID' ? 'o' : 'a'}`, amountFen: p.amountFen, state: outcome === 'PAID' ? 'PAID_OUT' : 'AVAILABLE' },
    ], now)
    return true
  })
}

/**
 * Work through due payouts (settle). Each is leased by a conditional write before the transfer call, so two
 * runs never transfer the same payout at once; the out_bill_no is the payout id, so a retry never pays twice.
 * A payout that keeps failing is checked once more with the payment system, then returned to AVAILABLE.
 */
export async function processDuePayouts(db: DB.Database, now: number, batch = 50): Promise<{ paid: number; retrying: number; failed: number }> {
  const _ = db.command
  const due = (await db.collection('payouts').where({ status: 'PENDING', nextAttemptAt: _.lte(now) }).orderBy('nextAttemptAt', 'asc').limit(batch).get()) as unknown as { data: PayoutDoc[] }
  const out = { paid: 0, retrying: 0, failed: 0 }
  for (const p of due.data) {
    const backoff = RETRY_BACKOFF_MS[Math.min(p.attempts, RETRY_BACKOFF_MS.length - 1)]
    const lease = await db.collection('payouts').where({ _id: p._id, status: 'PENDING', attempts: p.attempts }).update({ data: { attempts: _.inc(1), nextAttemptAt: now + backoff } })
    if (updatedCount(lease) !== 1) continue
    crashPoint('payout:after-lease')
    let reason: string
    let final = false
    try {
      const res = await transfer(p._id, p.partyId, p.amountFen)
      crashPoint('payout:after-transfer')
      if (res.ok) {
        if (await finish(db, p._id, 'PAID', null, now)) out.paid++
        continue
      }
      reason = res.reason
      final = res.final
    } catch (err) {
      if (isCrash(err)) throw err
      reason = err instanceof Error ? err.message : String(err)
    }
    if (final || p.attempts + 1 >= MAX_PAYOUT_ATTEMPTS) {
      // A call that timed out may still have paid: ask before handing the money back.
      const paid = await transferSucceeded(p._id).catch(() => false)
      if (await finish(db, p._id, paid ? 'PAID' : 'FAILED', paid ? null : reason, now)) out[paid ? 'paid' : 'failed']++
      continue
    }
    await db.collection('payouts').doc(p._id).update({ data: { lastError: reason } })
    out.retrying++
  }
  return out
}
