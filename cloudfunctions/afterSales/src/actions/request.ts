import { afterSalesContract } from '@shared/contracts/after-sales'
import { AFTER_SALES_REASON_LABELS, afterSalesRefundFen, decideAfterSalesRequest, pickedUpQuantity } from '@shared/domain/after-sales'
import { ERROR_CODES, fail, ok, type ErrorCode } from '@shared/errors'
import { AFTER_SALES, AFTER_SALES_TALLIES } from '@server/after-sales/cases'
import type { AfterSalesCaseDoc } from '@server/after-sales/model'
import { afterSalesWindowMs } from '@server/after-sales/window'
import { checkImagesExist } from '@server/catalog/products'
import { isDuplicateWrite } from '@server/cloud'
import { action } from '@server/define'
import type { GroupBuyDoc } from '@server/group-buys/model'
import type { OrderDoc } from '@server/orders/model'
import { findById, updatedCount } from '@server/fetch'
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
 * 申请售后. The case id comes from (caller, requestId), so a replay answers with the same case. The units
 * asked for are reserved on the order's tally first, by a conditional write that never passes the picked-up
 * quantity, so concurrent requests of one order can never ask back more than was handed over — and never on a tally
 * the ledger closed when it released the order's money (ledger-flow's bookRelease), so no case reaches paid-out money.
 */
export const request = action({
  access: ['resident'],
  input: afterSalesContract.request,
  async run({ caller, db, now }, input) {
    const _ = db.command
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
    if (!(await reserve())) {
      const stored = await findById<AfterSalesCaseDoc>(db, AFTER_SALES, caseId)
      if (stored) return replay(stored)
      // The ledger released the order's money meanwhile (its window closed): no case can reach it any more.
      if ((await findById<{ closed?: boolean }>(db, AFTER_SALES_TALLIES, order._id))?.closed) return fail(ERROR_CODES.AFTER_SALES_WINDOW_CLOSED, MESSAGES[ERROR_CODES.AFTER_SALES_WINDOW_CLOSED])
      return fail(ERROR_CODES.AFTER_SALES_QUANTITY_EXCEEDED, MESSAGES[ERROR_CODES.AFTER_SALES_QUANTITY_EXCEEDED])
    }

    const gb = await findById<GroupBuyDoc>(db, 'groupBuys', order.groupBuyId)
    // Leaders and merchants see copies at a path of their own, never the resident's upload folder.
    const shown = await attachPhotos(db, caller.openid, images, [], 'after-sales', now)
    const doc: AfterSalesCaseDoc = {
      _id: caseId, orderId: order._id, openid: caller.openid, nickname: order.nickname ?? null, groupBuyId: order.groupBuyId, pickupPointId: order.pickupPointId,
      title: order.title, creatorOpenid: gb?.creatorOpenid ?? '', merchantId: gb?.merchantId ?? null, quantity: input.quantity, priceFen: order.priceFen,
      refundFen: afterSalesRefundFen(input.quantity, order.priceFen), reason: input.reason, text: input.text ?? '', images: shown, status: 'PENDING', note: '',
      requestId: input.requestId, refundId: afterSalesRefundIdFor(caseId), createdAt: now, decidedAt: null, decidedBy: null,
    }
    try {
      await db.collection(AFTER_SALES).add({ data: doc })
    } catch (err) {
      const stored = await findById<AfterSalesCaseDoc>(db, AFTER_SALES, caseId)
      // Not a duplicate, yet the case is there: our insert landed despite the error, and it holds the units.
      if (stored && !isDuplicateWrite(err) && stored.createdAt === now) return replay(stored)
      await detachPhotos(db, shown)
      // A concurrent replay of this requestId made the case (or nothing was made): give back what this call reserved.
      await db.collection(AFTER_SALES_TALLIES).doc(order._id).update({ data: { quantity: _.inc(-input.quantity) } })
      if (stored) return replay(stored)
      throw err
    }

    const body = `「${order.title}」${input.quantity} 件申请售后（${AFTER_SALES_REASON_LABELS[input.reason]}），待处理`
    const deciders = [...new Set([doc.creatorOpenid, doc.merchantId].filter((x): x is string => !!x))]
    for (const openid of deciders) {
      await addNotice(db, `asreq_${caseId}_${deciders.indexOf(openid)}`, { openid, kind: 'AFTER_SALES_REQUESTED', title: '新的售后申请', body, page: 'pages/leader/after-sales/index' }, now)
    }
    return ok({ caseId, status: doc.status })

    async function reserve(): Promise<boolean> {
      if (input.quantity > most) return false
      try {
        await db.collection(AFTER_SALES_TALLIES).add({ data: { _id: order!._id, quantity: input.quantity } })
        return true
      } catch (err) {
        if (!isDuplicateWrite(err)) throw err
      }
      // Never on a closed tally: the ledger closes it in the transaction that releases the order's money.
      const res = await db.collection(AFTER_SALES_TALLIES).where({ _id: order!._id, quantity: _.lte(most - input.quantity), closed: _.neq(true) }).update({ data: { quantity: _.inc(input.quantity) } })
      return updatedCount(res) === 1
    }
  },
})
