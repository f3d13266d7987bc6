import { createHash } from 'crypto'
import { isDuplicateWrite } from '@server/cloud'
import { crashPoint } from '@server/crash-points'
import type { GroupBuyDoc } from '@server/group-buys/model'
import { findById, updatedCount } from '@server/fetch'
import { addNotice } from '@server/messages/notices'
import type { PurchaseOrderDoc } from '@server/supply/model'
import { docsOf } from '@server/paging'

/** Later rounds exist only when a purchase order already shipped before another group buy there ended. */
const MAX_ROUNDS = 50

export function purchaseOrderIdFor(offerId: string, pickupPointId: string, round: number): string {
  return 'po' + createHash('sha256').update(`${offerId}\u0000${pickupPointId}\u0000${round}`).digest('hex').slice(0, 30)
}

/**
 * A successful offer group buy joins the (offer, pickup point) purchase order with its paid quantity — once:
 * the quantity and the group buy's id move in one conditional write that requires the id to be absent. A
 * purchase order that already shipped takes nothing more; the group buy starts the next round.
 */
export async function addToPurchaseOrder(db: DB.Database, gb: GroupBuyDoc, now: number): Promise<PurchaseOrderDoc | null> {
  if (!gb.offerId || !gb.merchantId || gb.status !== 'CLOSED' || gb.soldQuantity <= 0) return null
  const _ = db.command
  for (let round = 1; round <= MAX_ROUNDS; round++) {
    const id = purchaseOrderIdFor(gb.offerId, gb.pickupPointId, round)
    const fresh: PurchaseOrderDoc = {
      _id: id, offerId: gb.offerId, merchantId: gb.merchantId, pickupPointId: gb.pickupPointId, round, quantity: 0, groupBuyIds: [],
      receivedGroupBuyIds: [], receivedQuantity: 0, status: 'OPEN', createdAt: now, shippedAt: null, receivedAt: null,
    }
    try {
      await db.collection('purchaseOrders').add({ data: fresh })
    } catch (err) {
      if (!isDuplicateWrite(err)) throw err
    }
    const added = await db
      .collection('purchaseOrders')
      .where({ _id: id, status: 'OPEN', groupBuyIds: _.nin([gb._id]) })
      .update({ data: { quantity: _.inc(gb.soldQuantity), groupBuyIds: _.push(gb._id) } })
    const po = await findById<PurchaseOrderDoc>(db, 'purchaseOrders', id)
    if (!po) continue
    if (updatedCount(added) === 1) {
      await addNotice(db, `po_${gb._id}`, {
        openid: gb.merchantId,
        kind: 'PURCHASE_ORDER',
        title: '新的采购单',
        body: `「${gb.title}」成团 ${gb.soldQuantity} ${gb.unit}，请按采购单发货`,
        page: `pages/merchant/purchase-orders/index?offerId=${gb.offerId}`,
      }, now)
      return po
    }
    if (po.groupBuyIds.includes(gb._id)) return po
    // This round shipped (or was received) before this group buy ended: try the next round.
  }
  throw new Error(`no open purchase order round for offer ${gb.offerId} at ${gb.pickupPointId}`)
}

/** The purchase order that holds this group buy, if any. */
export async function purchaseOrderOf(db: DB.Database, gb: Pick<GroupBuyDoc, '_id' | 'offerId'>): Promise<PurchaseOrderDoc | null> {
  if (!gb.offerId) return null
  const res = await docsOf<PurchaseOrderDoc>(db.collection('purchaseOrders').where({ offerId: gb.offerId, groupBuyIds: gb._id }).limit(1))
  return res[0] ?? null
}

/**
 * The leader signed off this group buy's arrival: its received quantity joins the purchase order once (one
 * conditional write: the group buy's id and its quantity together), and the purchase order is RECEIVED when every
 * group buy in it has been signed off. A crash between the two (#27) is finished by the sign-off's next run (settle's
 * finishInterruptedArrivals, the arrival not yet finishedAt): the quantity is not added again, the status is decided.
 */
export async function receiveIntoPurchaseOrder(db: DB.Database, gb: GroupBuyDoc, receivedQuantity: number, now: number): Promise<void> {
  const po = await purchaseOrderOf(db, gb)
  if (!po) return
  const _ = db.command
  await db
    .collection('purchaseOrders')
    .where({ _id: po._id, receivedGroupBuyIds: _.nin([gb._id]) })
    .update({ data: { receivedGroupBuyIds: _.push(gb._id), receivedQuantity: _.inc(receivedQuantity) } })
  crashPoint('receive:after-quantity')
  const after = await findById<PurchaseOrderDoc>(db, 'purchaseOrders', po._id)
  if (after && after.groupBuyIds.every((id) => after.receivedGroupBuyIds.includes(id))) {
    await db.collection('purchaseOrders').where({ _id: po._id, status: _.in(['OPEN', 'SHIPPED']) }).update({ data: { status: 'RECEIVED', receivedAt: now } })
  }
  crashPoint('receive:after-status')
}
