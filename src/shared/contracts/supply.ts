import { z } from 'zod'
import { isPickupWindow } from '../domain/pickup'
import { cursor, epochMs, fen, id, PICKUP_WINDOW_MESSAGE, pickupWindowFields, type Page } from './common'

/** Commission is in basis points of the sale (1 bp = 0.01%); at most half the sale. */
export const MAX_COMMISSION_BP = 5000

export const supplyContract = {
  publish: z
    .object({
      productId: id,
      stock: z.number().int().min(1).max(1_000_000),
      commissionBp: z.number().int().min(0).max(MAX_COMMISSION_BP),
      minPriceFen: fen.min(1),
      maxPriceFen: fen.min(1),
      startAt: epochMs,
      endAt: epochMs,
      /** Absent = every pickup point. */
      pickupPointIds: z.array(id).min(1).max(200).optional(),
      /** A default 提货时间 for leaders' group buys of this offer (they may keep it or set their own). */
      ...pickupWindowFields,
    })
    .strict()
    .refine(isPickupWindow, { message: PICKUP_WINDOW_MESSAGE, path: ['pickupEndAt'] })
    .refine((v) => v.maxPriceFen >= v.minPriceFen, { message: '最高售价不能低于最低售价', path: ['maxPriceFen'] })
    .refine((v) => v.endAt > v.startAt, { message: '结束时间必须晚于开始时间', path: ['endAt'] }),
  listOpen: z.object({ cursor: cursor.optional() }).strict(),
  /** What the publish form needs to show, before submit, the lowest price leaders can sell at. */
  pricing: z.object({}).strict(),
  listMine: z.object({ cursor: cursor.optional() }).strict(),
  /** `format: 'csv'` also writes the list as a CSV file (发货单 to print or import) and returns its temp URL. */
  purchaseOrders: z.object({ offerId: id, format: z.enum(['json', 'csv']).optional() }).strict(),
  /** 发货 with an optional courier tracking number (快递单号); repeating it on a SHIPPED order sets the number. */
  markShipped: z.object({ purchaseOrderId: id, trackingNo: z.string().trim().regex(/^[A-Za-z0-9-]{4,40}$/, 'must be 4–40 letters, digits or -').optional() }).strict(),
} as const

export type PublishOfferInput = z.infer<typeof supplyContract.publish>

export const OFFER_STATUSES = ['UPCOMING', 'OPEN', 'ENDED'] as const
export type OfferStatus = (typeof OFFER_STATUSES)[number]

export interface OfferView {
  offerId: string
  productId: string
  merchantId: string
  product: { name: string; unit: string; spec: string; category: string; description: string; images: string[]; imageUrls: string[] }
  supplyPriceFen: number
  suggestedPriceFen: number
  minPriceFen: number
  maxPriceFen: number
  commissionBp: number
  stock: number
  /** Not yet allocated to any leader's group buy. */
  stockLeft: number
  startAt: number
  endAt: number
  /** null = every pickup point. */
  pickupPointIds: string[] | null
  /** Default 提货时间 a leader's group buy keeps unless it sets its own. */
  pickupStartAt?: number | null
  pickupEndAt?: number | null
  status: OfferStatus
  createdAt: number
}

/** An offer as a leader sees it in 货源: with the lowest price that can open from the leader's pickup point. */
export type OpenOfferView = OfferView & { lowestPriceFen: number }

export interface OfferPointProgress {
  pickupPointId: string
  name: string
  /** Units leaders at this point took from the offer (less what came back unsold). */
  allocated: number
  /** Paid units at this point. */
  sold: number
  groupBuys: number
}

export const PURCHASE_ORDER_STATUSES = ['OPEN', 'SHIPPED', 'RECEIVED'] as const
export type PurchaseOrderStatus = (typeof PURCHASE_ORDER_STATUSES)[number]

export interface PurchaseOrderView {
  purchaseOrderId: string
  offerId: string
  pickupPointId: string
  pickupPointName: string
  storeName: string
  address: string
  /** Always the sum of the paid quantities of `groupBuyIds`. */
  quantity: number
  groupBuyIds: string[]
  status: PurchaseOrderStatus
  createdAt: number
  shippedAt: number | null
  receivedAt: number | null
  /** What the leader signed off as arrived (sum over its group buys), once RECEIVED. */
  receivedQuantity: number | null
  /** 快递单号, once the merchant gave one. */
  trackingNo?: string | null
  /** The leader's phone to call about delivery (their 收货人 phone, else the point's contact phone); merchant only. */
  leaderPhone?: string | null
  supplyPriceFen?: number
  /** 货款 owed to the merchant: supply price × what arrived (once RECEIVED) or × what was ordered. */
  amountOwedFen?: number
}

export interface SupplyOutputs {
  publish: { offerId: string }
  /** `lowestPriceFen`: the lowest price in range a group buy can open at from the caller's pickup point. */
  listOpen: Page<OpenOfferView>
  listMine: Page<OfferView & { allocated: number; sold: number; points: OfferPointProgress[] }>
  purchaseOrders: { items: PurchaseOrderView[]; fileID?: string; tempFileURL?: string }
  markShipped: { status: 'SHIPPED' }
  /**
   * The inputs of the server's price rule (`publishPriceFloor` in src/shared/domain/supply.ts): the top commission
   * tier bonus (bp) and every pickup point's per-order handling fee (points without one are absent: 0).
   */
  pricing: { maxTierBonusBp: number; handlingFees: Array<{ pickupPointId: string; handlingFeeFen: number }> }
}
