import { chinaMonth } from '@shared/domain/calendar'
import {
  applyRelease,
  applyReversal,
  PARTIES,
  planRelease,
  planReversal,
  PLATFORM_ACCOUNT_ID,
  splitShares,
  tierFor,
  zeroShares,
  type Move,
  type Party,
  type SplitTerms,
} from '@shared/domain/ledger'
import type { GroupBuyDoc, OrderDoc } from '@server/docs'
import { findById } from '@server/fetch'
import { joinSeqOf } from '@server/group-buys/join-order'
import type { RefundDoc } from '@server/payments/model'
import { writeEntries, type EntrySpec } from '@server/ledger/entries'
import { commissionTiers, platformFeeBp, type LedgerOrderDoc } from '@server/ledger/model'
import { monthPickedUpFen } from '@server/ledger/tiers'
import { inTransaction, txGet } from '@server/ledger/txn'
import { eachPage } from '@server/paging'

/**
 * The three events that move an order's money in the ledger, each idempotent (a replayed notice, a repeated
 * pickup, a re-run settle change nothing): the sale at payment (shares FROZEN), the release at pickup
 * (FROZEN → AVAILABLE), and the reversal when WeChat Pay confirms a refund. Each is one transaction over the
 * order's ledger position and its entries: nothing shared with other orders, so they never contend.
 *
 * The record* functions are the hooks the payment, pickup and refund flows call: they never throw (the money
 * movement they follow has already happened and must not be undone or retried because of the ledger); a
 * failure is logged and settle's catch-up (catchUpLedger) books the event on its next run.
 */

interface PickupPointFees {
  handlingFeeFen?: number
}

async function refundsOf(db: DB.Database, orderId: string): Promise<RefundDoc[]> {
  const res = (await db.collection('refunds').where({ orderId }).limit(100).get()) as unknown as { data: RefundDoc[] }
  return res.data.filter((x) => (x.kind ?? 'order') === 'order')
}

/** What a group buy's sales are split by, from the group buy, its pickup point and the leader's tier now. */
async function termsFor(db: DB.Database, gb: GroupBuyDoc, paidAt: number): Promise<SplitTerms> {
  const point = await findById<PickupPointFees>(db, 'pickupPoints', gb.pickupPointId)
  const handlingFeeFen = point?.handlingFeeFen ?? 0
  const fromOffer = !!gb.offerId && !!gb.merchantId && typeof gb.supplyPriceFen === 'number'
  if (!fromOffer) return { kind: 'own', supplyPriceFen: 0, commissionBp: 0, tierBonusBp: 0, handlingFeeFen, platformFeeBp: platformFeeBp() }
  const picked = await monthPickedUpFen(db, gb.creatorOpenid, chinaMonth(paidAt))
  return {
    kind: 'offer',
    supplyPriceFen: gb.supplyPriceFen ?? 0,
    commissionBp: gb.commissionBp ?? 0,
    // Sales picked up this month before this order's payment: a later tier never reaches back.
    tierBonusBp: tierFor(commissionTiers(), picked).bonusBp,
    handlingFeeFen,
    platformFeeBp: 0,
  }
}

/** Book a paid order's sale: four shares, FROZEN. Does nothing for an order that was never paid in full. */
export async function bookSale(db: DB.Database, orderId: string, now: number): Promise<'BOOKED' | 'ALREADY' | 'NOT_PAID'> {
  if (await findById<LedgerOrderDoc>(db, 'ledgerOrders', orderId)) return 'ALREADY'
  const order = await findById<OrderDoc>(db, 'orders', orderId)
  // paidAt and transactionId are set only by the PENDING_PAYMENT → PAID write, after the amount was checked.
  if (!order || order.paidAt === null || !order.transactionId) return 'NOT_PAID'
  const gb = await findById<GroupBuyDoc>(db, 'groupBuys', order.groupBuyId)
  if (!gb) return 'NOT_PAID'
  const terms = await termsFor(db, gb, order.paidAt)
  const seq = await joinSeqOf(db, order)
  const accounts: Record<Party, string> = { merchant: gb.merchantId ?? '', leader: gb.creatorOpenid, store: order.pickupPointId, platform: PLATFORM_ACCOUNT_ID }
  const shares = splitShares(order.amountFen, order.quantity, terms)
  const paidAt = order.paidAt
  const booked = await inTransaction(db, async (t) => {
    if (await txGet(t, 'ledgerOrders', orderId)) return false
    const doc: LedgerOrderDoc = {
      _id: orderId, groupBuyId: order.groupBuyId, title: order.title, seq, terms, accounts, amountFen: order.amountFen, quantity: order.quantity,
      keptQuantity: order.quantity, refundedFen: 0, refundIds: [], released: false, releasedFen: 0, releasedMonth: null, leaderId: accounts.leader, position: { frozen: shares, available: zeroShares() }, paidAt, createdAt: now, updatedAt: now,
    }
    const { _id, ...fields } = doc
    await t.collection('ledgerOrders').doc(_id).set({ data: fields as unknown as Record<string, unknown> })
    await writeEntries(t, PARTIES.map((party) => ({ id: `${orderId}_s_${party}`, orderId, groupBuyId: order.groupBuyId, party, partyId: accounts[party], kind: 'SALE', amountFen: shares[party], state: 'FROZEN', refId: null })), now)
    return true
  })
  if (!booked) return 'ALREADY'
  // Refunds WeChat Pay confirmed before the sale could be booked (the booking was retried later) apply now.
  for (const r of await refundsOf(db, orderId)) if (r.status === 'DONE') await bookRefund(db, r, now)
  return 'BOOKED'
}

