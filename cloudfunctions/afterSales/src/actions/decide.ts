import { afterSalesContract, type AfterSalesOutputs } from '@shared/contracts/after-sales'
import { ERROR_CODES, fail, ok, type Result } from '@shared/errors'
import { AFTER_SALES, AFTER_SALES_TALLIES, canDecide, type AfterSalesCaseDoc } from '@server/after-sales/cases'
import { action } from '@server/define'
import type { OrderDoc } from '@server/docs'
import { findById, updatedCount } from '@server/fetch'
import { addNotice } from '@server/messages/notices'
import { requestPartialRefund } from '@server/payments/refunds'

/**
 * 处理售后: PENDING → APPROVED or REJECTED, one conditional write, so of any number of racing decisions one
 * wins. Every approval call (the winner, a racing twin, a retry after a cut-off call) makes sure the case's one
 * refund exists — requestPartialRefund with the case's own refund id is a keyed insert — so an approved case
 * refunds quantity × price exactly once. A rejection hands the units back to the order's tally.
 */
export const decide = action({
  access: ['leader', 'merchant', 'admin'],
  input: afterSalesContract.decide,
  async run({ caller, db, now }, { caseId, approve, note }): Promise<Result<AfterSalesOutputs['decide']>> {
    const _ = db.command
    const c = await findById<AfterSalesCaseDoc>(db, AFTER_SALES, caseId)
    if (!c || !canDecide(await caller.user(), c)) return fail(ERROR_CODES.AFTER_SALES_NOT_FOUND, 'no such after-sales case')
    const to = approve ? 'APPROVED' : 'REJECTED'
    const won = updatedCount(
      await db.collection(AFTER_SALES).where({ _id: caseId, status: 'PENDING' }).update({ data: { status: to, note: note ?? '', decidedAt: now, decidedBy: caller.openid } }),
    ) === 1
    if (!won) {
      const current = (await findById<AfterSalesCaseDoc>(db, AFTER_SALES, caseId)) ?? c
      if (current.status !== to) return fail(ERROR_CODES.AFTER_SALES_ALREADY_DECIDED, `this case was already ${current.status.toLowerCase()}`)
    }
    if (approve) {
      const order = await findById<OrderDoc>(db, 'orders', c.orderId)
      if (!order) throw new Error(`after-sales case ${caseId} names a missing order`)
      await requestPartialRefund(db, order, { refundId: c.refundId, amountFen: c.refundFen, reason: '售后退款' }, now)
    } else if (won) {
      await db.collection(AFTER_SALES_TALLIES).doc(c.orderId).update({ data: { quantity: _.inc(-c.quantity) } })
    }
    if (won) {
      const body = approve
        ? `「${c.title}」售后已同意，¥${(c.refundFen / 100).toFixed(2)} 将原路退回`
        : `「${c.title}」售后未通过${note ? `：${note}` : ''}`
      await addNotice(db, `asdone_${caseId}`, { openid: c.openid, kind: 'AFTER_SALES_DECIDED', title: approve ? '售后已同意' : '售后未通过', body, page: `pages/resident/order/index?orderId=${c.orderId}` }, now)
    }
    return ok({ caseId, status: to, refundFen: approve ? c.refundFen : 0 })
  },
})
