import { chinaMonth } from '@shared/domain/calendar'
import {
  applyRelease,
  applyReversal,
  keptOf,
  mayRelease,
  PARTIES,
  planRelease,
  planReversal,
  PLATFORM_ACCOUNT_ID,
  splitOfKept,
  splitShares,
  splitTakeBackFen,
  tierFor,
  tierVolumeFen,
  zeroShares,
  type Move,
  type Party,
  type SplitTerms,
} from '@shared/domain/ledger'
import { AFTER_SALES, AFTER_SALES_TALLIES } from '@server/after-sales/cases'
import type { AfterSalesCaseDoc } from '@server/after-sales/model'
import { afterSalesWindowMs } from '@server/after-sales/window'
import type { GroupBuyDoc } from '@server/group-buys/model'
import type { OrderDoc } from '@server/orders/model'
import { findById, updatedCount } from '@server/fetch'
import { seqOf } from '@server/group-buys/join-order'
import type { RefundDoc } from '@server/payments/model'
import { availableOf, repayDebt, touchBalance } from '@server/ledger/debts'
import { writeEntries, type EntrySpec } from '@server/ledger/entries'
import { copySaleOf, saleRides } from '@server/ledger/sale-entries'
import { accountOf, commissionTiers, LEDGER_FIELD, ledgerOf, ledgerPath, ledgerUpdate, platformFeeBp, type LedgerBalanceDoc, type LedgerOrderDoc, type LedgerRecord } from '@server/ledger/model'
import { monthPickedUpFen } from '@server/ledger/tiers'
import { inTransaction, txGet, type Tx } from '@server/ledger/txn'
import { docsOf, eachPage, PAGE_SIZE } from '@server/paging'
import { isDuplicateWrite } from '@server/cloud'
import type { DueQuery } from '@server/due'

/**
 * The events that move an order's money in the ledger, each idempotent (a replayed notice, a repeated pickup, a
 * re-run settle change nothing): the sale at payment (shares FROZEN), the pickup (starts the after-sales window and
 * counts toward the leader's tier; the money stays FROZEN), the release once no refund can reach the money any more
 * (settle: window closed, no case open, every refund booked; FROZEN → AVAILABLE), and the reversal when WeChat Pay
 * confirms a refund. Each is one transaction over the order's ledger position (on the order itself, #23) and its
 * entries: nothing shared with
 * other orders, so they never contend — except a reversal that must take back released money, which also writes
 * the payee's balance document (debts.ts) so it is serialised with that payee's payouts.
 *
 * The record* functions are the hooks the payment, pickup and refund flows call: they never throw (the money
 * movement they follow has already happened and must not be undone or retried because of the ledger); a
 * failure is logged and settle's catch-up (catchUpLedger) books the event on its next run.
 */

interface PickupPointFees {
  handlingFeeFen?: number
}

export async function refundsOf(db: DB.Database, orderId: string): Promise<RefundDoc[]> {
  const res = await docsOf<RefundDoc>(db.collection('refunds').where({ orderId }).limit(100))
  return res.filter((x) => (x.kind ?? 'order') === 'order')
}

