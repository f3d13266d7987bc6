import { randomBytes } from 'crypto'
import { chinaDay } from '@shared/domain/calendar'
import { PARTIES, splitOfKept, balanceFromEntries, BALANCE_FIELD, type Balance, type EntryState, type Party } from '@shared/domain/ledger'
import type { DebtView, EntryKind, PartyTotals, ReconcileMismatch, ReconcileReport } from '@shared/contracts/ledger'
import { partyTotals } from '@shared/domain/money-lines'
import { getCloud, isDuplicateWrite } from '@server/cloud'
import { pointsForOrder } from '@shared/domain/members'
import type { GroupBuyDoc } from '@server/group-buys/model'
import type { OrderDoc } from '@server/orders/model'
import { findById } from '@server/fetch'
import { expectedCounters } from '@server/group-buys/heal-counters'
import { participationIdFor, pointEntryIdFor } from '@server/ids'
import { earnedEntry, POINT_ENTRIES } from '@server/members/points'
import type { PointEntryDoc } from '@server/members/model'
import type { CloudPayApi } from '@server/payments/pay'
import type { RefundDoc } from '@server/payments/model'
import { ledgerOf, type LedgerBalanceDoc, type LedgerEntryDoc } from '@server/ledger/model'
import { docsOf, eachPage } from '@server/paging'
import { checkRollups } from '@server/insight/rollups'
import { WarmCache } from '@server/warm-cache'
import { reconcilePayouts } from '@server/ledger/reconcile-payouts'
import { copyAllRidingSales, saleEntryDocs, saleRides } from '@server/ledger/sale-entries'
import { withRiding } from '@server/batch-insert'

/**
 * admin.reconcile: the ledger against the payment system, order by order (each party's entries = the split of what
 * the order keeps), every kept balance against its entries, no account's balance below 0 in any state, and the list
 * of payees in debt. What WeChat Pay says (queryOrder, queryRefund) is the reference; the ledger's own records are
 * what is checked; and the orders', points' and group buys' own records of that money, and every closed payout
 * against its transfer bill (reconcile-payouts.ts). A mismatch is reported, never
 * fixed here: fixing it would hide the bug that caused it (settle finishes what a crash cut off, where the rule is clear).
 */

function cloudPay(): CloudPayApi {
  return (getCloud() as unknown as { cloudPay: CloudPayApi }).cloudPay
}

function subMchId(): string {
  // The same merchant setting server/payments/pay.ts uses.
  return process.env.WXPAY_SUB_MCH_ID ?? '1900000109'
}

/** Trade states of a trade that was paid: WeChat Pay reports a (partly) refunded trade as REFUND. */
const PAID_STATES = ['SUCCESS', 'REFUND']

/** What WeChat Pay says was paid for a trade (0 if not paid). */
async function paidPerWeChat(orderId: string): Promise<number> {
  const res = await cloudPay().queryOrder({ sub_mch_id: subMchId(), out_trade_no: orderId, nonce_str: 'reconcile' })
  return res.returnCode === 'SUCCESS' && res.resultCode === 'SUCCESS' && PAID_STATES.includes(String(res.tradeState)) ? Number(res.totalFee ?? 0) : 0
}

/** What WeChat Pay says one refund number refunded (0 if it does not know it or it did not succeed). */
async function refundedPerWeChat(refundNo: string): Promise<number> {
  const res = (await cloudPay().queryRefund({ sub_mch_id: subMchId(), out_refund_no: refundNo, nonce_str: 'reconcile' })) as Awaited<ReturnType<CloudPayApi['queryRefund']>> & { refundFeeList?: number[] }
  if (res.returnCode !== 'SUCCESS' || res.resultCode !== 'SUCCESS' || (res.refundStatusList ?? [])[0] !== 'SUCCESS') return 0
  return Number((res.refundFeeList ?? [])[0] ?? 0)
}

const MAX_LISTED = 200

// A run's id carries a random part: two runs in one millisecond (a double tap, two admins) each keep their report —
// before (an audit: test/node/attacks-messages-admin.test.ts) the second answered INTERNAL on a duplicate id.
export async function reconcile(db: DB.Database, now: number, id = `run_${now}_${randomBytes(4).toString('hex')}`): Promise<ReconcileReport> {
  const mismatches: ReconcileMismatch[] = []
  let mismatchCount = 0
  const report = (m: ReconcileMismatch) => {
    mismatchCount++
    if (mismatches.length < MAX_LISTED) mismatches.push(m)
  }
  let orders = 0
  // Sales whose entries still ride on their orders are copied first (ledger/sale-entries.ts): the books as settle keeps them.
  await copyAllRidingSales(db)
  await eachPage<OrderDoc>(db, 'orders', {}, async (page) => {
    for (const order of page) {
      orders++
      // Each difference names its order (the 对账 page shows the title beside the id).
      await reconcileOrder(db, order, (m) => report({ ...m, title: order.title }))
    }
  })
  await reconcileGroupCounts(db, now, report)
  await reconcileRollups(db, now, report)
  await reconcileBalances(db, report)
  await reconcilePayouts(db, report)
  await checkNoNegativeBalance(db, report)
  const debts = await listDebts(db)
  const totals = await totalsByParty(db)
  const out: ReconcileReport = { reconciliationId: id, at: now, orders, mismatches, mismatchCount, debts, totals }
  await db.collection('reconciliations').add({ data: { _id: id, ...out } })
  return out
}

