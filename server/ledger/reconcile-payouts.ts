import type { ReconcileMismatch } from '@shared/contracts/ledger'
import type { PayoutDoc } from '@server/ledger/model'
import { transferApi, type BillReply } from '@server/ledger/transfer'
import { eachPage } from '@server/paging'

/** Bill states that moved money to the payee, and those that never will. */
const PAID_BILL = 'SUCCESS'
const UNPAID_BILL: readonly string[] = ['FAIL', 'CANCELLED']

/**
 * admin.reconcile's payouts against WeChat Pay's transfer bills (商家转账, queried by out_bill_no = the payout id): a
 * payout the ledger closed PAID must be a SUCCESS bill of the same amount to the same payee, and one it closed FAILED
 * (its money back in 可提现) must not be a SUCCESS bill — that would be money paid out and still withdrawable, paid
 * twice if withdrawn again. Before this (an audit: test/node/attacks-payouts.test.ts) the reconcile compared the
 * ledger with WeChat Pay's trades and refunds only, so a payout closed on a forged or misread outcome went unseen.
 * A payout still PENDING is being followed by settle (a bill waiting for the payee, or a retry) and is not judged.
 * Without a transfer API (not configured) no bill can exist and nothing is compared. One query per closed payout.
 */
export async function reconcilePayouts(db: DB.Database, report: (m: ReconcileMismatch) => void): Promise<number> {
  const api = transferApi()
  if (!api) return 0
  let checked = 0
  await eachPage<PayoutDoc>(db, 'payouts', { status: db.command.in(['PAID', 'FAILED']) }, async (page) => {
    for (const p of page) {
      checked++
      const bill = await api.queryBill({ out_bill_no: p._id })
      for (const m of payoutDifferences(p, bill)) report({ orderId: null, payoutId: p._id, account: p.account, kind: 'PAYOUT', ...m })
    }
  })
  return checked
}

/** How a closed payout and its bill differ (nothing when they agree). A bill not found is a bill never created. */
export function payoutDifferences(p: Pick<PayoutDoc, 'status' | 'amountFen' | 'partyId'>, bill: BillReply): Array<{ expected: unknown; actual: unknown }> {
  const state = bill.state ?? (bill.code === 'NOT_FOUND' ? 'NONE' : `ERROR ${bill.code ?? ''}`.trim())
  if (state.startsWith('ERROR')) return [{ expected: `bill of ${p.status} payout`, actual: state }]
  if (p.status === 'PAID') {
    if (state !== PAID_BILL) return [{ expected: `${PAID_BILL} ${p.amountFen}`, actual: state }]
    const out: Array<{ expected: unknown; actual: unknown }> = []
    if (bill.transfer_amount !== p.amountFen) out.push({ expected: p.amountFen, actual: bill.transfer_amount ?? null })
    if (bill.openid !== undefined && bill.openid !== p.partyId) out.push({ expected: `payee ${p.partyId}`, actual: `payee ${bill.openid}` })
    return out
  }
  // FAILED: its money went back to 可提现; the bill must not have paid.
  if (state === 'NONE' || UNPAID_BILL.includes(state)) return []
  return [{ expected: 'FAIL / CANCELLED / none', actual: state }]
}
