import type { OrderDoc } from '@server/orders/model'
import { updatedCount } from '@server/fetch'
import { eachPage } from '@server/paging'

/** What an order holds of its buyer's quota: a join takes it; only an unpaid hold's end gives it back (order-flow.ts releaseUnpaid: CANCELLED/EXPIRED, `endedAt`). A paid order refunded keeps it. */
export function holdsQuota(o: Pick<OrderDoc, 'status'> & { endedAt?: number | null }): boolean {
  return o.status !== 'CANCELLED' && o.status !== 'EXPIRED' && !o.endedAt
}

interface Participation {
  _id: string
  openid: string
  quantity: number
}

/**
 * A join cut off between its quota and its order (holds.ts: stock, then quota, then the order), or an unpaid hold's
 * release cut off before its quota, leaves the person's participation holding units no order holds: their retry and
 * every later join were refused LIMIT_EXCEEDED for good (an audit: test/node/attacks-crash.test.ts). The stock of
 * such a cut is given back by the counter heal; this gives back the quota.
 *
 * Called only by the counter heal, right after it corrected a group buy's reserved count that had stood still for
 * quietMs() (heal-counters.ts): no join, expiry or payment moved the group's counters in that window, and each of
 * them moves the counters before the quota, so every call that took or gave back quota before the window has
 * finished or died — none is between its quota and its order now. A join starting after that read moves a
 * participation's quantity before its order exists: each correction is one write conditional on the quantity read
 * here, so such a join cancels it (lowering the count under a live join would let it pass the per-person limit).
 * A quota is only ever lowered, to what the buyer's orders hold (holdsQuota): an order the rule does not know counts
 * as holding, which can only keep a quota up, never let anyone past the limit. The number of participations corrected.
 */
export async function healQuotasOf(db: DB.Database, groupBuyId: string): Promise<number> {
  const _ = db.command
  const held = new Map<string, number>()
  await eachPage<Pick<OrderDoc, '_id' | 'openid' | 'quantity' | 'status'> & { endedAt?: number | null }>(db, 'orders', { groupBuyId }, async (orders) => {
    for (const o of orders) if (holdsQuota(o)) held.set(o.openid, (held.get(o.openid) ?? 0) + o.quantity)
  }, undefined, { openid: true, quantity: true, status: true, endedAt: true })
  const over: Array<{ part: Participation; holds: number }> = []
  await eachPage<Participation>(db, 'participations', { groupBuyId, quantity: _.gt(0) }, async (parts) => {
    for (const part of parts) {
      const holds = held.get(part.openid) ?? 0
      if (part.quantity > holds) over.push({ part, holds })
    }
  }, undefined, { openid: true, quantity: true })
  let healed = 0
  for (const { part, holds } of over) {
    const fixed = await db.collection('participations').where({ _id: part._id, quantity: part.quantity }).update({ data: { quantity: holds } })
    if (updatedCount(fixed) !== 1) continue
    healed++
    console.warn(`[heal] ${part._id}: quota ${part.quantity}→${holds}`)
  }
  return healed
}
