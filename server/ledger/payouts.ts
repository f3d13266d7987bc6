import { createHash } from 'crypto'
import { crashPoint, isCrash } from '@server/crash-points'
import { findById, updatedCount } from '@server/fetch'
import type { Party } from '@shared/domain/ledger'
import { availableOf, repayDebt, repayInTx } from '@server/ledger/debts'
import { writeEntries } from '@server/ledger/entries'
import { accountOf, type LedgerBalanceDoc, type PayoutDoc } from '@server/ledger/model'
import { DEFAULT_CONFIRM_WINDOW_MS, payoutStateForBill } from '@shared/domain/payout'
import { billFor, transferApi, type BillReply } from '@server/ledger/transfer'
import { inTransaction, txGet } from '@server/ledger/txn'
import { docsOf } from '@server/paging'
import { msSetting } from '@server/settings'

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
export async function requestPayout(db: DB.Database, party: Party, partyId: string, amountFen: number, requestId: string, now: number, opts: { userNameCipher?: string | null } = {}): Promise<PayoutRequestResult> {
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
    const payout: Omit<PayoutDoc, '_id'> = { account, party, partyId, requestId, amountFen, status: 'PENDING', attempts: 0, nextAttemptAt: now, lastError: null, createdAt: now, doneAt: null, state: 'REQUESTED', packageInfo: null, billCreatedAt: null, transferBillNo: null, userNameCipher: opts.userNameCipher ?? null }
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
/** After this many failed attempts to create its bill the payout is given up and its money goes back to AVAILABLE. */
export const MAX_PAYOUT_ATTEMPTS = 5
/** How often a bill waiting for the payee is looked up, in case its notification is late or lost. */
const BILL_CHECK_MS = 10 * 60_000

/** PAYOUT_CONFIRM_WINDOW_MS: how long a bill may wait for the payee's 确认收款 before we cancel it. */
export function confirmWindowMs(): number {
  return msSetting(process.env.PAYOUT_CONFIRM_WINDOW_MS, DEFAULT_CONFIRM_WINDOW_MS, { positive: true })
}

/**
 * Close a payout: SUCCESS (pending → paid out) or FAILED / CANCELLED (pending → back to available), once: one
 * transaction conditioned on the payout still being PENDING, so of any number of notifications, queries and settle
 * ticks reporting the same end, one moves the money and the rest change nothing.
 */
async function finish(db: DB.Database, payoutId: string, state: 'SUCCESS' | 'FAILED' | 'CANCELLED', reason: string | null, now: number): Promise<boolean> {
  const outcome = state === 'SUCCESS' ? 'PAID' : 'FAILED'
  return inTransaction(db, async (t) => {
    const p = await txGet<PayoutDoc>(t, 'payouts', payoutId)
    if (!p || p.status !== 'PENDING') return false
    // The real name's ciphertext is kept only while the bill may still need it.
    await t.collection('payouts').doc(payoutId).update({ data: { status: outcome, state, doneAt: now, lastError: reason, packageInfo: null, userNameCipher: null } })
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

export type BillOutcome = 'PAID' | 'FAILED' | 'WAITING' | 'UNCHANGED'

/**
 * Record what WeChat Pay says about a payout's bill (its reply, a query, a verified notification): a final state
 * closes the payout once; WAIT_USER_CONFIRM stores the package the payee confirms with. Anything else (a bill
 * still moving, a payout already closed, a reply about someone else's money) changes nothing.
 */
export async function applyBill(db: DB.Database, p: PayoutDoc, bill: BillReply, now: number): Promise<BillOutcome> {
  if (bill.transfer_amount !== undefined && bill.transfer_amount !== p.amountFen) return 'UNCHANGED'
  if (bill.openid !== undefined && bill.openid !== p.partyId) return 'UNCHANGED'
  const state = payoutStateForBill(bill.state)
  if (state === 'SUCCESS' || state === 'FAILED' || state === 'CANCELLED') {
    const moved = await finish(db, p._id, state, state === 'SUCCESS' ? null : bill.fail_reason ?? bill.state ?? null, now)
    // Money that came back repays an open debt at once (as a release's does): 可提现 then shows what can be
    // withdrawn, not the returned amount beside a debt a payout request would take first. A crash before this is
    // repaid by the next release or payout, as before.
    if (moved && state !== 'SUCCESS') await repayDebt(db, p.party, p.partyId, p.account, now)
    return moved ? (state === 'SUCCESS' ? 'PAID' : 'FAILED') : 'UNCHANGED'
  }
  if (state === 'WAIT_USER_CONFIRM' && bill.package_info) {
    const res = await db
      .collection('payouts')
      .where({ _id: p._id, status: 'PENDING' })
      .update({ data: { state: 'WAIT_USER_CONFIRM', packageInfo: bill.package_info, billCreatedAt: p.billCreatedAt ?? now, transferBillNo: bill.transfer_bill_no ?? null, nextAttemptAt: now + BILL_CHECK_MS, lastError: null } })
    return updatedCount(res) === 1 ? 'WAITING' : 'UNCHANGED'
  }
  return 'UNCHANGED'
}

/** Apply a bill state to the payout it names (the notification's entry point); false when there is no such payout. */
export async function applyBillByNo(db: DB.Database, bill: BillReply & { out_bill_no: string }, now: number): Promise<BillOutcome | null> {
  const p = await findById<PayoutDoc>(db, 'payouts', bill.out_bill_no)
  if (!p) return null
  return applyBill(db, p, bill, now)
}

/** Create the bill (again: the same out_bill_no) and record the answer; a failure is retried with backoff. */
async function createBill(db: DB.Database, p: PayoutDoc, now: number): Promise<BillOutcome | 'RETRYING'> {
  const api = transferApi()
  let reason: string
  let final = false
  try {
    if (!api) throw new Error('transfer API not configured (cloud.merchantTransfer or the WXPAY_* variables)')
    const res = await api.createBill(billFor(p))
    crashPoint('payout:after-transfer')
    if (res.state) {
      const applied = await applyBill(db, p, res, now)
      if (applied !== 'UNCHANGED' || payoutStateForBill(res.state) === null) return applied
      // WAIT_USER_CONFIRM without a package: ask again later like any transient failure.
    }
    reason = `${res.code ?? res.state ?? 'NO_STATE'} ${res.message ?? res.fail_reason ?? ''}`.trim()
    // WeChat Pay's own guidance: a refusal other than a server error is not retried with the same parameters.
    final = Boolean(res.code) && !/^(SYSTEM_ERROR|FREQUENCY_LIMIT|HTTP_5|FREQUENCY_LIMITED)/.test(res.code ?? '')
  } catch (err) {
    if (isCrash(err)) throw err
    reason = err instanceof Error ? err.message : String(err)
  }
  if (final || p.attempts + 1 >= MAX_PAYOUT_ATTEMPTS) {
    // A call that timed out may still have created the bill: ask before handing the money back.
    const known = api ? await api.queryBill({ out_bill_no: p._id }).catch(() => null) : null
    if (known?.state) {
      const applied = await applyBill(db, p, known, now)
      if (applied !== 'UNCHANGED' || payoutStateForBill(known.state) === null) return applied
    }
    return (await finish(db, p._id, 'FAILED', reason, now)) ? 'FAILED' : 'UNCHANGED'
  }
  await db.collection('payouts').doc(p._id).update({ data: { lastError: reason } })
  return 'RETRYING'
}

/** A bill waiting for the payee: look it up; cancel it once it has waited longer than the confirm window. */
async function followBill(db: DB.Database, p: PayoutDoc, now: number): Promise<BillOutcome | 'RETRYING'> {
  const api = transferApi()
  if (!api) return 'RETRYING'
  try {
    const known = await api.queryBill({ out_bill_no: p._id })
    const state = payoutStateForBill(known.state)
    if (state && state !== 'WAIT_USER_CONFIRM') return applyBill(db, p, known, now)
    if (now - (p.billCreatedAt ?? p.createdAt) >= confirmWindowMs()) {
      const cancelled = await api.cancelBill({ out_bill_no: p._id })
      // CANCELING settles to CANCELLED shortly (and is notified); SUCCESS means the payee confirmed meanwhile.
      if (cancelled.state) return applyBill(db, p, cancelled, now)
      const after = await api.queryBill({ out_bill_no: p._id })
      return applyBill(db, p, after, now)
    }
    const created = p.billCreatedAt ?? p.createdAt
    await db.collection('payouts').doc(p._id).update({ data: { nextAttemptAt: Math.max(now + 1, Math.min(now + BILL_CHECK_MS, created + confirmWindowMs())) } })
    return 'WAITING'
  } catch (err) {
    if (isCrash(err)) throw err
    await db.collection('payouts').doc(p._id).update({ data: { lastError: err instanceof Error ? err.message : String(err) } })
  }
  return 'RETRYING'
}

/**
 * Work one payout if it is due: leased by a conditional write first (two runs never work the same payout at once),
 * then its bill created (REQUESTED) or followed (WAIT_USER_CONFIRM).
 */
async function work(db: DB.Database, p: PayoutDoc, now: number): Promise<BillOutcome | 'RETRYING' | 'BUSY'> {
  const _ = db.command
  const backoff = RETRY_BACKOFF_MS[Math.min(p.attempts, RETRY_BACKOFF_MS.length - 1)]
  const lease = await db.collection('payouts').where({ _id: p._id, status: 'PENDING', attempts: p.attempts }).update({ data: { attempts: _.inc(1), nextAttemptAt: now + backoff } })
  if (updatedCount(lease) !== 1) return 'BUSY'
  crashPoint('payout:after-lease')
  return (p.state ?? 'REQUESTED') === 'WAIT_USER_CONFIRM' ? followBill(db, p, now) : createBill(db, p, now)
}

/** Create a new payout's bill at once (the payee can confirm right away); settle retries what this leaves. */
export async function submitPayout(db: DB.Database, payoutId: string, now: number): Promise<void> {
  const p = await findById<PayoutDoc>(db, 'payouts', payoutId)
  if (p && p.status === 'PENDING' && (p.state ?? 'REQUESTED') === 'REQUESTED' && p.nextAttemptAt <= now) await work(db, p, now)
}

/**
 * Look a payout's bill up now (after the payee's 确认收款, so the screen need not wait for the notification).
 * Only the payee's own payouts.
 */
export async function refreshPayout(db: DB.Database, payoutId: string, partyId: string, now: number): Promise<PayoutDoc | null> {
  const p = await findById<PayoutDoc>(db, 'payouts', payoutId)
  if (!p || p.partyId !== partyId) return null
  const api = transferApi()
  if (p.status === 'PENDING' && p.state === 'WAIT_USER_CONFIRM' && api) {
    const known = await api.queryBill({ out_bill_no: p._id }).catch(() => null)
    if (known?.state) await applyBill(db, p, known, now)
  }
  return findById<PayoutDoc>(db, 'payouts', payoutId)
}

/**
 * Work through due payouts (settle): create the bills of new ones, follow the bills waiting for their payee
 * (cancelling those that waited too long). The out_bill_no is the payout id, so a retry never pays twice; a payout
 * whose bill cannot be created after its retries is checked once more with WeChat Pay, then returned to AVAILABLE.
 */
export async function processDuePayouts(db: DB.Database, now: number, batch = 50): Promise<{ paid: number; retrying: number; failed: number; waiting: number }> {
  const _ = db.command
  const due = await docsOf<PayoutDoc>(db.collection('payouts').where({ status: 'PENDING', nextAttemptAt: _.lte(now) }).orderBy('nextAttemptAt', 'asc').limit(batch))
  const out = { paid: 0, retrying: 0, failed: 0, waiting: 0 }
  for (const p of due) {
    const r = await work(db, p, now)
    if (r === 'PAID') out.paid++
    else if (r === 'FAILED') out.failed++
    else if (r === 'WAITING') out.waiting++
    else if (r === 'RETRYING') out.retrying++
  }
  return out
}
