import type { OfferView, PurchaseOrderStatus, PurchaseOrderView } from '@shared/contracts/supply'
import { offerStatus } from '@shared/domain/supply'

/** pickupPointKeys value meaning "every pickup point" (so one indexed `in` finds offers open to a point). */
export const ALL_POINTS = '*'

/**
 * A supply offer. The product's terms are copied in when it is published, so a later edit of the product never
 * changes what leaders already sell (or the merchant's supply price on orders already paid).
 */
export interface OfferDoc {
  _id: string
  productId: string
  merchantId: string
  product: { name: string; unit: string; spec: string; category: string; description: string; images: string[] }
  supplyPriceFen: number
  suggestedPriceFen: number
  minPriceFen: number
  maxPriceFen: number
  commissionBp: number
  stock: number
  /** Not yet allocated; only ever moved by conditional increments (`stockLeft ≥ n`), never below zero. */
  stockLeft: number
  startAt: number
  endAt: number
  pickupPointIds: string[] | null
  /** [ALL_POINTS] or the chosen pickup point ids: what listOpen queries. */
  pickupPointKeys: string[]
  /** Default 提货时间 for leaders' group buys of this offer (absent/null = none). */
  pickupStartAt?: number | null
  pickupEndAt?: number | null
  createdAt: number
}

export function toOfferView(doc: OfferDoc, now: number, urls: ReadonlyMap<string, string>): OfferView {
  return {
    offerId: doc._id,
    productId: doc.productId,
    merchantId: doc.merchantId,
    product: { ...doc.product, imageUrls: doc.product.images.map((i) => urls.get(i) ?? '') },
    supplyPriceFen: doc.supplyPriceFen,
    suggestedPriceFen: doc.suggestedPriceFen,
    minPriceFen: doc.minPriceFen,
    maxPriceFen: doc.maxPriceFen,
    commissionBp: doc.commissionBp,
    stock: doc.stock,
    stockLeft: doc.stockLeft,
    startAt: doc.startAt,
    endAt: doc.endAt,
    pickupPointIds: doc.pickupPointIds,
    pickupStartAt: doc.pickupStartAt ?? null,
    pickupEndAt: doc.pickupEndAt ?? null,
    status: offerStatus(doc, now),
    createdAt: doc.createdAt,
  }
}

/** One purchase order per (offer, pickup point, round): what the merchant ships to one store. */
export interface PurchaseOrderDoc {
  _id: string
  offerId: string
  merchantId: string
  pickupPointId: string
  /** 1 for the first purchase order of this offer at this point; a later one starts once that one shipped. */
  round: number
  /** Sum of the paid quantities of groupBuyIds; moved together with groupBuyIds by one conditional write. */
  quantity: number
  groupBuyIds: string[]
  /** Group buys whose arrival was signed off, and what arrived for them. */
  receivedGroupBuyIds: string[]
  receivedQuantity: number
  status: PurchaseOrderStatus
  createdAt: number
  shippedAt: number | null
  receivedAt: number | null
  /** 快递单号 given at (or after) 发货. */
  trackingNo?: string | null
}

export function toPurchaseOrderView(doc: PurchaseOrderDoc, point: { name: string; storeName: string; address: string } | null): PurchaseOrderView {
  return {
    purchaseOrderId: doc._id,
    offerId: doc.offerId,
    pickupPointId: doc.pickupPointId,
    pickupPointName: point?.name ?? '',
    storeName: point?.storeName ?? '',
    address: point?.address ?? '',
    quantity: doc.quantity,
    groupBuyIds: doc.groupBuyIds,
    status: doc.status,
    createdAt: doc.createdAt,
    shippedAt: doc.shippedAt,
    receivedAt: doc.receivedAt,
    receivedQuantity: doc.status === 'RECEIVED' ? doc.receivedQuantity : null,
  }
}
