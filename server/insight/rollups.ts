import { chinaDayNumber } from '@shared/domain/calendar'
import { addBuyerDay, addRefund, addSale, sameBuyerDays, sameRollups, type BuyerDays, type RefundsByDay, type SalesByDay } from '@shared/domain/insight'
import type { GroupBuyDoc, ParticipationDoc } from '@server/group-buys/model'
import type { OrderDoc } from '@server/orders/model'
import { findById } from '@server/fetch'
import { participationIdFor } from '@server/ids'
import type { RefundDoc } from '@server/payments/model'
import { docsOf } from '@server/paging'

const PAGE = 1000

/** A group buy's rollups: its day sales and refunds, and (for the repeat rate) each buyer's paid orders per day. */
export interface Rollups {
  sales: SalesByDay
  refunds: RefundsByDay
  /** By the buyer's participation key in this group buy (from the openid it names, so an erased buyer's re-linked documents still meet), never an openid. */
  buyers: Record<string, BuyerDays>
}

/**
 * The dashboard's rollups (#23) re-derived from what they sum: every order paid in the group buy (`paidIn`, or its
 * group buy for an order paid before the rollups existed) by the China day it was paid, and every order refund of
 * it whose order has booked it (`refundIds`: the same transaction moves the rollup) by the day it was confirmed.
 * The same counted orders give each buyer's paid orders per day, the participations' `paidDays` (the repeat rate's
 * rollup, server/insight/buyer-days.ts; refunds never take them back).
 * Read-only: it proves the rollups the payments and refunds keep (the bench prints rollup = recount; the tests
 * compare them after every flow).
 */
export async function recountRollups(db: DB.Database, groupBuyId: string): Promise<Rollups> {
  const _ = db.command
  const sales: SalesByDay = {}
  const buyers: Record<string, BuyerDays> = {}
  const seen = new Set<string>()
  const add = (o: OrderDoc) => {
    if (seen.has(o._id) || o.paidAt === null || (o.paidIn ?? o.groupBuyId) !== groupBuyId) return
    seen.add(o._id)
    // Counted by the payment's count transaction: an order between PAID and its count is not in the rollup yet.
    if (!o.countedAt) return
    addSale(sales, chinaDayNumber(o.paidAt), o.quantity, o.amountFen)
    addBuyerDay((buyers[buyerKey(groupBuyId, o.openid)] ??= {}), chinaDayNumber(o.paidAt))
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
  return { sales, refunds, buyers }
}

function buyerKey(groupBuyId: string, openid: string): string {
  return participationIdFor(groupBuyId, openid)
}

/** The buyers' day counts the group buy's participations hold (keyset pages on groupbuy_paid). */
async function storedBuyerDays(db: DB.Database, groupBuyId: string): Promise<Record<string, BuyerDays>> {
  const _ = db.command
  const out: Record<string, BuyerDays> = {}
  for (let last = ''; ; ) {
    const docs = await docsOf<Pick<ParticipationDoc, '_id' | 'openid' | 'paidDays'>>(
      db.collection('participations').where({ groupBuyId, _id: _.gt(last) }).field({ _id: true, openid: true, paidDays: true }).orderBy('_id', 'asc').limit(PAGE),
    )
    for (const p of docs) if (p.paidDays && Object.keys(p.paidDays).length) out[buyerKey(groupBuyId, p.openid)] = p.paidDays
    if (docs.length < PAGE) break
    last = docs[docs.length - 1]._id
  }
  return out
}

/** The group buy's stored rollups against their recount. */
export async function checkRollups(db: DB.Database, groupBuyId: string): Promise<{ equal: boolean; stored: Rollups; recount: Rollups }> {
  const gb = await findById<GroupBuyDoc>(db, 'groupBuys', groupBuyId)
  const stored = { sales: gb?.salesByDay ?? {}, refunds: gb?.refundsByDay ?? {}, buyers: await storedBuyerDays(db, groupBuyId) }
  const recount = await recountRollups(db, groupBuyId)
  return { equal: sameRollups(stored, recount) && sameBuyerDays(stored.buyers, recount.buyers), stored, recount }
}
