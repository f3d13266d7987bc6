import type { OrderDoc } from '@server/docs'

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
    const where: Record<string, unknown> = last
      ? _.and([{ groupBuyId }, { createdAt: _.gte(last.createdAt) }, _.or([{ createdAt: _.gt(last.createdAt) }, { createdAt: last.createdAt, _id: _.gt(last._id) }])]) as never
      : { groupBuyId }
    const res = (await db.collection('orders').where(where as never).orderBy('createdAt', 'asc').orderBy('_id', 'asc').limit(BATCH).get()) as unknown as { data: OrderDoc[] }
    out.push(...res.data)
    if (res.data.length < BATCH) break
    last = res.data[res.data.length - 1]
  }
  return out
}

/**
 * 跟团号 = 1 + the orders of the same group buy that joined before this one, in the (createdAt, _id) order the
 * leader's participants list uses. An indexed range count (orders.groupbuy_created), for one order at a time.
 */
export async function joinSeqOf(db: DB.Database, order: Pick<OrderDoc, '_id' | 'groupBuyId' | 'createdAt'>): Promise<number> {
  const _ = db.command
  const before = _.and([
    { groupBuyId: order.groupBuyId, createdAt: _.lte(order.createdAt) },
    _.or([{ createdAt: _.lt(order.createdAt) }, { createdAt: order.createdAt, _id: _.lt(order._id) }]),
  ])
  const res = (await db.collection('orders').where(before as never).count()) as unknown as { total: number }
  return res.total + 1
}
