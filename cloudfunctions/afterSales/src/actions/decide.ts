import { afterSalesContract, type AfterSalesOutputs } from '@shared/contracts/after-sales'
import { afterSalesRefundFen, approvedUnits } from '@shared/domain/after-sales'
import { ERROR_CODES, fail, ok, type Result } from '@shared/errors'
import { AFTER_SALES, AFTER_SALES_TALLIES, canDecide } from '@server/after-sales/cases'
import type { AfterSalesCaseDoc } from '@server/after-sales/model'
import { action } from '@server/define'
import type { OrderDoc } from '@server/orders/model'
import { findById } from '@server/fetch'
import { inTransaction, txGet } from '@server/ledger/txn'
import { addNotice } from '@server/messages/notices'
import { partialRefundDoc, requestPartialRefund } from '@server/payments/refunds'

/**
 * 处理售后: PENDING → APPROVED or REJECTED in one transaction with what follows from it — an approval's one refund
 * (the case's own refund id), and the units going back to the order's tally (a rejection's, or those an approval of
 * fewer units did not take) — so of any number of racing decisions one wins, and a call cut off anywhere leaves all of
 * it or none. An approved case refunds quantity × price exactly once, recording the units it takes back (the ledger
 * splits what the order keeps by them); a repeat of an approval makes sure its refund exists (a keyed insert), for
 * cases decided before the two shared a transaction.
 */
export const decide = action({
  access: ['leader', 'merchant', 'admin'],
  input: afterSalesContract.decide,
  async run({ caller, db, now }, { caseId, approve, quantity, note }): Promise<Result<AfterSalesOutputs['decide']>> {
    const c = await findById<AfterSalesCaseDoc>(db, AFTER_SALES, caseId)
    if (!c || !canDecide(await caller.user(), c)) return fail(ERROR_CODES.AFTER_SALES_NOT_FOUND, 'no such after-sales case')
    // Nobody decides their own case: a leader who bought in their own group buy (or at their point) approved their
    // own refund and kept the goods at the merchant's expense (an audit: test/node/attacks-rules.test.ts). Another
    // party to it — the group buy's merchant or creator, a leader of the point, an admin — decides it.
    if (c.openid === caller.openid) return fail(ERROR_CODES.AUTH_FORBIDDEN, 'nobody decides their own after-sales case')
    const to = approve ? 'APPROVED' : 'REJECTED'
    const units = approve ? approvedUnits(c.quantity, quantity) : 0
    if (units === null) return fail(ERROR_CODES.INPUT_INVALID, `quantity: at most the ${c.quantity} units this case asked for`)
    // An approval of fewer units than asked narrows the case to them (one write with the decision).
    const narrowed = approve && units < c.quantity ? { quantity: units, askedQuantity: c.quantity, refundFen: afterSalesRefundFen(units, c.priceFen) } : {}
    const order = approve ? await findById<OrderDoc>(db, 'orders', c.orderId) : null
    if (approve && !order) throw new Error(`after-sales case ${caseId} names a missing order`)
    // The decision, what it gives back to the order's tally (the units not approved, or all of a rejection) and an
    // approval's refund, in one transaction: before (an audit: test/node/attacks-crash.test.ts), a call cut after the
    // decision's write left an approved case with no refund — no settle pass looks for one — or a rejected case's units
    // held on the tally for ever (a retry found the case decided and gave nothing back).
    const decided = await inTransaction(db, async (t): Promise<{ won: boolean; current: AfterSalesCaseDoc }> => {
      const cur = await txGet<AfterSalesCaseDoc>(t, AFTER_SALES, caseId)
      if (!cur || cur.status !== 'PENDING') return { won: false, current: cur ?? c }
      const current: AfterSalesCaseDoc = { ...cur, status: to, note: note ?? '', decidedAt: now, decidedBy: caller.openid, ...narrowed }
      await t.collection(AFTER_SALES).doc(caseId).update({ data: { status: to, note: note ?? '', decidedAt: now, decidedBy: caller.openid, ...narrowed } })
      const back = cur.quantity - units
      if (back > 0) {
        const tally = await txGet<{ quantity: number }>(t, AFTER_SALES_TALLIES, cur.orderId)
        if (tally) await t.collection(AFTER_SALES_TALLIES).doc(cur.orderId).update({ data: { quantity: tally.quantity - back } })
      }
      if (approve) await t.collection('refunds').add({ data: partialRefundDoc(order!, { refundId: cur.refundId, amountFen: current.refundFen, reason: '售后退款', units: current.quantity }, now) as unknown as Record<string, unknown> })
      return { won: true, current }
    })
    const { won, current } = decided
    if (!won && current.status !== to) return fail(ERROR_CODES.AFTER_SALES_ALREADY_DECIDED, `this case was already ${current.status.toLowerCase()}`)
    // An approval decided before its refund shared its transaction (or by a racing twin): its one refund, keyed.
    if (approve && !won) await requestPartialRefund(db, order!, { refundId: current.refundId, amountFen: current.refundFen, reason: '售后退款', units: current.quantity }, now)
    if (won) {
      const body = approve
        ? `「${c.title}」售后已同意${current.quantity < c.quantity ? `（${current.quantity}/${c.quantity} 件）` : ''}，¥${(current.refundFen / 100).toFixed(2)} 将原路退回`
        : `「${c.title}」售后未通过${note ? `：${note}` : ''}`
      await addNotice(db, `asdone_${caseId}`, { openid: c.openid, kind: 'AFTER_SALES_DECIDED', title: approve ? '售后已同意' : '售后未通过', body, page: `pages/resident/order/index?orderId=${c.orderId}` }, now)
    }
    return ok({ caseId, status: to, refundFen: approve ? current.refundFen : 0, quantity: approve ? current.quantity : 0 })
  },
})