/** What a group buy's sales are split by, from the group buy, its pickup point and the leader's tier now. */
async function termsFor(db: DB.Database, gb: GroupBuyDoc, paidAt: number): Promise<SplitTerms> {
  // The fee fixed when the group buy opened; the point's own for a group buy from before that (#23).
  const handlingFeeFen = typeof gb.handlingFeeFen === 'number' ? gb.handlingFeeFen : ((await findById<PickupPointFees>(db, 'pickupPoints', gb.pickupPointId))?.handlingFeeFen ?? 0)
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

/** A paid order's sale, worked out and ready to write: its ledger position (its FROZEN entries follow from it: sale-entries.ts). */
export interface SalePlan {
  doc: LedgerOrderDoc
}

/**
 * Work out a paid order's sale (four shares, FROZEN) from the order and its group buy: the split terms (its pickup
 * point's handling fee, the leader's tier now) and the 跟团号. Null for an order never paid in full. Reads, never
 * writes: saleFields books the plan inside a transaction (bookSale's own, or the payment count's).
 */
export async function planSale(db: DB.Database, order: OrderDoc, gb: GroupBuyDoc, now: number): Promise<SalePlan | null> {
  // paidAt and transactionId are set only by the PENDING_PAYMENT → PAID write, after the amount was checked.
  if (order.paidAt === null || !order.transactionId) return null
  const terms: SplitTerms = { ...(await termsFor(db, gb, order.paidAt)), ...(order.delivery?.feeFen ? { deliveryFeeFen: order.delivery.feeFen } : {}) }
  const seq = seqOf(order)
  const accounts: Record<Party, string> = { merchant: gb.merchantId ?? '', leader: gb.creatorOpenid, store: order.pickupPointId, platform: PLATFORM_ACCOUNT_ID }
  const shares = splitShares(order.amountFen, order.quantity, terms)
  const orderId = order._id
  const doc: LedgerOrderDoc = {
    _id: orderId, groupBuyId: order.groupBuyId, title: order.title, seq, terms, accounts, amountFen: order.amountFen, quantity: order.quantity,
    keptQuantity: order.quantity, refundedFen: 0, refundIds: [], released: false, pickedUpAt: null, tierFen: 0, tierMonth: null, leaderId: accounts.leader, position: { frozen: shares, available: zeroShares() }, paidAt: order.paidAt, createdAt: now, updatedAt: now,
  }
  return { doc }
}

/**
 * A planned sale as the fields of its order's write inside the caller's transaction (bookSale's own, or the payment
 * count's): the position, and `saleDueAt` — its four FROZEN entries ride on the order until settle copies them
 * (server/ledger/sale-entries.ts; #23: no insert in the payment's transaction). The position and the mark commit
 * together with the order or not at all.
 */
export function saleFields(plan: SalePlan, now: number): { ledger: LedgerRecord; saleDueAt: number } {
  const { _id, ...ledger } = plan.doc
  void _id
  return { ledger, saleDueAt: now }
}

/** An order with its ledger position (null before the sale is booked): one read of the order. */
async function orderWithLedger(db: DB.Database, orderId: string): Promise<{ order: OrderDoc | null; lo: LedgerOrderDoc | null }> {
  const order = await findById<OrderDoc>(db, 'orders', orderId)
  return { order, lo: ledgerOf(order) }
}

/**
 * Book a paid order's sale in a transaction of its own (settle's catch-up, a pickup or a refund that finds no sale
 * booked yet; a payment books it inside its count, server/payments/payment-flow.ts). Does nothing for an order that
 * was never paid in full.
 */
export async function bookSale(db: DB.Database, orderId: string, now: number): Promise<'BOOKED' | 'ALREADY' | 'NOT_PAID'> {
  const order = await findById<OrderDoc>(db, 'orders', orderId)
  if (!order) return 'NOT_PAID'
  if (order.ledger) return 'ALREADY'
  const gb = await findById<GroupBuyDoc>(db, 'groupBuys', order.groupBuyId)
  const plan = gb ? await planSale(db, order, gb, now) : null
  if (!plan) return 'NOT_PAID'
  let booked: boolean
  try {
    booked = await inTransaction(db, async (t) => {
      const cur = await txGet<OrderDoc>(t, 'orders', orderId)
      if (!cur || cur.ledger) return false
      await t.collection('orders').doc(orderId).update({ data: saleFields(plan, now) })
      return true
    })
  } catch (err) {
    if (!isDuplicateWrite(err)) throw err
    booked = false
  }
  if (!booked) return 'ALREADY'
  // Refunds WeChat Pay confirmed before the sale could be booked (the booking was retried later) apply now.
  for (const r of await refundsOf(db, orderId)) if (r.status === 'DONE') await bookRefund(db, r, now)
  return 'BOOKED'
}

/**
 * The order was handed over: its after-sales window starts and what it keeps counts toward the leader's tier for
 * this month. Its money stays FROZEN (a case may still refund it); releaseDue releases it once no refund can reach it.
 */
export async function bookPickup(db: DB.Database, orderId: string, now: number): Promise<'PICKED_UP' | 'ALREADY' | 'NOT_PICKED_UP'> {
  let { order, lo } = await orderWithLedger(db, orderId)
  if (order && !lo) {
    await bookSale(db, orderId, now)
    ;({ order, lo } = await orderWithLedger(db, orderId))
  }
  if (!order || !lo) return 'NOT_PICKED_UP'
  if (lo.pickedUpAt !== null && lo.pickedUpAt !== undefined) return 'ALREADY'
  if (order.status !== 'PICKED_UP') return 'NOT_PICKED_UP'
  const pickedUpAt = order.pickedUpAt ?? now
  // One write conditional on what the tier volume was computed from: a refund booked in between (it moves
  // refundedFen) makes it miss, and it is computed again from the position as it is then.
  for (let attempt = 0; attempt < 20 && lo; attempt++) {
    if (lo.pickedUpAt !== null && lo.pickedUpAt !== undefined) return 'ALREADY'
    const won = await db
      .collection('orders')
      .where({ _id: orderId, [ledgerPath('pickedUpAt')]: null, [ledgerPath('refundedFen')]: lo.refundedFen })
      .update({ data: ledgerUpdate(pickupFields(lo, pickedUpAt, now)) })
    if (updatedCount(won) === 1) return 'PICKED_UP'
    lo = (await orderWithLedger(db, orderId)).lo
  }
  return 'ALREADY'
}

/**
 * bookPickup inside the hand-over's own transaction (server/pickup/pickup-flow.ts), with `lo` from the order as that
 * transaction read it: the order's fields to add to the transaction's own write of the order (nothing when the
 * pickup is booked already). The tier volume is computed from refundedFen as it reads there, and a refund booked
 * meanwhile (it writes the order) makes the whole transaction conflict and run again on the new position.
 */
export function pickupLedgerFields(lo: LedgerOrderDoc, pickedUpAt: number, now: number): Record<string, unknown> {
  if (lo.pickedUpAt !== null && lo.pickedUpAt !== undefined) return {}
  return ledgerUpdate(pickupFields(lo, pickedUpAt, now))
}

/**
 * The pickup's marks on the ledger position: the after-sales window starts; what the order keeps counts toward the
 * tier of its month (tierVolumeFen).
 */
function pickupFields(lo: Pick<LedgerOrderDoc, 'amountFen' | 'refundedFen' | 'terms'>, pickedUpAt: number, now: number): Partial<LedgerRecord> {
  return { pickedUpAt, tierFen: tierVolumeFen(lo), tierMonth: chinaMonth(pickedUpAt), updatedAt: now }
}

/**
 * Release a picked-up order's money (FROZEN → AVAILABLE, the split of what it keeps) once no refund can reach it:
 * its after-sales window has closed, no case is open or approved-but-unrefunded (the order's after-sales tally holds
 * no units beyond those already refunded), and every refund requested for it is confirmed and booked. The
 * transaction also marks the tally closed, and afterSales.request reserves units only on a tally not closed, so a
 * case racing the release either makes the release retry (and wait) or is refused.
 */
export async function bookRelease(db: DB.Database, orderId: string, now: number, read?: OrderDoc): Promise<'RELEASED' | 'ALREADY' | 'NOT_YET'> {
  // `read`: the order as the caller's page just read it (settle's releaseDue); the transaction reads it again.
  const known = read ?? (await orderWithLedger(db, orderId)).order
  const lo = ledgerOf(known)
  if (!known || !lo) return 'NOT_YET'
  if (lo.released) return 'ALREADY'
  // The sale's entries before the release's (they ride on the order until settle copies them: sale-entries.ts).
  await copySaleOf(db, known)
  // The order's refunds are read only when something says one may exist (#23): see mayHaveRefunds. The order's cases
  // matter only when its after-sales tally holds units (afterSales.request reserves them there before a case
  // exists): read only then, with the refunds. The transaction tells when — nearly every order has neither.
  let refunds = mayHaveRefunds(known, lo) ? await refundsOf(db, orderId) : null
  const windowMs = afterSalesWindowMs()
  const attempt = (cases: readonly AfterSalesCaseDoc[] | null, refundsRead: readonly RefundDoc[] | null) => inTransaction(db, async (t) => {
    const order = await txGet<OrderDoc>(t, 'orders', orderId)
    const cur = ledgerOf(order)
    if (!order || !cur || cur.released) return 'ALREADY' as const
    // A sale booked since the read above and still riding: its entries first, at the next run.
    if (saleRides(order)) return 'NOT_YET' as const
    const tally = await txGet<{ quantity: number; refundedUnits?: number; closed?: boolean }>(t, AFTER_SALES_TALLIES, orderId)
    if ((tally?.quantity ?? 0) > 0 && cases === null) return 'READ_CASES' as const
    // Refunds not read, and the order as read here says one may exist (booked or requested since the read above).
    if (refundsRead === null && mayHaveRefunds(order, cur)) return 'READ_REFUNDS' as const
    const refunds = refundsRead ?? []
    const unbookedRefunds = refunds.filter((r) => !cur.refundIds.includes(r._id)).length
    const openCaseUnits = (tally?.quantity ?? 0) - refundedCaseUnits(cur, cases ?? [])
    if (!mayRelease({ pickedUpAt: cur.pickedUpAt ?? null, openCaseUnits, unbookedRefunds }, windowMs, now)) return 'NOT_YET' as const
    const booked = refunds.filter((r) => cur.refundIds.includes(r._id))
    const moves = planRelease(cur.position, splitOfKept(cur, booked, order?.servedQuantity))
    await t.collection('orders').doc(orderId).update({ data: ledgerUpdate({ released: true, position: applyRelease(cur.position, moves), updatedAt: now }) })
    if (tally) await t.collection(AFTER_SALES_TALLIES).doc(orderId).update({ data: { closed: true } })
    else await t.collection(AFTER_SALES_TALLIES).doc(orderId).set({ data: { quantity: 0, closed: true } })
    const specs: EntrySpec[] = []
    for (const party of PARTIES) {
      const common = { orderId, groupBuyId: cur.groupBuyId, party, partyId: cur.accounts[party], kind: 'RELEASE' as const, refId: null }
      specs.push({ ...common, id: `${orderId}_rl_${party}_f`, amountFen: -moves[party], state: 'FROZEN' })
      specs.push({ ...common, id: `${orderId}_rl_${party}_a`, amountFen: moves[party], state: 'AVAILABLE' })
    }
    await writeEntries(t, specs, now)
    return 'RELEASED' as const
  })
  let released = await attempt(null, refunds)
  if (released === 'READ_CASES' || released === 'READ_REFUNDS') {
    // A case's refund is in `refunds` too: both are read for the second run, which never asks again.
    refunds ??= await refundsOf(db, orderId)
    const cases = released === 'READ_CASES' ? await docsOf<AfterSalesCaseDoc>(db.collection(AFTER_SALES).where({ orderId }).limit(100)) : []
    released = await attempt(cases, refunds)
  }
  // (Only for the type: a run given the cases and the refunds never asks for them.)
  if (released === 'READ_CASES' || released === 'READ_REFUNDS') return 'NOT_YET'
  if (released === 'RELEASED') {
    // Earnings repay a debt before anything else can be withdrawn.
    for (const party of ['leader', 'merchant'] as const) {
      if (lo.accounts[party]) await repayDebt(db, party, lo.accounts[party], accountOf(party, lo.accounts[party]), now)
    }
  }
  return released
}

/**
 * May a refund of this picked-up order exist that the release must see? One booked on its ledger position, or a cause
 * written on the order before its refund is requested: a shortage (servedQuantity, written by the readying before
 * the shortage refund), a 阶梯价 or roll-over difference (tierRefundFen / rollOverRefundFen, written before theirs).
 * An after-sales refund's units are on the order's tally first (read in the release's transaction); a full refund
 * is never requested for a picked-up order. Without any of these no refund of the order can exist. (One this
 * missed would still be booked when confirmed: its reversal comes out of AVAILABLE, as for any refund after a release.)
 */
function mayHaveRefunds(order: Pick<OrderDoc, 'quantity' | 'servedQuantity' | 'tierRefundFen' | 'rollOverRefundFen'>, lo: Pick<LedgerOrderDoc, 'refundIds'>): boolean {
  const short = typeof order.servedQuantity === 'number' && order.servedQuantity < order.quantity
  return lo.refundIds.length > 0 || short || !!order.tierRefundFen || !!order.rollOverRefundFen
}

/**
 * Units of the order's approved cases whose refund is booked here: the part of the tally (units of open and
 * approved cases) that no refund can reach any more. Both only grow, so reading the cases outside the transaction is
 * safe; the tally itself is read inside it.
 */
function refundedCaseUnits(lo: Pick<LedgerOrderDoc, 'refundIds'>, cases: readonly AfterSalesCaseDoc[]): number {
  return cases.filter((c) => c.status === 'APPROVED' && lo.refundIds.includes(c.refundId)).reduce((s, c) => s + c.quantity, 0)
}

/** What releaseDue selects: handed-over orders whose after-sales window has closed, not released yet. */
export const RELEASES_DUE: DueQuery = { collection: 'orders', where: (_, now) => ({ [ledgerPath('released')]: false, [ledgerPath('pickedUpAt')]: _.lte(now - afterSalesWindowMs()) }) }

/** settle: release every picked-up order whose after-sales window has closed (those with a case or refund wait). */
export async function releaseDue(db: DB.Database, now: number): Promise<{ released: number; waiting: number }> {
  const _ = db.command
  const out = { released: 0, waiting: 0 }
  await eachPage<OrderDoc>(db, 'orders', RELEASES_DUE.where(_, now), async (docs) => {
    for (const o of docs) {
      const r = await bookRelease(db, o._id, now, o)
      if (r === 'RELEASED') out.released++
      else if (r === 'NOT_YET') out.waiting++
    }
  })
  return out
}

/**
 * WeChat Pay confirmed a refund of r fen: every party's share becomes its share of the split of what is kept
 * (A − all refunds so far), by the same rule and rounding as the sale. Nothing for an order never booked (the
 * money of a wrong amount, or of an order already cancelled, never entered the ledger).
 */
export async function bookRefund(db: DB.Database, refund: Pick<RefundDoc, '_id' | 'orderId' | 'amountFen'> & { kind?: RefundDoc['kind'] }, now: number): Promise<'REVERSED' | 'ALREADY' | 'NOT_BOOKED'> {
  if ((refund.kind ?? 'order') !== 'order') return 'NOT_BOOKED'
  const { order: known, lo } = await orderWithLedger(db, refund.orderId)
  if (!lo) return 'NOT_BOOKED'
  if (lo.refundIds.includes(refund._id)) return 'ALREADY'
  // The sale's entries before the reversal's (they ride on the order until settle copies them: sale-entries.ts).
  await copySaleOf(db, known)
  const all = await refundsOf(db, refund.orderId)
  const reversed = await inTransaction(db, async (t) => {
    const order = await txGet<OrderDoc>(t, 'orders', refund.orderId)
    const data = await reverseInTx(t, db, order, refund, all, now)
    if (!data) return false
    await t.collection('orders').doc(refund.orderId).update({ data })
    return true
  })
  return reversed ? 'REVERSED' : 'ALREADY'
}

/**
 * A confirmed refund's reversal inside transaction `t`, on the order as `t` read it: the reversal entries are written
 * (a payee's missing AVAILABLE money becomes debt on their balance, read in `t`), and the order's ledger fields to
 * write are returned for the caller's own write of the order in `t` — null when there is nothing to book (no sale
 * booked, or this refund booked already). `all`: the order's refunds, read before `t` (those booked before count
 * towards the split of what is kept).
 */
export async function reverseInTx(t: Tx, db: DB.Database, order: OrderDoc | null, refund: Pick<RefundDoc, '_id' | 'amountFen'>, all: readonly RefundDoc[], now: number): Promise<Record<string, unknown> | null> {
  const cur = ledgerOf(order)
  if (!cur || cur.refundIds.includes(refund._id)) return null
  // Never a reversal without its sale's entries: callers copy a riding sale first (copySaleOf).
  if (saleRides(order)) throw new Error(`ledger: the sale of ${cur._id} still rides on its order; copy it before reversing`)
  const refundIds = [...cur.refundIds, refund._id]
  const booked = [...all.filter((r) => cur.refundIds.includes(r._id) && r._id !== refund._id), refund]
  const refundedFen = cur.refundedFen + refund.amountFen
  const target = splitOfKept(cur, booked, order?.servedQuantity)
  const keptQuantity = keptOf(cur, booked, order?.servedQuantity).keptUnits
  const moves = planReversal(cur.position, target, cur.released)
  // A refund booked in the month the order was picked up lowers that month's tier volume; a later one does not.
  const tierFen = cur.tierMonth && cur.tierMonth === chinaMonth(now) ? Math.max(0, cur.tierFen - refund.amountFen) : cur.tierFen
  const specs: EntrySpec[] = []
  for (const m of moves) specs.push(...(await reversalEntries(db, t, cur, refund._id, m, now)))
  await writeEntries(t, specs, now)
  return ledgerUpdate({ refundedFen, keptQuantity, refundIds, position: applyReversal(cur.position, moves), tierFen, updatedAt: now })
}

/**
 * A party's reversal entries. Money taken out of AVAILABLE of a payee who withdraws (leader, merchant) is checked
 * against what that payee still has available, on their balance document (so a payout cannot take it at the same
 * moment): what is missing (already paid out or held by a payout) becomes their DEBT instead of a negative balance.
 */
async function reversalEntries(db: DB.Database, t: Tx, lo: LedgerOrderDoc, refundId: string, m: Move, now: number): Promise<EntrySpec[]> {
  const common = { orderId: lo._id, groupBuyId: lo.groupBuyId, party: m.party, partyId: lo.accounts[m.party], kind: 'REVERSAL' as const, refId: refundId }
  const id = `${refundId}_rv_${m.party}`
  let fromAvailable = m.fromAvailable
  let debt = 0
  if (fromAvailable > 0 && (m.party === 'leader' || m.party === 'merchant')) {
    const account = accountOf(m.party, lo.accounts[m.party])
    const bal = await txGet<LedgerBalanceDoc>(t, 'ledgerBalances', account)
    ;({ fromAvailable, debt } = splitTakeBackFen(await availableOf(db, account, bal), m.fromAvailable))
    await touchBalance(t, account, bal, m.party, lo.accounts[m.party], { debtFen: debt }, now)
  }
  return [
    { ...common, id: `${id}_f`, amountFen: -m.fromFrozen, state: 'FROZEN' },
    { ...common, id: `${id}_a`, amountFen: -fromAvailable, state: 'AVAILABLE' },
    { ...common, id: `${id}_d`, amountFen: -debt, state: 'DEBT' },
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
 * What catchUpLedger walks: the orders paid in its window whose sale is not in the ledger (no position on the order:
 * `ledger` missing or null, as catchUpLedger and bookSale read it),
 * the orders handed over in it whose pickup is not (`ledger.pickedUpAt` null or missing), and the refunds confirmed
 * in it. #23: only what is not booked — every order paid in the last half hour made settle's probe of `orders` find
 * work in every busy tick.
 */
export const CATCH_UP_PAID: DueQuery = { collection: 'orders', where: (_, now) => ({ paidAt: _.gte(now - CATCH_UP_WINDOW_MS), [LEDGER_FIELD]: null }) }
export const CATCH_UP_PICKED_UP: DueQuery = { collection: 'orders', where: (_, now) => ({ status: 'PICKED_UP', pickedUpAt: _.gte(now - CATCH_UP_WINDOW_MS), [ledgerPath('pickedUpAt')]: null }) }
export const CATCH_UP_REFUNDS: DueQuery = { collection: 'refunds', where: (_, now) => ({ status: 'DONE', doneAt: _.gte(now - CATCH_UP_WINDOW_MS) }) }

/**
 * Book whatever the hooks missed in the last half hour: sales of orders paid, pickups of orders handed over,
 * reversals of refunds confirmed. Each check is against the ledger's own record, so re-running is harmless;
 * anything older is left to admin.reconcile to report.
 */
export async function catchUpLedger(db: DB.Database, now: number): Promise<{ sales: number; pickups: number; refunds: number }> {
  const _ = db.command
  const since = now - CATCH_UP_WINDOW_MS
  const out = { sales: 0, pickups: 0, refunds: 0 }
  // The orders carry their ledger positions (#23): what is booked is read with them.
  const known = async (ids: string[]) => {
    if (ids.length === 0) return new Map<string, LedgerOrderDoc>()
    const res = await docsOf<OrderDoc>(db.collection('orders').where({ _id: _.in(ids) }).limit(ids.length))
    return new Map(res.flatMap((o) => (o.ledger ? [[o._id, ledgerOf(o)!] as const] : [])))
  }
  // #23: the orders paid and the orders handed over in the window in one walk (one read a tick, not two), each order
  // checked by both filters' own tests, its sale before its pickup as the two walks had it. An order whose sale
  // was just booked still shows no ledger here: bookPickup reads it again and answers ALREADY if it is booked.
  for (let lastId = ''; ;) {
    const orders = await docsOf<OrderDoc>(db.collection('orders').where(_.and([_.or([CATCH_UP_PAID.where(_, now), CATCH_UP_PICKED_UP.where(_, now)]), { _id: _.gt(lastId) }])).orderBy('_id', 'asc').limit(PAGE_SIZE))
    for (const o of orders) {
      if ((o.paidAt ?? -Infinity) >= since && !o.ledger && (await bookSale(db, o._id, now)) === 'BOOKED') out.sales++
      if (o.status !== 'PICKED_UP' || (o.pickedUpAt ?? -Infinity) < since) continue
      const lo = ledgerOf(o)
      if ((lo?.pickedUpAt === null || lo?.pickedUpAt === undefined) && (await bookPickup(db, o._id, now)) === 'PICKED_UP') out.pickups++
    }
    if (orders.length < PAGE_SIZE) break
    lastId = orders[orders.length - 1]._id
  }
  await eachPage<RefundDoc>(db, 'refunds', CATCH_UP_REFUNDS.where(_, now), async (refunds) => {
    const have = await known(refunds.map((r) => r.orderId))
    for (const r of refunds) {
      const lo = have.get(r.orderId)
      if (lo && !lo.refundIds.includes(r._id) && (await bookRefund(db, r, now)) === 'REVERSED') out.refunds++
    }
  })
  return out
}

