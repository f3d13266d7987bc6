import type { GroupBuyDoc } from '@server/group-buys/model'
import type { OrderDoc } from '@server/orders/model'
import { updatedCount } from '@server/fetch'
import { paymentWindowMs } from '@server/payments/pay'
import { succeedIfReached } from '@server/payments/payment-flow'
import { docsOf, eachPage } from '@server/paging'
import { healSlotsOf } from '@server/vouchers/slot-heal'
import { applyQuotaHeal, planQuotaHeal } from '@server/group-buys/quota-heal'

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

// The stored fields keep their first names (`reconcile`, `reconciledAt`): data already written uses them.
type WithObservation = GroupBuyDoc & { reconcile?: Observation | null; reconciledAt?: number }

const LIVE_SOLD = ['PAID', 'READY_FOR_PICKUP', 'PICKED_UP']

type Expected = { reserved: number; sold: number; paidParticipants: number }

/**
 * What a group buy's counters should be from its orders and participations: reserved = its unpaid holds; sold = its
 * paid orders that are counted (a payment still being finished is left out: finishPayment counts it); paid
 * participants = participations with a paid order.
 */
export async function expectedCounters(db: DB.Database, groupBuyId: string): Promise<Expected> {
  return (await expectedCountersOf(db, [groupBuyId])).get(groupBuyId)!
}

/**
 * expectedCounters of several group buys in three reads whatever their number (#23: settle recounts a batch every
 * minute): the orders summed per group and status, the unfinished payments, the paid participations counted per group.
 */
export async function expectedCountersOf(db: DB.Database, groupBuyIds: string[]): Promise<Map<string, Expected>> {
  const _ = db.command
  const $ = _.aggregate
  const out = new Map<string, Expected>(groupBuyIds.map((id) => [id, { reserved: 0, sold: 0, paidParticipants: 0 }]))
  if (groupBuyIds.length === 0) return out
  const ids = _.in(groupBuyIds)
  // An aggregate answers 20 rows unless limited: one row per group and status.
  const sums = (await db
    .collection('orders')
    .aggregate()
    .match({ groupBuyId: ids, status: _.in(['PENDING_PAYMENT', ...LIVE_SOLD]) })
    .group({ _id: { groupBuyId: '$groupBuyId', status: '$status' }, quantity: $.sum('$quantity') })
    .limit(groupBuyIds.length * (1 + LIVE_SOLD.length))
    .end()) as unknown as { list: Array<{ _id: { groupBuyId: string; status: string }; quantity: number }> }
  for (const row of sums.list) {
    const e = out.get(row._id.groupBuyId)
    if (!e) continue
    if (row._id.status === 'PENDING_PAYMENT') e.reserved += row.quantity
    else e.sold += row.quantity
  }
  await eachPage<Pick<OrderDoc, '_id' | 'groupBuyId' | 'status' | 'quantity' | 'countedAt'>>(db, 'orders', { groupBuyId: ids, paymentFinishedAt: 0 }, async (unfinished) => {
    for (const o of unfinished) {
      const e = out.get(o.groupBuyId)
      if (e && !o.countedAt && LIVE_SOLD.includes(o.status)) e.sold -= o.quantity
    }
  }, undefined, { groupBuyId: true, status: true, quantity: true, countedAt: true })
  const paid = (await db
    .collection('participations')
    .aggregate()
    .match({ groupBuyId: ids, paidOrders: _.gt(0) })
    .group({ _id: '$groupBuyId', n: $.sum(1) })
    .limit(groupBuyIds.length)
    .end()) as unknown as { list: Array<{ _id: string; n: number }> }
  for (const row of paid.list) {
    const e = out.get(row._id)
    if (e) e.paidParticipants = row.n
  }
  return out
}

/**
 * The paid counts (soldQuantity, paidParticipants) are corrected at once: a payment counts itself in one transaction
 * (countPayment) and a refund gives its units back in one (refunds.ts refundOrder), so no live call is ever between the two,
 * and the write is conditional on the exact counters read before the recount. After the goods arrived the sold count
 * is what was paid for (units refunded after arrival are not given back), so only paidParticipants is checked then;
 * a correction never raises stockLeft of a group buy whose goods arrived short. 成团 follows at once.
 */
