import { LIVE_ORDER_STATUSES } from '@shared/domain/order'
import type { OrderDoc } from '@server/orders/model'
import { updatedCount } from '@server/fetch'
import { eachPage } from '@server/paging'

/** What an order holds of its buyer's quota: the per-person limit counts live orders (docs/api.md), so a live one holds its quantity. */
export function holdsQuota(o: Pick<OrderDoc, 'status'>): boolean {
  return LIVE_ORDER_STATUSES.includes(o.status)
}

interface Participation {
  _id: string
  openid: string
  quantity: number
}

/** One participation to lower: from the quantity read to what its buyer's orders hold. */
export interface QuotaFix {
  partId: string
  from: number
  to: number
}

/**
 * A join cut off between its quota and its order (holds.ts: stock, then quota, then the order), or an unpaid hold's
 * release cut off before its quota, leaves the person's participation holding units no order holds: their retry and
 * every later join were refused LIMIT_EXCEEDED for good (an audit: test/node/attacks-crash.test.ts). The stock of
 * such a cut is given back by the counter heal; this gives back the quota, in two halves around the counter heal's
 * own correction (heal-counters.ts):
 *
 * 1. planQuotaHeal reads the group's participations and orders — after the group's counters had stood still for
 *    quietMs(), before the counter heal's write conditional on those counters;
 * 2. that write succeeds only if no join, expiry or payment moved the counters since the sighting — each moves them
 *    before the quota — so no call that takes or gives back quota started in that window, and every one started
 *    before it has finished or died (quietMs() ≥ the longest function timeout): none was between its quota and its
 *    order while (1) read;
 * 3. only then applyQuotaHeal writes each correction, conditional on the quantity (1) read: a join starting after
 *    (2) moves the quantity before its order exists, so it cancels the correction (lowering a count under a live join
 *    would let it pass the per-person limit), or comes after it and adds to the corrected count.
 *
 * A quota is only ever lowered, to what the buyer's live orders hold (holdsQuota).
 */
export async function planQuotaHeal(db: DB.Database, groupBuyId: string): Promise<QuotaFix[]> {
  const _ = db.command
  const held = new Map<string, number>()
  await eachPage<Pick<OrderDoc, '_id' | 'openid' | 'quantity' | 'status'>>(db, 'orders', { groupBuyId }, async (orders) => {
    for (const o of orders) if (holdsQuota(o)) held.set(o.openid, (held.get(o.openid) ?? 0) + o.quantity)
  }, undefined, { openid: true, quantity: true, status: true })
  const fixes: QuotaFix[] = []
  await eachPage<Participation>(db, 'participations', { groupBuyId, quantity: _.gt(0) }, async (parts) => {
    for (const part of parts) {
      const holds = held.get(part.openid) ?? 0
      if (part.quantity > holds) fixes.push({ partId: part._id, from: part.quantity, to: holds })
    }
  }, undefined, { openid: true, quantity: true })
  return fixes
}

/** Step 3 of planQuotaHeal: each correction conditional on the quantity read. The number written. */
export async function applyQuotaHeal(db: DB.Database, fixes: readonly QuotaFix[]): Promise<number> {
  let healed = 0
  for (const f of fixes) {
    const fixed = await db.collection('participations').where({ _id: f.partId, quantity: f.from }).update({ data: { quantity: f.to } })
    if (updatedCount(fixed) !== 1) continue
    healed++
    console.warn(`[heal] ${f.partId}: quota ${f.from}→${f.to}`)
  }
  return healed
}