async function reconcileOrder(db: DB.Database, order: OrderDoc, report: (m: ReconcileMismatch) => void): Promise<void> {
  const orderId = order._id
  // The ledger position is on the order (#23).
  const lo = ledgerOf(order)
  const [paid, refunds, entries, earned] = await Promise.all([
    paidPerWeChat(orderId),
    query<RefundDoc>(db.collection('refunds').where({ orderId }).limit(100)),
    entriesOf(db, order),
    order.status === 'PICKED_UP' ? findById<PointEntryDoc>(db, POINT_ENTRIES, pointEntryIdFor('EARN_PICKUP', orderId)) : Promise.resolve(null),
  ])
  // …or still riding on the order as read (its hand-over's records, until settle copies them: applied already).
  const riding = order.handoverRecords?.earned
  reconcileOrderRecords(order, refunds, earned ?? (riding ? earnedEntry(orderId, order.openid, riding) : null), report)
  let refunded = 0
  for (const r of refunds) refunded += await refundedPerWeChat(r._id)
  const sum = entries.reduce((s, e) => s + e.amountFen, 0)
  if (sum !== paid - refunded) report({ orderId, kind: 'PAID_MINUS_REFUNDED', expected: paid - refunded, actual: sum })
  if (!lo) return
  if (lo.refundedFen !== refunded) report({ orderId, kind: 'REFUNDED_FEN', expected: refunded, actual: lo.refundedFen })
  // The split of what the order keeps after the refunds the ledger booked (their amounts and units); a refund WeChat
  // Pay confirmed but the ledger did not book shows above as PAID_MINUS_REFUNDED and REFUNDED_FEN.
  const expected = splitOfKept(lo, refunds.filter((r) => lo.refundIds.includes(r._id)), order.servedQuantity)
  const net = Object.fromEntries(PARTIES.map((p) => [p, 0])) as Record<(typeof PARTIES)[number], number>
  for (const e of entries) net[e.party] += e.amountFen
  for (const p of PARTIES) {
    if (net[p] !== expected[p]) report({ orderId, account: `${p}:${lo.accounts[p]}`, kind: 'SPLIT', expected: expected[p], actual: net[p] })
  }
  if (order.status === 'PICKED_UP' && !lo.pickedUpAt && !lo.released) report({ orderId, kind: 'NOT_RELEASED', expected: 'pickup booked', actual: 'not booked' })
}

/** No account's balance is below 0 in any state (one aggregate over all entries, grouped by account and state). */
async function checkNoNegativeBalance(db: DB.Database, report: (m: ReconcileMismatch) => void): Promise<void> {
  const $ = db.command.aggregate
  const res = (await db.collection('ledgerEntries').aggregate().group({ _id: { account: '$account', state: '$state' }, total: $.sum('$amountFen') }).limit(1_000_000).end()) as unknown as {
    list: { _id: { account: string; state: EntryState }; total: number }[]
  }
  const byAccount = new Map<string, { amountFen: number; state: EntryState }[]>()
  for (const r of res.list) byAccount.set(r._id.account, [...(byAccount.get(r._id.account) ?? []), { amountFen: r.total, state: r._id.state }])
  for (const [account, sums] of byAccount) {
    const b = balanceFromEntries(sums)
    for (const state of Object.keys(BALANCE_FIELD) as EntryState[]) {
      const v = b[BALANCE_FIELD[state]]
      if (v < 0) report({ orderId: null, account, kind: 'NEGATIVE_BALANCE', expected: { [BALANCE_FIELD[state]]: '≥ 0' }, actual: { [BALANCE_FIELD[state]]: v } })
    }
  }
}

/** Each party's totals over every entry (one aggregate grouped by account, kind and state). */
async function totalsByParty(db: DB.Database): Promise<PartyTotals[]> {
  const $ = db.command.aggregate
  const res = (await db
    .collection('ledgerEntries')
    .aggregate()
    .group({ _id: { party: '$party', account: '$account', kind: '$kind', state: '$state' }, total: $.sum('$amountFen') })
    .limit(1_000_000)
    .end()) as unknown as { list: { _id: { party: Party; account: string; kind: EntryKind; state: EntryState }; total: number }[] }
  return partyTotals(res.list.map((r) => ({ ...r._id, amountFen: r.total })))
}