async function healPaidCounts(db: DB.Database, gb: WithObservation, expected: { sold: number; paidParticipants: number }, now: number): Promise<WithObservation | null> {
  const sold = gb.arrivedAt ? gb.soldQuantity : expected.sold
  if (sold === gb.soldQuantity && expected.paidParticipants === gb.paidParticipants) return null
  const stockLeft = gb.arrivalShort ? Math.min(gb.stockLeft, gb.stockLeft - (sold - gb.soldQuantity)) : gb.stockLeft - (sold - gb.soldQuantity)
  const fixed = await db
    .collection('groupBuys')
    .where({ _id: gb._id, stockLeft: gb.stockLeft, reservedQuantity: gb.reservedQuantity, soldQuantity: gb.soldQuantity, paidParticipants: gb.paidParticipants })
    .update({ data: { soldQuantity: sold, paidParticipants: expected.paidParticipants, stockLeft: Math.max(0, stockLeft) } })
  if (updatedCount(fixed) !== 1) return null
  console.warn(`[heal] ${gb._id}: sold ${gb.soldQuantity}→${sold}, paid participants ${gb.paidParticipants}→${expected.paidParticipants}`)
  const healed = { ...gb, soldQuantity: sold, paidParticipants: expected.paidParticipants, stockLeft: Math.max(0, stockLeft) }
  await succeedIfReached(db, healed, now)
  return healed
}

/** checked: group buys looked at; healed: group buys corrected; unitsReleased: stock handed back for sale by those corrections. */
export async function healGroupBuyCounters(db: DB.Database, now: number): Promise<{ checked: number; healed: number; unitsReleased: number }> {
  const _ = db.command
  // Running group buys, least recently checked first, a few per tick.
  const page = await docsOf<WithObservation>(db
    .collection('groupBuys')
    .where({ status: _.in(['OPEN', 'SUCCEEDED']), endAt: _.gt(now) })
    .orderBy('reconciledAt', 'asc')
    .limit(BATCH + 1))
  const res = page.slice(0, BATCH)
  if (res.length === 0) return { checked: 0, healed: 0, unitsReleased: 0 }
  // When some are left out, the ones checked go to the back of the queue in one write (#23: not one each), before
  // their checks, so one whose check throws does not hold the others up. When none is left out, every running group
  // buy is checked this tick and the next: no order to keep, nothing written.
  if (page.length > BATCH) await db.collection('groupBuys').where({ _id: _.in(res.map((g) => g._id)) }).update({ data: { reconciledAt: now } })
  const expectedAll = await expectedCountersOf(db, res.map((g) => g._id))
  let healed = 0
  let unitsReleased = 0
  const quiet = quietMs()
  for (const read of res) {
    const expected = expectedAll.get(read._id)!
    const paidHealed = await healPaidCounts(db, read, expected, now)
    if (paidHealed) healed++
    const gb = paidHealed ?? read
    // Only the reserved count can be off by a live call (a join between its stock write and its order): it is
    // corrected once it has stood still.
    const consistent = gb.reservedQuantity === expected.reserved
    const seen = gb.reconcile
    const same =
      seen &&
      seen.stockLeft === gb.stockLeft &&
      seen.reservedQuantity === gb.reservedQuantity &&
      seen.soldQuantity === gb.soldQuantity &&
      seen.expectedReserved === expected.reserved
    if (!consistent && same && now - seen.seenAt >= quiet) {
      // The buyers' quotas the same cut left taken, read before the write below (quota-heal.ts: the write is what
      // proves no join was between its quota and its order while they were read).
      const quotas = await planQuotaHeal(db, gb._id)
      const target = gb.stock - expected.reserved - gb.soldQuantity
      // After a short arrival no unit goes back on sale.
      const stockLeft = Math.max(0, gb.arrivalShort ? Math.min(gb.stockLeft, target) : target)
      const fixed = await db
        .collection('groupBuys')
        .where({ _id: gb._id, stockLeft: gb.stockLeft, reservedQuantity: gb.reservedQuantity, soldQuantity: gb.soldQuantity })
        .update({ data: { reservedQuantity: expected.reserved, stockLeft, reconcile: null, reconciledAt: now } })
      if (updatedCount(fixed) === 1) {
        if (!paidHealed) healed++
        unitsReleased += stockLeft - gb.stockLeft
        console.warn(`[heal] ${gb._id}: reserved ${gb.reservedQuantity}→${expected.reserved}`)
        // The same cut left the buyer's quota taken (a join cut between quota and order): given back now.
        await applyQuotaHeal(db, quotas)
        continue
      }
    }
    // The stored sighting is written only when it changes (#23): a sighting that stands keeps its first seenAt anyway.
    if (consistent ? !seen : same) continue
    const observation: Observation | null = consistent
      ? null
      : { stockLeft: gb.stockLeft, reservedQuantity: gb.reservedQuantity, soldQuantity: gb.soldQuantity, expectedReserved: expected.reserved, expectedSold: expected.sold, seenAt: now }
    // _.set replaces the whole field (a plain object would be merged path by path into a possibly-null field).
    await db.collection('groupBuys').doc(gb._id).update({ data: { reconcile: observation ? _.set(observation) : null } })
  }
  // Services: their slots' places, healed the same way (server/vouchers/slot-heal.ts).
  healed += await healSlotsOf(db, res.filter((g) => g.kind === 'SERVICE'), now, quiet)
  return { checked: res.length, healed, unitsReleased }
}
