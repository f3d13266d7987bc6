import { z } from 'zod'
import { cursor, fileId, id, requestId, type Page } from './common'
import { AFTER_SALES_REASONS, AFTER_SALES_STATUSES, type AfterSalesReason, type AfterSalesStatus } from '../domain/after-sales'

export const afterSalesContract = {
  request: z
    .object({
      orderId: id,
      quantity: z.number().int().min(1).max(999),
      reason: z.enum(AFTER_SALES_REASONS),
      text: z.string().trim().max(500).optional(),
      images: z.array(fileId).max(6).optional(),
      requestId,
    })
    .strict(),
  /**
   * `quantity`: the units an approval takes back (1 … the case's quantity; absent = all it asked for). The refund is
   * quantity × price and the ledger splits what the order keeps by those units.
   */
  decide: z.object({ caseId: id, approve: z.boolean(), quantity: z.number().int().min(1).max(999).optional(), note: z.string().trim().max(200).optional() }).strict(),
  /** My cases, newest first; `orderId` narrows to one order's. */
  listMine: z.object({ orderId: id.optional(), cursor: cursor.optional() }).strict(),
  /** Cases the caller decides: a merchant's (its offers' group buys), a leader's (their pickup point's), or all for an admin. */
  listForMe: z.object({ status: z.enum(AFTER_SALES_STATUSES).optional(), cursor: cursor.optional() }).strict(),
} as const

export interface AfterSalesCaseView {
  caseId: string
  orderId: string
  groupBuyId: string
  title: string
  quantity: number
  priceFen: number
  /** What an approval refunds: quantity × priceFen. */
  refundFen: number
  reason: AfterSalesReason
  text: string
  images: string[]
  imageUrls: string[]
  status: AfterSalesStatus
  /** The decider's note (what the resident sees on a rejection). */
  note: string
  createdAt: number
  decidedAt: number | null
  /** Set once approved: the refund's status (DONE once WeChat Pay confirmed it). */
  refundStatus: 'PENDING' | 'DONE' | null
}

export interface AfterSalesInboxItem extends AfterSalesCaseView {
  maskedName: string
  pickupPointId: string
}

export interface AfterSalesOutputs {
  request: { caseId: string; status: AfterSalesStatus }
  /** `quantity`: the units the approval takes back (0 on a rejection). */
  decide: { caseId: string; status: AfterSalesStatus; refundFen: number; quantity: number }
  listMine: Page<AfterSalesCaseView>
  listForMe: Page<AfterSalesInboxItem>
}
