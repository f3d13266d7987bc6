import { afterPosition } from '@server/cursor'
import type { OrderDoc } from '@server/orders/model'
import { docsOf } from '@server/paging'

/** 跟团号 order: by createdAt, ties by _id. */
export const JOIN_ORDER = { field: 'createdAt', dir: 'asc' } as const

const BATCH = 100
/** A group buy's orders are bounded by its stock and per-person limit; this caps a runaway read. */
const MAX_ORDERS = 20_000

/**
 * Every order of a group buy in 跟团号 order (createdAt, then _id — the order the leader's 接龙 list numbers),
 * read in keyset pages on the (groupBuyId, createdAt, _id) index.
 */
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

/**
 * 跟团号 = 1 + the orders of the same group buy that joined before this one, in the (createdAt, _id) order the
 * leader's participants list uses. An indexed range count (orders.groupbuy_created), for one order at a time.
 */
export async function joinSeqOf(db: DB.Database, order: Pick<OrderDoc, '_id' | 'groupBuyId' | 'createdAt'>): Promise<number> {
  // Before it in 跟团号 order = after it walking the other way.
  const before = afterPosition(db.command, { groupBuyId: order.groupBuyId }, { ...JOIN_ORDER, dir: 'desc' }, { v: order.createdAt, id: order._id })
  const res = (await db.collection('orders').where(before as never).count()) as unknown as { total: number }
  return res.total + 1
}

/**
 * An order's 跟团号: as fixed on it at payment (server/payments/payment-flow.ts), or counted (joinSeqOf) for an order
 * not paid yet or moved to another group since. Lists of paid orders (the counter's 待提货) read it from the order
 * instead of counting once per row.
 */
export function seqOf(db: DB.Database, order: Pick<OrderDoc, '_id' | 'groupBuyId' | 'createdAt' | 'paidIn' | 'seq'>): Promise<number> {
  return order.paidIn === order.groupBuyId && typeof order.seq === 'number' ? Promise.resolve(order.seq) : joinSeqOf(db, order)
}