/** Payees in debt, from their balance documents (checked against their DEBT entries by reconcileBalances). */
async function listDebts(db: DB.Database): Promise<DebtView[]> {
  const res = await docsOf<LedgerBalanceDoc>(db.collection('ledgerBalances').where({ debtFen: db.command.gt(0) }).orderBy('debtFen', 'desc').limit(MAX_LISTED))
  return res.map((b) => ({ account: b._id, debtFen: b.debtFen ?? 0 }))
}

/**
 * The order's own record of its refunds: refundedFen is the sum of its confirmed refunds, a confirmed full refund
 * leaves it REFUNDED (and REFUNDED needs one); a picked-up order that earned points has its points entry, applied.
 * settle finishes what a crash cut off (finishConfirmedRefunds, finishInterruptedHandovers): what is listed here
 * outlived that.
 */
function reconcileOrderRecords(order: OrderDoc, refunds: RefundDoc[], earned: PointEntryDoc | null, report: (m: ReconcileMismatch) => void): void {
  const orderId = order._id
  const done = refunds.filter((r) => (r.kind ?? 'order') === 'order' && r.status === 'DONE')
  const confirmedFen = done.reduce((s, r) => s + r.amountFen, 0)
  // Refunds confirmed before orders kept refundIds moved refundedFen only for a REFUNDING order: those are not compared.
  const recorded = order.refundIds !== undefined || done.every((r) => r.appliedAt !== undefined)
  if (recorded && (order.refundedFen ?? 0) !== confirmedFen) report({ orderId, kind: 'ORDER_REFUNDED_FEN', expected: confirmedFen, actual: order.refundedFen ?? 0 })
  const fullDone = done.some((r) => !r.partial)
  if (fullDone && order.status === 'REFUNDING') report({ orderId, kind: 'ORDER_STATUS', expected: 'REFUNDED', actual: order.status })
  if (order.status === 'REFUNDED' && !fullDone) report({ orderId, kind: 'ORDER_STATUS', expected: 'a confirmed full refund', actual: order.status })
  if (order.status === 'PICKED_UP' && (!earned || earned.pendingSince !== 0) && pointsForOrder(order) > 0) {
    report({ orderId, kind: 'POINTS', expected: 'EARN_PICKUP applied', actual: earned ? 'pending' : 'missing' })
  }
}

/**
 * Each running group buy's paid counts against a recount of its paid orders (paid participants from participations
 * and uncounted payers, sold from its paid orders; sold only until the goods arrive). settle corrects them at once (healGroupBuyCounters);
 * what is listed here is off right now.
 */
async function reconcileGroupCounts(db: DB.Database, now: number, report: (m: ReconcileMismatch) => void): Promise<void> {
  const _ = db.command
  await eachPage<GroupBuyDoc>(db, 'groupBuys', { status: _.in(['OPEN', 'SUCCEEDED']), endAt: _.gt(now) }, async (page) => {
    for (const gb of page) {
      const expected = await expectedCounters(db, gb._id)
      // Payments PAID but never counted (a crash after PAID that nothing finished yet) count here: the group's counts
      // are then short of its paid orders. (The heal leaves them to finishPayment, which counts them once.)
      const uncounted = await docsOf<OrderDoc>(db.collection('orders').where({ groupBuyId: gb._id, paymentFinishedAt: 0 }).limit(1000))
      const payers = new Set<string>()
      for (const o of uncounted) {
        if (o.countedAt || !['PAID', 'READY_FOR_PICKUP', 'PICKED_UP'].includes(o.status)) continue
        expected.sold += o.quantity
        const part = await findById<{ paidOrders?: number }>(db, 'participations', participationIdFor(gb._id, o.openid))
        if (!part?.paidOrders) payers.add(o.openid)
      }
      expected.paidParticipants += payers.size
      const actual = { paidParticipants: gb.paidParticipants, ...(gb.arrivedAt ? {} : { soldQuantity: gb.soldQuantity }) }
      const want = { paidParticipants: expected.paidParticipants, ...(gb.arrivedAt ? {} : { soldQuantity: expected.sold }) }
      if (JSON.stringify(actual) !== JSON.stringify(want)) report({ orderId: null, groupBuyId: gb._id, kind: 'GROUP_COUNTS', expected: want, actual })
    }
  })
}

/** How far back the dashboard's rollups are recounted: group buys still running or ended within this. */
const ROLLUP_CHECK_MS = 30 * 86_400_000

