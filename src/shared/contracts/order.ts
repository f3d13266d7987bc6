import { z } from 'zod'
import type { OrderDeliveryView } from './delivery'
import { cursor, id, type Page, type PickupPlaceView } from './common'
import type { VoucherView } from '../domain/voucher'

export const ORDER_STATUSES = [
  'PENDING_PAYMENT',
  'PAID',
  'READY_FOR_PICKUP',
  'PICKED_UP',
  'CANCELLED',
  'EXPIRED',
  'REFUNDING',
  'REFUNDED',
] as const
export type OrderStatus = (typeof ORDER_STATUSES)[number]

export const orderContract = {
  listMine: z.object({ cursor: cursor.optional() }).strict(),
  get: z.object({ orderId: id }).strict(),
  cancel: z.object({ orderId: id }).strict(),
} as const

export interface OrderView {
  orderId: string
  groupBuyId: string
  title: string
  quantity: number
  priceFen: number
  amountFen: number
  status: OrderStatus
  createdAt: number
  expiresAt: number
  paidAt: number | null
  readyAt: number | null
  pickedUpAt: number | null
  refundedAt: number | null
  /** Only for the order's owner, only once READY_FOR_PICKUP (or after, for the record). */
  pickupCode: string | null
  pickupExpiresAt: number | null
  /** What will be (or was) handed over: the quantity, less any shortage at arrival. */
  servedQuantity: number
  /** Refunded so far, for any reason (failed group, shortage, after-sales). */
  refundedFen: number
  /** 阶梯价: the difference refunded ((paid − final) × quantity) and the final unit price; absent without tiers. */
  tierRefundFen?: number
  finalPriceFen?: number
  /** The resident's choice for a failed group (absent = REFUND). */
  onFail?: 'ROLL_OVER'
  /**
   * 拼团未成，保留到下一团: HELD = its group failed and it waits (until `until`) for the leader's next group;
   * MOVED = it now belongs to that group (`groupBuyEndAt` its end, `refundFen` the price difference given back,
   * `cancellable` until that group's 成团). Only `order.get` fills in MOVED's group details.
   */
  rollOver?: { state: 'HELD'; until: number } | { state: 'MOVED'; fromGroupBuyId: string; refundFen: number; groupBuyEndAt?: number; cancellable?: boolean }
  /** 跟团号 (the order's place in its group buy's join order); only `get` fills it in. */
  seq?: number
  /** 配送到家 (#25): building, room, slot and the fee included in amountFen; absent = 到店自提. */
  delivery?: OrderDeliveryView
  /** #25: an order of a service carries its slot and voucher (code and QR once paid); absent on goods. */
  voucher?: VoucherView
}

export interface OrderPickupInfo {
  place: PickupPlaceView | null
  pickupStartAt: number | null
  pickupEndAt: number | null
}

export interface OrderOutputs {
  listMine: Page<OrderView>
  /**
   * `pickup`: 自提点 (name, address, 营业时间, contact phone) and 提货时间; `pickedQuantity`: handed over so far
   * (部分提货); `delegateCode`: the outstanding 代取 code, if any (READY orders only); `afterSalesUntil`: the last
   * moment a 售后 case may be opened (pickedUpAt + the deployment's after-sales window), null until picked up.
   */
  get: { order: OrderView & { seq: number | null; pickup?: OrderPickupInfo; pickedQuantity?: number; delegateCode?: string | null; afterSalesUntil?: number | null } }
  cancel: { order: OrderView }
}
