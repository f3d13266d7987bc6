import type { AfterSalesReason, AfterSalesStatus } from '@shared/domain/after-sales'

// The after-sales room's stored shapes (database/schema.json): afterSales cases (and their per-order tally, AFTER_SALES_TALLIES in cases.ts).

/**
 * 售后: a resident's case about a picked-up order. One case per (resident, requestId); the units asked for
 * across an order's open and approved cases are tallied in `afterSalesTallies/<orderId>` by conditional
 * increments (never past the picked-up quantity); an approval refunds `refundFen` through
 * requestPartialRefund with the case's own refund id, so however many approvals race it refunds once.
 */
export interface AfterSalesCaseDoc {
  _id: string
  orderId: string
  openid: string
  nickname: string | null
  groupBuyId: string
  pickupPointId: string
  title: string
  /** Who decides: the group buy's creator (its leader), its merchant for 帮卖 goods; leaders of its point and admins too. */
  creatorOpenid: string
  merchantId: string | null
  /** Units the case covers: asked for, then what an approval took back (decide's quantity). */
  quantity: number
  /** What the resident asked for, when an approval took back fewer units. */
  askedQuantity?: number
  priceFen: number
  refundFen: number
  reason: AfterSalesReason
  /** Absent once its author was erased (user.deleteMe). */
  text?: string
  /** When its author was erased (user.deleteMe): shown as 已注销用户 from then on. */
  erasedAt?: number
  images?: string[]
  status: AfterSalesStatus
  note: string
  requestId: string
  refundId: string
  createdAt: number
  decidedAt: number | null
  decidedBy: string | null
}
