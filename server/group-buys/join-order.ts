import type { GroupBuyDoc } from '@server/group-buys/model'
import { afterPosition } from '@server/cursor'
import type { OrderDoc } from '@server/orders/model'
import { docsOf } from '@server/paging'

/**
 * 跟团号 — one home for the rule. An order's number is given when it is counted into its group buy, in payment order:
 * 1, 2, 3… from the group buy's own counter (`paidSeq`, read and written in the count's transaction — the payment's,
 * or a roll-over's move into a next group), so two orders never share a number and none waits on a count (#23: the
 * payment's count query is gone). An unpaid hold has no number; an order refunded later keeps its own (a gap). The
 * leader's 接龙 list, the pick list, the counter and the order page all show the number stored on the order, and a
 * short arrival serves in its order (first paid, first served).
 *
 * Before, the number was 1 + the orders that joined before it (any status), counted at payment: an expired hold
 * left a gap, and an order rolled over into a next group was numbered by its first join there — the same number as
 * an order paid into that group earlier, while the leader's list (numbered by position) gave it another.
 */

/** A group buy's orders in join order (createdAt, then _id): the leader's 接龙 list pages them so. */
export const JOIN_ORDER = { field: 'createdAt', dir: 'asc' } as const

const BATCH = 100
/** A group buy's orders are bounded by its stock and per-person limit; this caps a runaway read. */
const MAX_ORDERS = 20_000

/** Every order of a group buy in join order, read in keyset pages on the (groupBuyId, createdAt, _id) index. */
export async function readOrdersInJoinOrder(db: DB.Database, groupBuyId: string): Promise<OrderDoc[]> {
  const _ = db.command
  const out: OrderDoc[] = []
  let last: OrderDoc | null = null
  while (out.length < MAX_ORDERS) {
    const where = afterPosition(_, { groupBuyId }, JOIN_ORDER, last && { v: last.createdAt, id: last._id })
    const res = await docsOf<OrderDoc>(db.collection('orders').where(where as never).orderBy('createdAt', 'asc').orderBy('_id', 'asc').limit(BATCH))
    out.push(...res)
    if (res.length < BATCH) break
    last = res[res.length - 1]
  }
  return out
}

/** An order's 跟团号 in its group buy: the number it was counted with, or null (not paid, or not counted there yet). */
export function seqOf(order: Pick<OrderDoc, 'groupBuyId' | 'seqIn' | 'paidIn' | 'seq'>): number | null {
  return (order.seqIn ?? order.paidIn) === order.groupBuyId && typeof order.seq === 'number' ? order.seq : null
}

/** The order's fields for its 跟团号 in `groupBuyId` (written by the transaction that counts it there). */
export function seqFields(groupBuyId: string, seq: number): Pick<OrderDoc, 'seq' | 'seqIn'> {
  return { seq, seqIn: groupBuyId }
}

/** Orders in 跟团号 order (those without a number after, in the order given). */
export function inSeqOrder<T extends Pick<OrderDoc, 'groupBuyId' | 'seqIn' | 'paidIn' | 'seq'>>(orders: readonly T[]): T[] {
  const key = (o: T) => seqOf(o) ?? Number.MAX_SAFE_INTEGER
  return orders.map((o, i) => ({ o, i })).sort((a, b) => key(a.o) - key(b.o) || a.i - b.i).map((x) => x.o)
}

/**
 * The next 跟团号 of a group buy, for the transaction that counts an order into it (it read `gb` and writes the
 * returned `paidSeq` with its counters, so two counts at once conflict and one runs again). A group buy from before
 * the counter (no `paidSeq`) continues after the highest number its paid orders carry: one read, once.
 */
export async function nextSeqOf(db: DB.Database, gb: Pick<GroupBuyDoc, '_id' | 'paidSeq'>): Promise<{ seq: number; paidSeq: number }> {
  const last = typeof gb.paidSeq === 'number' ? gb.paidSeq : await highestSeqPaidInto(db, gb._id)
  return { seq: last + 1, paidSeq: last + 1 }
}

async function highestSeqPaidInto(db: DB.Database, groupBuyId: string): Promise<number> {
  // Numbered before the counter: at their payment, in the group buy they were paid in (orders.paid_in).
  const res = await docsOf<Pick<OrderDoc, 'seq'>>(db.collection('orders').where({ paidIn: groupBuyId }).orderBy('seq', 'desc').limit(1).field({ seq: true }))
  return res[0]?.seq ?? 0
}
