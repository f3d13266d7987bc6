import { afterSalesContract } from '@shared/contracts/after-sales'
import { AFTER_SALES_REASON_LABELS, afterSalesRefundFen, decideAfterSalesRequest, pickedUpQuantity } from '@shared/domain/after-sales'
import { ERROR_CODES, fail, ok, type ErrorCode } from '@shared/errors'
import { AFTER_SALES, AFTER_SALES_TALLIES } from '@server/after-sales/cases'
import type { AfterSalesCaseDoc } from '@server/after-sales/model'
import { afterSalesWindowMs } from '@server/after-sales/window'
import { checkImagesExist } from '@server/catalog/products'
import { action } from '@server/define'
import type { GroupBuyDoc } from '@server/group-buys/model'
import type { OrderDoc } from '@server/orders/model'
import { findById } from '@server/fetch'
import { inTransaction, txGet } from '@server/ledger/txn'
import { afterSalesCaseIdFor, afterSalesRefundIdFor } from '@server/ids'
import { addNotice } from '@server/messages/notices'
import { attachPhotos, checkOwnPhotos, detachPhotos } from '@server/storage/uploads'

const MESSAGES: Record<string, string> = {
  [ERROR_CODES.ORDER_NOT_FOUND]: 'no such order',
  [ERROR_CODES.AFTER_SALES_NOT_PICKED_UP]: 'only a picked-up order can have after-sales',
  [ERROR_CODES.AFTER_SALES_WINDOW_CLOSED]: 'the after-sales window after pickup has closed',
  [ERROR_CODES.AFTER_SALES_QUANTITY_EXCEEDED]: 'more units than were picked up, counting earlier requests',
}

/**
 * 申请售后. The case id comes from (caller, requestId), so a replay answers with the same case. The units asked
 * for are reserved on the order's tally in the transaction that inserts the case, never past the picked-up quantity,
 * so concurrent requests of one order can never ask back more than was handed over — and never on a tally the ledger
 * closed when it released the order's money (ledger-flow's bookRelease, a transaction on the same tally), so no case
 * reaches paid-out money.
 */
export const request = action({
  access: ['resident'],
  input: afterSalesContract.request,
  async run({ caller, db, now }, input) {
    const caseId = afterSalesCaseIdFor(caller.openid, input.requestId)
    const replay = (c: AfterSalesCaseDoc) =>
      c.orderId === input.orderId ? ok({ caseId: c._id, status: c.status }) : fail(ERROR_CODES.INPUT_INVALID, 'requestId was already used for another order')
    const earlier = await findById<AfterSalesCaseDoc>(db, AFTER_SALES, caseId)
    if (earlier) return replay(earlier)

    const order = await findById<OrderDoc>(db, 'orders', input.orderId)
    if (!order) return fail(ERROR_CODES.ORDER_NOT_FOUND, 'no such order')
    const tally = await findById<{ quantity: number; closed?: boolean }>(db, AFTER_SALES_TALLIES, order._id)
    if (tally?.closed && order.openid === caller.openid) return fail(ERROR_CODES.AFTER_SALES_WINDOW_CLOSED, MESSAGES[ERROR_CODES.AFTER_SALES_WINDOW_CLOSED])
    const blocked = decideAfterSalesRequest(order, caller.openid, input.quantity, tally?.quantity ?? 0, now, afterSalesWindowMs())
    if (blocked) return fail(blocked as ErrorCode, MESSAGES[blocked])
    const images = input.images ?? []
    const missing = await checkImagesExist(images)
    if (missing) return missing
    const foreign = checkOwnPhotos(caller.openid, images, [])
    if (foreign) return foreign

    const most = pickedUpQuantity(order)
    const gb = await findById<GroupBuyDoc>(db, 'groupBuys', order.groupBuyId)
    // Leaders and merchants see copies at a path of their own, never the resident's upload folder.
    const shown = await attachPhotos(db, caller.openid, images, [], 'after-sales', now)
    const doc: AfterSalesCaseDoc = {
      _id: caseId, orderId: order._id, openid: caller.openid, nickname: order.nickname ?? null, groupBuyId: order.groupBuyId, pickupPointId: order.pickupPointId,
      title: order.title, creatorOpenid: gb?.creatorOpenid ?? '', merchantId: caseMerchantOf(gb), quantity: input.quantity, priceFen: order.priceFen,
      refundFen: afterSalesRefundFen(input.quantity, order.priceFen), reason: input.reason, text: input.text ?? '', images: shown, status: 'PENDING', note: '',
      requestId: input.requestId, refundId: afterSalesRefundIdFor(caseId), createdAt: now, decidedAt: null, decidedBy: null,
    }
    // The units and the case in one transaction: before (an audit: test/node/attacks-crash.test.ts), the tally was
    // reserved by one write and the case inserted by the next, and a call cut between them left units no case owned —
    // the resident's retry refused for ever, and the order's money never released.
    const made = await inTransaction(db, async (t): Promise<AfterSalesCaseDoc | ErrorCode> => {
      const stored = await txGet<AfterSalesCaseDoc>(t, AFTER_SALES, caseId)
      if (stored) return stored
      const tally = await txGet<{ quantity: number; closed?: boolean }>(t, AFTER_SALES_TALLIES, order._id)
      // Never on a closed tally: the ledger closes it in the transaction that releases the order's money.
      if (tally?.closed) return ERROR_CODES.AFTER_SALES_WINDOW_CLOSED
      if ((tally?.quantity ?? 0) + input.quantity > most) return ERROR_CODES.AFTER_SALES_QUANTITY_EXCEEDED
      if (tally) await t.collection(AFTER_SALES_TALLIES).doc(order._id).update({ data: { quantity: tally.quantity + input.quantity } })
      else await t.collection(AFTER_SALES_TALLIES).doc(order._id).set({ data: { quantity: input.quantity } })
      await t.collection(AFTER_SALES).add({ data: doc as unknown as Record<string, unknown> })
      return doc
    })
    if (typeof made === 'string' || made !== doc) {
      // Refused, or a concurrent replay of this requestId made the case: this call's copies are not shown.
      await detachPhotos(db, shown)
      return typeof made === 'string' ? fail(made, MESSAGES[made]) : replay(made)
    }

    const body = `「${order.title}」${input.quantity} 件申请售后（${AFTER_SALES_REASON_LABELS[input.reason]}），待处理`
    const deciders = [...new Set([doc.creatorOpenid, doc.merchantId].filter((x): x is string => !!x))]
    for (const openid of deciders) {
      await addNotice(db, `asreq_${caseId}_${deciders.indexOf(openid)}`, { openid, kind: 'AFTER_SALES_REQUESTED', title: '新的售后申请', body, page: 'pages/leader/after-sales/index' }, now)
    }
    return ok({ caseId, status: doc.status })
  },
})

/**
 * Whose merchant inbox a case lands in: a 帮卖 group buy's merchant, or a service's provider (a merchant too). Before
 * (an audit: test/node/attacks-aftersales-vouchers.test.ts) a service's cases carried no merchant: the provider was
 * told of one and could decide it, but never found it in `listForMe`, and the order's money stayed frozen.
 */
function caseMerchantOf(gb: GroupBuyDoc | null): string | null {
  if (!gb) return null
  return gb.merchantId ?? (gb.kind === 'SERVICE' ? gb.providerId ?? null : null)
}
