import { chinaDayNumber } from '@shared/domain/calendar'
import { addRefund, addSale, sameRollups, type RefundsByDay, type SalesByDay } from '@shared/domain/insight'
import type { GroupBuyDoc } from '@server/group-buys/model'
import type { OrderDoc } from '@server/orders/model'
import { findById } from '@server/fetch'
import type { RefundDoc } from '@server/payments/model'
import { docsOf } from '@server/paging'

const PAGE = 1000

/**
 * The dashboard's rollups (#23) re-derived from what they sum: every order paid in the group buy (`paidIn`, or its
 * group buy for an order paid before the rollups existed) by the China day it was paid, and every order refund of
 * it whose order has booked it (`refundIds`: the same transaction moves the rollup) by the day it was confirmed.
 * Read-only: it proves the rollups the payments and refunds keep (the bench prints rollup = recount; the tests
 * compare them after every flow).
 */
export async function recountRollups(db: DB.Database, groupBuyId: string): Promise<{ sales: SalesByDay; refunds: RefundsByDay }> {
  const _ = db.command
  const sales: SalesByDay = {}
  const seen = new Set<string>()
  const add = (o: OrderDoc) => {
    if (seen.has(o._id) || o.paidAt === null || (o.paidIn ?? o.groupBuyId) !== groupBuyId) return
    seen.add(o._id)
    // Counted by the payment's count transaction: an order between PAID and its count is not in the rollup yet.
    if (!o.countedAt) return
    addSale(sales, chinaDayNumber(o.paidAt), o.quantity, o.amountFen)
  }
  // Keyset pages on the orders' paid_in and groupbuy_paid indexes, the refunds' groupbuy_done (a recount reads them all).
  for (let last = ''; ; ) {
    const docs = await docsOf<OrderDoc>(db.collection('orders').where({ paidIn: groupBuyId, _id: _.gt(last) }).orderBy('_id', 'asc').limit(PAGE))
    docs.forEach(add)
    if (docs.length < PAGE) break
    last = docs[docs.length - 1]._id
  }
  for (let last = ''; ; ) {
    const docs = await docsOf<OrderDoc>(db.collection('orders').where({ groupBuyId, paidAt: _.gt(0), _id: _.gt(last) }).orderBy('_id', 'asc').limit(PAGE))
    docs.forEach(add)
    if (docs.length < PAGE) break
    last = docs[docs.length - 1]._id
  }

  const refunds: RefundsByDay = {}
  const eachRefundPage = async (each: (docs: RefundDoc[]) => Promise<void>) => {
    for (let last = ''; ; ) {
      const docs = await docsOf<RefundDoc>(db.collection('refunds').where({ groupBuyId, doneAt: _.gt(0), _id: _.gt(last) }).orderBy('_id', 'asc').limit(PAGE))
      await each(docs.filter((r) => r.status === 'DONE'))
      if (docs.length < PAGE) break
      last = docs[docs.length - 1]._id
    }
  }
  await eachRefundPage(async (docs) => {
    const orderIds = [...new Set(docs.filter((r) => (r.kind ?? 'order') === 'order').map((r) => r.orderId))]
    const orders = orderIds.length ? await docsOf<Pick<OrderDoc, '_id' | 'refundIds'>>(db.collection('orders').where({ _id: _.in(orderIds) }).field({ _id: true, refundIds: true }).limit(orderIds.length)) : []
    const booked = new Map(orders.map((o) => [o._id, new Set(o.refundIds ?? [])]))
    for (const r of docs) {
      if ((r.kind ?? 'order') !== 'order' || !booked.get(r.orderId)?.has(r._id)) continue
      addRefund(refunds, chinaDayNumber(r.doneAt ?? 0), r.amountFen)
    }
  })
  return { sales, refunds }
}

/** The group buy's stored rollups against their recount. */
export async function checkRollups(db: DB.Database, groupBuyId: string): Promise<{ equal: boolean; stored: { sales: SalesByDay; refunds: RefundsByDay }; recount: { sales: SalesByDay; refunds: RefundsByDay } }> {
  const gb = await findById<GroupBuyDoc>(db, 'groupBuys', groupBuyId)
  const stored = { sales: gb?.salesByDay ?? {}, refunds: gb?.refundsByDay ?? {} }
  const recount = await recountRollups(db, groupBuyId)
  return { equal: sameRollups(stored, recount), stored, recount }
}
