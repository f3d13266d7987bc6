import { supplyContract } from '@shared/contracts/supply'
import { ERROR_CODES, fail, ok } from '@shared/errors'
import { action } from '@server/define'
import { findById } from '@server/fetch'
import { toPurchaseOrderView, type OfferDoc, type PurchaseOrderDoc } from '@server/supply/docs'

/** One purchase order per pickup point (and round) of an offer: where to ship, how many. */
export const purchaseOrders = action({
  access: ['merchant'],
  input: supplyContract.purchaseOrders,
  async run({ caller, db }, { offerId }) {
    const offer = await findById<OfferDoc>(db, 'offers', offerId)
    if (!offer || offer.merchantId !== caller.openid) return fail(ERROR_CODES.SUPPLY_NOT_FOUND, 'no such offer of yours')
    const _ = db.command
    const pos = (await db.collection('purchaseOrders').where({ offerId }).orderBy('createdAt', 'asc').limit(1000).get()) as unknown as { data: PurchaseOrderDoc[] }
    const pointIds = [...new Set(pos.data.map((p) => p.pickupPointId))]
    const points = pointIds.length
      ? ((await db.collection('pickupPoints').where({ _id: _.in(pointIds) }).limit(pointIds.length).get()) as unknown as { data: { _id: string; name: string; storeName: string; address: string }[] }).data
      : []
    const byId = new Map(points.map((p) => [p._id, p]))
    // An empty round (created by a call that then found its group buy already counted elsewhere) is not shown.
    const items = pos.data.filter((p) => p.groupBuyIds.length > 0).map((p) => toPurchaseOrderView(p, byId.get(p.pickupPointId) ?? null))
    return ok({ items })
  },
})
