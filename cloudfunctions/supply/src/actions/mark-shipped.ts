import { supplyContract } from '@shared/contracts/supply'
import { ERROR_CODES, fail, ok } from '@shared/errors'
import { action } from '@server/define'
import type { GroupBuyDoc } from '@server/group-buys/model'
import { findById, updatedCount } from '@server/fetch'
import { addNotice } from '@server/messages/notices'
import type { PurchaseOrderDoc } from '@server/supply/model'

/** 发货: OPEN → SHIPPED once; each group buy's leader is told. A repeat (or a received order) changes nothing. */
export const markShipped = action({
  access: ['merchant'],
  input: supplyContract.markShipped,
  async run({ caller, db, now }, { purchaseOrderId, trackingNo }) {
    const po = await findById<PurchaseOrderDoc>(db, 'purchaseOrders', purchaseOrderId)
    if (!po || po.merchantId !== caller.openid || po.groupBuyIds.length === 0) return fail(ERROR_CODES.PURCHASE_ORDER_NOT_FOUND, 'no such purchase order of yours')
    const moved = await db.collection('purchaseOrders').where({ _id: po._id, status: 'OPEN' }).update({ data: { status: 'SHIPPED', shippedAt: now, ...(trackingNo ? { trackingNo } : {}) } })
    // A tracking number given after 发货 (or corrected) is set on the shipped order.
    if (updatedCount(moved) !== 1 && trackingNo) await db.collection('purchaseOrders').where({ _id: po._id, status: 'SHIPPED' }).update({ data: { trackingNo } })
    if (updatedCount(moved) === 1) {
      for (const gbId of po.groupBuyIds) {
        const gb = await findById<GroupBuyDoc>(db, 'groupBuys', gbId)
        if (!gb) continue
        await addNotice(db, `shipped_${po._id.slice(2, 30)}_${gbId.slice(0, 24)}`, {
          openid: gb.creatorOpenid,
          kind: 'SHIPPED',
          title: '货已发出',
          body: `「${gb.title}」${po.quantity} ${gb.unit} 已发往自提点${trackingNo ? `（快递单号 ${trackingNo}）` : ''}，到货后请确认收货`,
          page: `pages/leader/group/index?groupBuyId=${gbId}`,
        }, now)
      }
    }
    return ok({ status: 'SHIPPED' as const })
  },
})
