import { afterSalesContract, type AfterSalesOutputs } from '@shared/contracts/after-sales'
import { afterSalesRefundFen, approvedUnits } from '@shared/domain/after-sales'
import { ERROR_CODES, fail, ok, type Result } from '@shared/errors'
import { AFTER_SALES, AFTER_SALES_TALLIES, canDecide } from '@server/after-sales/cases'
import type { AfterSalesCaseDoc } from '@server/after-sales/model'
import { action } from '@server/define'
import type { OrderDoc } from '@server/orders/model'
import { findById, updatedCount } from '@server/fetch'
import { addNotice } from '@server/messages/notices'
import { requestPartialRefund } from '@server/payments/refunds'

/**
 * 处理售后: PENDING → APPROVED or REJECTED, one conditional write, so of any number of racing decisions one
 * wins. Every approval call (the winner, a racing twin, a retry after a cut-off call) makes sure the case's one
 * refund exists — requestPartialRefund with the case's own refund id is a keyed insert — so an approved case
 * refunds quantity × price exactly once, recording the units it takes back (the ledger splits what the order keeps
 * by them). `quantity` approves fewer units than asked; a rejection (or the units not approved) go back to the
 * order's tally.
 */
export const decide = action({
  access: ['leader', 'merchant', 'admin'],
  input: afterSalesContract.decide,
  async run({ caller, db, now }, { caseId, approve, quantity, note }): Promise<Result<AfterSalesOutputs['decide']>> {
    const _ = db.command
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
    const won = updatedCount(
      await db.collection(AFTER_SALES).where({ _id: caseId, status: 'PENDING', quantity: c.quantity }).update({ data: { status: to, note: note ?? '', decidedAt: now, decidedBy: caller.openid, ...narrowed } }),
    ) === 1
    // What was decided (by this call or the one that won): the stored case.
    const current = won ? { ...c, status: to, ...narrowed } : ((await findById<AfterSalesCaseDoc>(db, AFTER_SALES, caseId)) ?? c)
    if (!won && current.status !== to) return fail(ERROR_CODES.AFTER_SALES_ALREADY_DECIDED, `this case was already ${current.status.toLowerCase()}`)
    if (approve) {
      const order = await findById<OrderDoc>(db, 'orders', c.orderId)
      if (!order) throw new Error(`after-sales case ${caseId} names a missing order`)
      // The units not approved go back to the order's tally (once: only the winning write narrowed the case).
      if (won && units < c.quantity) await db.collection(AFTER_SALES_TALLIES).doc(c.orderId).update({ data: { quantity: _.inc(units - c.quantity) } })
      await requestPartialRefund(db, order, { refundId: current.refundId, amountFen: current.refundFen, reason: '售后退款', units: current.quantity }, now)
    } else if (won) {
      await db.collection(AFTER_SALES_TALLIES).doc(c.orderId).update({ data: { quantity: _.inc(-c.quantity) } })
    }
    if (won) {
      const body = approve
        ? `「${c.title}」售后已同意${current.quantity < c.quantity ? `（${current.quantity}/${c.quantity} 件）` : ''}，¥${(current.refundFen / 100).toFixed(2)} 将原路退回`
        : `「${c.title}」售后未通过${note ? `：${note}` : ''}`
      await addNotice(db, `asdone_${caseId}`, { openid: c.openid, kind: 'AFTER_SALES_DECIDED', title: approve ? '售后已同意' : '售后未通过', body, page: `pages/resident/order/index?orderId=${c.orderId}` }, now)
    }
    return ok({ caseId, status: to, refundFen: approve ? current.refundFen : 0, quantity: approve ? current.quantity : 0 })
  },
})
