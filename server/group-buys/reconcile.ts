import type { GroupBuyDoc } from '@server/docs'
import { updatedCount } from '@server/fetch'
import { paymentWindowMs } from '@server/payments/pay'

/**
 * A join, expiry or payment that is cut off between its writes (a function killed at its timeout, a lost
 * connection) can leave a group buy's counters off from its orders: stock held for an order that was never
 * written, or a payment not yet moved from reserved to sold. Every such leak holds stock back — it can
 * undersell, never oversell — and this heals it.
 *
 * A discrepancy is corrected only when it is stable: seen once, then seen again with exactly the same counters
 * after quietMs(), and the correction is one conditional write on those exact counters, so any join or payment
 * meanwhile cancels it. Unchanged counters mean the write that left the discrepancy came before the first
 * sighting, so after quietMs() the interrupted call is certainly dead (it can no longer write the order it held
 * stock for) and the hold of an order that never appeared is handed back within the payment window plus a tick.
 */

/** CloudBase's longest function timeout (its config allows 1–300 s; cloudbaserc.json sets at most 60 s). */
export const MAX_CALL_MS = 5 * 60_000

/** How long a discrepancy must stand still: the payment window (an unpaid hold lasts that long anyway), at least MAX_CALL_MS. */
export function quietMs(): number {
  return Math.max(paymentWindowMs(), MAX_CALL_MS)
}
const BATCH = 20

interface Observation {
  stockLeft: number
  reservedQuantity: number
  soldQuantity: number
  expectedReserved: number
  expectedSold: number
  seenAt: number
}

type WithObservation = GroupBuyDoc & { reconcile?: Observation | null; reconciledAt?: number }

const LIVE_SOLD = ['PAID', 'READY_FOR_PICKUP', 'PICKED_UP']

async function expectedCounters(db: DB.Database, groupBuyId: string): Promise<{ reserved: number; sold: number }> {
  const _ = db.command
  const $ = _.aggregate
  const res = (await db
    .collection('orders')
    .aggregate()
    .match({ groupBuyId, status: _.in(['PENDING_PAYMENT', ...LIVE_SOLD]) })
    .group({ _id: '$status', quantity: $.sum('$quantity') })
    .end()) as unknown as { list: Array<{ _id: string; quantity: number }> }
  let reserved = 0
  let sold = 0
  for (const row of res.list) {
    if (row._id === 'PENDING_PAYMENT') reserved += row.quantity
    else sold += row.quantity
  }
  return { reserved, sold }
}

/** checked: group buys looked at; healed: group buys corrected; unitsReleased: stock handed back for sale by those corrections. */
export async function reconcileOpenGroupBuys(db: DB.Database, now: number): Promise<{ checked: number; healed: number; unitsReleased: number }> {
  const _ = db.command
  // Running group buys, least recently checked first, a few per tick.
  const res = (await db
    .collection('groupBuys')
    .where({ status: _.in(['OPEN', 'SUCCEEDED']), endAt: _.gt(now) })
    .orderBy('reconciledAt', 'asc')
    .limit(BATCH)
    .get()) as unknown as { data: WithObservation[] }
  let healed = 0
  let unitsReleased = 0
  const quiet = quietMs()
  for (const gb of res.data) {
    const expected = await expectedCounters(db, gb._id)
    const consistent = gb.reservedQuantity === expected.reserved && gb.soldQuantity === expected.sold
    const seen = gb.reconcile
    const same =
      seen &&
      seen.stockLeft === gb.stockLeft &&
      seen.reservedQuantity === gb.reservedQuantity &&
      seen.soldQuantity === gb.soldQuantity &&
      seen.expectedReserved === expected.reserved &&
      seen.expectedSold === expected.sold
    if (!consistent && same && now - seen.seenAt >= quiet) {
      const fixed = await db
        .collection('groupBuys')
        .where({ _id: gb._id, stockLeft: gb.stockLeft, reservedQuantity: gb.reservedQuantity, soldQuantity: gb.soldQuantity })
        .update({
          data: {
            reservedQuantity: expected.reserved,
            soldQuantity: expected.sold,
            stockLeft: gb.stock - expected.reserved - expected.sold,
            reconcile: null,
            reconciledAt: now,
          },
        })
      if (updatedCount(fixed) === 1) {
        healed++
        unitsReleased += gb.stock - expected.reserved - expected.sold - gb.stockLeft
        console.warn(`[reconcile] ${gb._id}: reserved ${gb.reservedQuantity}→${expected.reserved}, sold ${gb.soldQuantity}→${expected.sold}`)
        continue
      }
    }
    const observation: Observation | null = consistent
      ? null
      : same
        ? seen
        : { stockLeft: gb.stockLeft, reservedQuantity: gb.reservedQuantity, soldQuantity: gb.soldQuantity, expectedReserved: expected.reserved, expectedSold: expected.sold, seenAt: now }
    // _.set replaces the whole field (a plain object would be merged path by path into a possibly-null field).
    await db.collection('groupBuys').doc(gb._id).update({ data: { reconcile: observation ? _.set(observation) : null, reconciledAt: now } })
  }
  return { checked: res.data.length, healed, unitsReleased }
}