/**
 * The order was handed over: its shares become AVAILABLE, except the part under a refund not yet confirmed
 * (that stays FROZEN for the refund to take). What it kept counts toward the leader's tier for this month.
 */
export async function bookPickup(db: DB.Database, orderId: string, now: number): Promise<'RELEASED' | 'ALREADY' | 'NOT_PICKED_UP'> {
  let lo = await findById<LedgerOrderDoc>(db, 'ledgerOrders', orderId)
  if (!lo) {
    await bookSale(db, orderId, now)
    lo = await findById<LedgerOrderDoc>(db, 'ledgerOrders', orderId)
  }
  if (!lo) return 'NOT_PICKED_UP'
  if (lo.released) return 'ALREADY'
  const order = await findById<OrderDoc>(db, 'orders', orderId)
  if (!order || order.status !== 'PICKED_UP') return 'NOT_PICKED_UP'
  const refunds = await refundsOf(db, orderId)
  const month = chinaMonth(order.pickedUpAt ?? now)
  const released = await inTransaction(db, async (t) => {
    const cur = await txGet<LedgerOrderDoc>(t, 'ledgerOrders', orderId)
    if (!cur || cur.released) return false
    const unconfirmedFen = refunds.filter((r) => !cur.refundIds.includes(r._id)).reduce((s, r) => s + r.amountFen, 0)
    const keptFen = cur.amountFen - cur.refundedFen - unconfirmedFen
    const kept = Math.min(order.servedQuantity ?? cur.keptQuantity, cur.keptQuantity)
    const moves = planRelease(cur.position, splitShares(keptFen, kept, cur.terms))
    await t.collection('ledgerOrders').doc(orderId).update({ data: { released: true, releasedFen: Math.max(0, keptFen), releasedMonth: month, position: applyRelease(cur.position, moves), updatedAt: now } })
    const specs: EntrySpec[] = []
    for (const party of PARTIES) {
      const common = { orderId, groupBuyId: cur.groupBuyId, party, partyId: cur.accounts[party], kind: 'RELEASE' as const, refId: null }
      specs.push({ ...common, id: `${orderId}_rl_${party}_f`, amountFen: -moves[party], state: 'FROZEN' })
      specs.push({ ...common, id: `${orderId}_rl_${party}_a`, amountFen: moves[party], state: 'AVAILABLE' })
    }
    await writeEntries(t, specs, now)
    return true
  })
  return released ? 'RELEASED' : 'ALREADY'
}

/**
 * WeChat Pay confirmed a refund of r fen: every party's share becomes its share of the split of what is kept
 * (A − all refunds so far), by the same rule and rounding as the sale. Nothing for an order never booked (the
 * money of a wrong amount, or of an order already cancelled, never entered the ledger).
 */
export async function bookRefund(db: DB.Database, refund: Pick<RefundDoc, '_id' | 'orderId' | 'amountFen'> & { kind?: RefundDoc['kind'] }, now: number): Promise<'REVERSED' | 'ALREADY' | 'NOT_BOOKED'> {
  if ((refund.kind ?? 'order') !== 'order') return 'NOT_BOOKED'
  const lo = await findById<LedgerOrderDoc>(db, 'ledgerOrders', refund.orderId)
  if (!lo) return 'NOT_BOOKED'
  if (lo.refundIds.includes(refund._id)) return 'ALREADY'
  const order = await findById<OrderDoc>(db, 'orders', refund.orderId)
  const reversed = await inTransaction(db, async (t) => {
    const cur = await txGet<LedgerOrderDoc>(t, 'ledgerOrders', refund.orderId)
    if (!cur || cur.refundIds.includes(refund._id)) return false
    const refundedFen = cur.refundedFen + refund.amountFen
    const keptQuantity = Math.min(order?.servedQuantity ?? cur.keptQuantity, cur.keptQuantity)
    const moves = planReversal(cur.position, splitShares(cur.amountFen - refundedFen, keptQuantity, cur.terms), cur.released)
    await t.collection('ledgerOrders').doc(refund.orderId).update({
      data: { refundedFen, keptQuantity, refundIds: [...cur.refundIds, refund._id], position: applyReversal(cur.position, moves), updatedAt: now },
    })
    await writeEntries(t, moves.flatMap((m) => reversalEntries(cur, refund._id, m)), now)
    return true
  })
  return reversed ? 'REVERSED' : 'ALREADY'
}

