import type { AfterSalesCaseView, AfterSalesInboxItem } from '@shared/contracts/after-sales'
import type { AfterSalesReason, AfterSalesStatus } from '@shared/domain/after-sales'
import { shownName } from '@shared/domain/group-buy'
import type { UserDoc } from '@server/define'
import type { RefundDoc } from '@server/payments/model'
import { leadsGroupBuy, sellsGroupBuy } from '@server/group-buys/access'
import { docsOf } from '@server/paging'

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

export const AFTER_SALES = 'afterSalesCases'
export const AFTER_SALES_TALLIES = 'afterSalesTallies'

/** The group buy's merchant (offer goods), its creator, a leader bound to its point, or an admin. */
export function canDecide(user: UserDoc, c: Pick<AfterSalesCaseDoc, 'creatorOpenid' | 'merchantId' | 'pickupPointId'>): boolean {
  return leadsGroupBuy(user, c) || sellsGroupBuy(user, c)
}

export function toCaseView(doc: AfterSalesCaseDoc, urls: ReadonlyMap<string, string>, refund: Pick<RefundDoc, 'status'> | null): AfterSalesCaseView {
  return {
    caseId: doc._id,
    orderId: doc.orderId,
    groupBuyId: doc.groupBuyId,
    title: doc.title,
    quantity: doc.quantity,
    priceFen: doc.priceFen,
    refundFen: doc.refundFen,
    reason: doc.reason,
    // An erased resident's case (user.deleteMe) keeps its quantities and refund but loses its words and photos.
    text: doc.text ?? '',
    images: doc.images ?? [],
    imageUrls: (doc.images ?? []).map((i) => urls.get(i) ?? ''),
    status: doc.status,
    note: doc.note,
    createdAt: doc.createdAt,
    decidedAt: doc.decidedAt,
    refundStatus: doc.status === 'APPROVED' ? (refund?.status ?? 'PENDING') : null,
  }
}

export function toInboxItem(doc: AfterSalesCaseDoc, urls: ReadonlyMap<string, string>, refund: Pick<RefundDoc, 'status'> | null): AfterSalesInboxItem {
  return { ...toCaseView(doc, urls, refund), maskedName: shownName(doc), pickupPointId: doc.pickupPointId }
}

/** The refunds of these approved cases, by refund id. */
export async function refundsOf(db: DB.Database, cases: readonly AfterSalesCaseDoc[]): Promise<Map<string, RefundDoc>> {
  const ids = cases.filter((c) => c.status === 'APPROVED').map((c) => c.refundId)
  if (ids.length === 0) return new Map()
  const res = await docsOf<RefundDoc>(db.collection('refunds').where({ _id: db.command.in(ids) }).limit(ids.length))
  return new Map(res.map((r) => [r._id, r]))
}