/**
 * The dashboard's day rollups (#23) of group buys running or ended in the last 30 days, each against its recount from
 * the orders and refunds (server/insight/rollups.ts). A payment or refund being applied at this very moment can show
 * for one run; anything else listed is a rollup that is wrong.
 */
async function reconcileRollups(db: DB.Database, now: number, report: (m: ReconcileMismatch) => void): Promise<void> {
  const _ = db.command
  await eachPage<GroupBuyDoc>(db, 'groupBuys', { endAt: _.gt(now - ROLLUP_CHECK_MS) }, async (page) => {
    for (const gb of page) {
      const r = await checkRollups(db, gb._id)
      if (!r.equal) report({ orderId: null, groupBuyId: gb._id, kind: 'SALES_ROLLUP', expected: r.recount, actual: r.stored })
    }
  })
}

async function query<T>(q: { get(): unknown }): Promise<T[]> {
  return ((await q.get()) as { data: T[] }).data
}

/** An order's entries, with its sale's if they still ride on it as read (a payment booked since the copy above). */
async function entriesOf(db: DB.Database, order: OrderDoc): Promise<LedgerEntryDoc[]> {
  const res = await docsOf<LedgerEntryDoc>(db.collection('ledgerEntries').where({ orderId: order._id }).limit(1000))
  const lo = ledgerOf(order)
  if (!lo || !saleRides(order)) return res
  return withRiding(res, saleEntryDocs(lo))
}

/**
 * Every payee's payout document equals its payout entries: held = what payout entries took out of AVAILABLE (less
 * what failed payouts gave back), pending and paid out = the PAYOUT_PENDING and PAID_OUT sums, debt = −DEBT sum.
 */
async function reconcileBalances(db: DB.Database, report: (m: ReconcileMismatch) => void): Promise<void> {
  const _ = db.command
  await eachPage<LedgerBalanceDoc>(db, 'ledgerBalances', {}, async (page) => {
    for (const bal of page) {
      const derived = await derivedBalance(db, bal._id)
      const $ = _.aggregate
      const held = (await db.collection('ledgerEntries').aggregate().match({ account: bal._id, kind: 'PAYOUT', state: 'AVAILABLE' }).group({ _id: null, total: $.sum('$amountFen') }).end()) as unknown as { list: { total: number }[] }
      const expected = { heldFen: 0 - (held.list[0]?.total ?? 0), pendingPayoutFen: derived.pendingPayoutFen, paidOutFen: derived.paidOutFen, debtFen: derived.debtFen }
      for (const k of ['heldFen', 'pendingPayoutFen', 'paidOutFen', 'debtFen'] as const) {
        if ((bal[k] ?? 0) !== expected[k]) report({ orderId: null, account: bal._id, kind: 'BALANCE', expected: { [k]: expected[k] }, actual: { [k]: bal[k] ?? 0 } })
      }
    }
  })
}

/** An account's balances summed from its entries (one grouped aggregate). */
export async function derivedBalance(db: DB.Database, account: string): Promise<Balance> {
  const $ = db.command.aggregate
  const res = (await db.collection('ledgerEntries').aggregate().match({ account }).group({ _id: '$state', total: $.sum('$amountFen') }).end()) as unknown as { list: { _id: string; total: number }[] }
  return balanceFromEntries(res.list.map((r) => ({ state: r._id as LedgerEntryDoc['state'], amountFen: r.total })))
}

/**
 * The days whose claim this instance saw made or taken: a fact that never changes, so the other ticks of the day on a
 * warm instance skip the insert that would fail as a duplicate (#23: one failing operation a minute). A cold
 * instance tries the insert once; the keyed insert stays the guard across instances.
 */
const claimedDays = new WarmCache<true>(8)

/** settle: reconcile once per Beijing day (the first tick of the day claims it with a keyed insert). */
export async function reconcileDaily(db: DB.Database, now: number): Promise<{ ran: boolean; mismatchCount?: number }> {
  const day = chinaDay(now)
  if (claimedDays.get(day)) return { ran: false }
  try {
    await db.collection('reconciliations').add({ data: { _id: `claim_${day}`, at: now } })
  } catch (err) {
    if (!isDuplicateWrite(err)) throw err
    claimedDays.set(day, true)
    return { ran: false }
  }
  claimedDays.set(day, true)
  const r = await reconcile(db, now, `daily_${day}`)
  return { ran: true, mismatchCount: r.mismatchCount }
}

export async function lastReconciliation(db: DB.Database): Promise<ReconcileReport | null> {
  const res = await docsOf<ReconcileReport & { _id?: string }>(db.collection('reconciliations').where({ orders: db.command.gte(0) }).orderBy('at', 'desc').limit(1))
  if (!res[0]) return null
  const { _id, ...report } = res[0]
  return report
}