function reversalEntries(lo: LedgerOrderDoc, refundId: string, m: Move): EntrySpec[] {
  const common = { orderId: lo._id, groupBuyId: lo.groupBuyId, party: m.party, partyId: lo.accounts[m.party], kind: 'REVERSAL' as const, refId: refundId }
  const id = `${refundId}_rv_${m.party}`
  return [
    { ...common, id: `${id}_f`, amountFen: -m.fromFrozen, state: 'FROZEN' },
    { ...common, id: `${id}_a`, amountFen: -m.fromAvailable, state: 'AVAILABLE' },
    { ...common, id: `${id}_cf`, amountFen: m.toFrozen, state: 'FROZEN' },
    { ...common, id: `${id}_ca`, amountFen: m.toAvailable, state: 'AVAILABLE' },
  ]
}

async function safely(what: string, id: string, fn: () => Promise<unknown>): Promise<void> {
  try {
    await fn()
  } catch (err) {
    console.error(`[ledger] ${what} ${id} not booked yet (settle's catch-up retries)`, err)
  }
}

/** Hook: the order just became PAID (payment-flow). */
export function recordSale(db: DB.Database, orderId: string, now: number): Promise<void> {
  return safely('sale', orderId, () => bookSale(db, orderId, now))
}

/** Hook: the order was just handed over (pickup.verify). */
export function recordPickup(db: DB.Database, orderId: string, now: number): Promise<void> {
  return safely('pickup', orderId, () => bookPickup(db, orderId, now))
}

/** Hook: WeChat Pay just confirmed this refund (processDueRefunds, refund → DONE). */
export function recordRefund(db: DB.Database, refund: Pick<RefundDoc, '_id' | 'orderId' | 'amountFen'> & { kind?: RefundDoc['kind'] }, now: number): Promise<void> {
  return safely('refund', refund._id, () => bookRefund(db, refund, now))
}

/** How far back settle looks for events a hook could not book (it runs every minute). */
export const CATCH_UP_WINDOW_MS = 30 * 60_000

/**
 * Book whatever the hooks missed in the last half hour: sales of orders paid, releases of orders picked up,
 * reversals of refunds confirmed. Each check is against the ledger's own record, so re-running is harmless;
 * anything older is left to admin.reconcile to report.
 */
export async function catchUpLedger(db: DB.Database, now: number): Promise<{ sales: number; pickups: number; refunds: number }> {
  const _ = db.command
  const since = now - CATCH_UP_WINDOW_MS
  const out = { sales: 0, pickups: 0, refunds: 0 }
  const known = async (ids: string[]) => {
    if (ids.length === 0) return new Map<string, LedgerOrderDoc>()
    const res = (await db.collection('ledgerOrders').where({ _id: _.in(ids) }).limit(ids.length).get()) as unknown as { data: LedgerOrderDoc[] }
    return new Map(res.data.map((d) => [d._id, d]))
  }
  await eachPage<OrderDoc>(db, 'orders', { paidAt: _.gte(since) }, async (orders) => {
    const have = await known(orders.map((o) => o._id))
    for (const o of orders) if (!have.has(o._id) && (await bookSale(db, o._id, now)) === 'BOOKED') out.sales++
  })
  await eachPage<OrderDoc>(db, 'orders', { status: 'PICKED_UP', pickedUpAt: _.gte(since) }, async (orders) => {
    const have = await known(orders.map((o) => o._id))
    for (const o of orders) if (!have.get(o._id)?.released && (await bookPickup(db, o._id, now)) === 'RELEASED') out.pickups++
  })
  await eachPage<RefundDoc>(db, 'refunds', { status: 'DONE', doneAt: _.gte(since) }, async (refunds) => {
    const have = await known(refunds.map((r) => r.orderId))
    for (const r of refunds) {
      const lo = have.get(r.orderId)
      if (lo && !lo.refundIds.includes(r._id) && (await bookRefund(db, r, now)) === 'REVERSED') out.refunds++
    }
  })
  return out
}

