import type { AfterSalesCaseView, AfterSalesInboxItem } from '@shared/contracts/after-sales'
import { shownName } from '@shared/domain/group-buy'
import type { UserDoc } from '@server/users/model'
import type { RefundDoc } from '@server/payments/model'
import { leadsGroupBuy, sellsGroupBuy } from '@server/group-buys/access'
import { docsOf } from '@server/paging'
import type { AfterSalesCaseDoc } from '@server/after-sales/model'

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
