import { supplyContract, type PurchaseOrderView } from '@shared/contracts/supply'
import { formatFen } from '@shared/domain/ledger'
import { ERROR_CODES, fail, ok } from '@shared/errors'
import { csvDocument, csvNumber } from '@server/csv'
import { action } from '@server/define'
import type { GroupBuyDoc } from '@server/group-buys/model'
import { findById } from '@server/fetch'
import type { ContactFields } from '@server/privacy/contact'
import { openPhone } from '@server/privacy/phone'
import type { PickupPointDoc } from '@server/pickup/model'
import { saveExport } from '@server/storage/exports'
import { toPurchaseOrderView, type OfferDoc, type PurchaseOrderDoc } from '@server/supply/model'
import { docsOf } from '@server/paging'

const STATUS_TEXT: Record<string, string> = { OPEN: '待发货', SHIPPED: '已发货', RECEIVED: '已到货' }

/**
 * One purchase order per pickup point (and round) of an offer: where to ship, how many, the 货款 owed (supply
 * price × quantity, the received quantity once signed off), the 快递单号, and the leader's phone to call about
 * delivery — the leader's own 收货人 phone (opened here, for the merchant only), else the point's contact phone.
 * With format 'csv' the list is also a CSV file (发货单) through the one CSV writer.
 */
export const purchaseOrders = action({
  access: ['merchant'],
  input: supplyContract.purchaseOrders,
  async run({ caller, db, now }, { offerId, format = 'json' }) {
    const offer = await findById<OfferDoc>(db, 'offers', offerId)
    if (!offer || offer.merchantId !== caller.openid) return fail(ERROR_CODES.SUPPLY_NOT_FOUND, 'no such offer of yours')
    const _ = db.command
    const pos = await docsOf<PurchaseOrderDoc>(db.collection('purchaseOrders').where({ offerId }).orderBy('createdAt', 'asc').limit(1000))
    // An empty round (created by a call that then found its group buy already counted elsewhere) is not shown.
    const shown = pos.filter((p) => p.groupBuyIds.length > 0)
    const pointIds = [...new Set(shown.map((p) => p.pickupPointId))]
    const firstGbIds = [...new Set(shown.map((p) => p.groupBuyIds[0]))]
    const [points, gbs] = await Promise.all([
      pointIds.length ? (await docsOf<PickupPointDoc>(db.collection('pickupPoints').where({ _id: _.in(pointIds) }).limit(pointIds.length))) : [],
      firstGbIds.length ? (await docsOf<GroupBuyDoc>(db.collection('groupBuys').where({ _id: _.in(firstGbIds) }).limit(firstGbIds.length))) : [],
    ])
    const leaderIds = [...new Set(gbs.map((g) => g.creatorOpenid))]
    const leaders = leaderIds.length
      ? (await docsOf<{ _id: string } & ContactFields>(db.collection('users').where({ _id: _.in(leaderIds) }).field({ _id: true, contact: true }).limit(leaderIds.length)))
      : []
    const pointById = new Map(points.map((p) => [p._id, p]))
    const creatorOf = new Map(gbs.map((g) => [g._id, g.creatorOpenid]))
    const leaderPhone = new Map(leaders.filter((l) => l.contact?.phoneEnc).map((l) => [l._id, openPhone(l.contact!.phoneEnc!)]))
    const items: PurchaseOrderView[] = shown.map((p) => {
      const point = pointById.get(p.pickupPointId) ?? null
      const phone = leaderPhone.get(creatorOf.get(p.groupBuyIds[0]) ?? '') ?? point?.contactPhone ?? null
      const units = p.status === 'RECEIVED' ? p.receivedQuantity : p.quantity
      return { ...toPurchaseOrderView(p, point), trackingNo: p.trackingNo ?? null, leaderPhone: phone, supplyPriceFen: offer.supplyPriceFen, amountOwedFen: units * offer.supplyPriceFen }
    })
    if (format === 'json') return ok({ items })
    const csv = csvDocument([
      ['自提点', '门店', '地址', '团长电话', '数量', '实收', '供货价', '货款', '状态', '快递单号'],
      ...items.map((it) => [
        it.pickupPointName, it.storeName, it.address, it.leaderPhone ?? '', it.quantity, it.receivedQuantity ?? '',
        csvNumber(formatFen(it.supplyPriceFen ?? 0)), csvNumber(formatFen(it.amountOwedFen ?? 0)), STATUS_TEXT[it.status] ?? it.status, it.trackingNo ?? '',
      ]),
    ])
    return ok({ items, ...(await saveExport(db, 'purchase-orders', `${offerId}-${now}.csv`, Buffer.from(csv, 'utf8'), now)) })
  },
})
