import { chinaDayNumber } from '@shared/domain/calendar'
import { hasReachedThreshold, thresholdConditions } from '@shared/domain/group-buy'
import { saleIncrements } from '@shared/domain/insight'
import type { GroupBuyDoc } from '@server/group-buys/model'
import type { OrderDoc } from '@server/orders/model'
import { findById, updatedCount } from '@server/fetch'
import { whereConditions } from '@server/group-buys/conditions'
import { moveOrder, moveOrderInTx } from '@server/orders/moves'
import { addNotice } from '@server/messages/notices'
import { enqueue, enqueueMany, type OutboxMessage } from '@server/messages/outbox'
import { queryPaid } from '@server/payments/pay'
import { drawnPickupCode, pickupCodeTtlMs, readyForPickup, tellArrived } from '@server/pickup/pickup-flow'
import { pickupWordsFor, pickupWordsForGroupBuy } from '@server/pickup/place'
import { requestRefund } from '@server/payments/refunds'
import { bookSale, planSale, saleFields as saleFieldsOf } from '@server/ledger/ledger-flow'
import { nextSeqOf, seqFields, seqOf } from '@server/group-buys/join-order'
import { inTransaction, txGet } from '@server/ledger/txn'
import { crashPoint } from '@server/crash-points'
import { finishEach } from '@server/crash-finish'
import { docsOf, eachPage } from '@server/paging'
import { drainMarked } from '@server/batch-insert'
import { isDuplicateWrite } from '@server/cloud'
import { issueVoucher, issueVoucherInTx } from '@server/vouchers/issue'
import { addBuyerDayInTx } from '@server/insight/buyer-days'
import { countParticipationInTx, isFirstPaid, participationForCount } from '@server/group-buys/first-payer'
import type { DueQuery } from '@server/due'

export type PaymentOutcome = 'PAID' | 'ALREADY_APPLIED' | 'NOT_PAID' | 'UNKNOWN_ORDER' | 'REFUNDING'

/**
 * Apply a payment WeChat Pay told us about. Trust nothing in the notice: ask queryOrder, check the amount,
 * then make each step a conditional write so replays and races change nothing twice.
 */
export async function applyPayment(db: DB.Database, orderId: string, now: number): Promise<PaymentOutcome> {
  const confirmed = await queryPaid(orderId)
  if (confirmed.paid) {
    // #23: the usual payment — the order still PENDING_PAYMENT, the amount right — is moved to PAID inside its
    // count's transaction, with the sale, the pickup code and, when nothing follows, its finish: a crash leaves all
    // of it or none, and WeChat Pay's re-sent notice (or the hold's expiry, which asks WeChat Pay) applies it again.
    // Anything else (a replay, a wrong amount, a cancelled hold, a keyed write found taken): the steps below.
    const fast = await payInOneCommit(db, orderId, { paidAt: now, transactionId: confirmed.transactionId, totalFee: confirmed.totalFee }, now)
    if (fast) return fast
  }
  const order = await findById<OrderDoc>(db, 'orders', orderId)
  if (!order) return 'UNKNOWN_ORDER'
  if (!confirmed.paid) return 'NOT_PAID'
  if (confirmed.totalFee !== order.amountFen) {
    // Money arrived that does not match the order: never count it, give back exactly what was paid.
    await requestRefund(db, { ...order, amountFen: confirmed.totalFee }, '支付金额不符', now)
    return 'REFUNDING'
  }

  // paymentFinishedAt 0 marks the steps below as not done yet: a re-sent notice or settle finishes them. The 跟团号
  // is given by the count (countPayment), from the group buy's counter.
  const paidFields = { paidAt: now, transactionId: confirmed.transactionId, paymentFinishedAt: 0, paidIn: order.groupBuyId }
  const asPaid: OrderDoc = { ...order, ...paidFields, status: 'PAID' }
  const paid = await moveOrder(db, orderId, 'PENDING_PAYMENT', 'PAID', paidFields)
  if (!paid) {
    const current = (await findById<OrderDoc>(db, 'orders', orderId)) ?? order
    if (current.status === 'CANCELLED' || current.status === 'EXPIRED') {
      // Paid after the hold was released: the resident gets their money back, automatically.
      await requestRefund(db, current, '订单已取消或超时后到账', now)
      return 'REFUNDING'
    }
    // A re-sent notice after a crash finishes what the first one left (nothing is done twice).
    if (current.paymentFinishedAt === 0) return finishPayment(db, current, now)
    return 'ALREADY_APPLIED'
  }
  crashPoint('payment:after-paid')
  return finishPayment(db, asPaid, now, { justPaid: true })
}

/** What WeChat Pay confirmed, for the move to PAID inside the count's transaction. */
interface Confirmed {
  paidAt: number
  transactionId: string
  totalFee: number
}

/** The order was not the usual payment inside the transaction that was to move it: the ordinary steps decide. */
class NotPending extends Error {}

/**
 * applyPayment's usual case in one transaction (countPayment with `pending`): null when the transaction found the
 * order not PENDING_PAYMENT or not of the confirmed amount, or a keyed write taken — it then wrote nothing.
 */
async function payInOneCommit(db: DB.Database, orderId: string, pending: Confirmed, now: number): Promise<PaymentOutcome | null> {
  let counted: Counted | null
  try {
    counted = await countOnce(db, orderId, now, true, pending)
  } catch (err) {
    if (err instanceof NotPending) return null
    throw err
  }
  if (!counted?.order) return null
  crashPoint('payment:after-paid')
  return afterCount(db, counted.order, counted, now, true)
}

/**
 * The steps after PENDING_PAYMENT → PAID, in order: the ledger's sale and the count (participation and the group's
 * counters; one transaction keyed by the order holds both for a fresh payment), ready-for-pickup when the goods are already in, 成团, and last
 * the order's paymentFinishedAt. Each is keyed by the order or conditional, so running them again after a crash
 * anywhere — a re-sent notice, settle — does each once.
 */
export async function finishPayment(db: DB.Database, order: OrderDoc, now: number, opts: { justPaid?: boolean } = {}): Promise<PaymentOutcome> {
  // Just moved to PAID by this call: its sale is booked inside the count's transaction (one commit for both, #23).
  // A payment finished later (a re-sent notice, settle) books the sale on its own first — it may be booked already.
  if (!opts.justPaid) {
    await bookSale(db, order._id, now)
    crashPoint('payment:after-sale')
  }
  const counted = await countOnce(db, order._id, now, !!opts.justPaid)
  if (!counted) return 'ALREADY_APPLIED'
  return afterCount(db, order, counted, now, !!opts.justPaid)
}

/** finishPayment from the count on (also the end of payInOneCommit). */
async function afterCount(db: DB.Database, order: OrderDoc, counted: Counted, now: number, justPaid: boolean): Promise<PaymentOutcome> {
  if (justPaid) {
    // Not booked inside the count (it was counted before, or something it would write existed already): book it now.
    if (!counted.sale) await bookSale(db, order._id, now)
    crashPoint('payment:after-sale')
  }
  crashPoint('payment:after-count')
  if (counted.finished) {
    // Nothing follows this payment (no voucher, goods not in, no 成团 to win; a 成团 message it is owed is marked on the order):
    // the count's transaction marked it finished. The gaps below are empty for it.
    crashPoint('payment:after-ready')
    crashPoint('payment:after-succeeded')
    return 'PAID'
  }
  let outcome: PaymentOutcome = 'PAID'
  if (counted.outcome === 'ENDED') {
    // The group ended (failed or closed) while this payment was in flight.
    await requestRefund(db, order, '团购已结束', now)
    outcome = 'REFUNDING'
  } else {
    // The group buy and the order as the count's transaction left them (read again only when it counted nothing).
    const gb = counted.groupBuy ?? (await findById<GroupBuyDoc>(db, 'groupBuys', order.groupBuyId))
    if (gb) {
      const current = counted.order ?? (await findById<OrderDoc>(db, 'orders', order._id)) ?? order
      // Paid after the goods arrived (the group had already succeeded): ready to collect straight away — unless
      // the goods arrived short, when nothing is left for a late payer and the money goes back.
      // #25: a paid service booking gets its voucher (no arrival: it stays PAID until redeemed).
      if (gb.kind === 'SERVICE') await issueVoucher(db, current, gb, now)
      if (gb.arrivedAt && current.status === 'PAID') {
        if (gb.arrivalShort) await requestRefund(db, current, '到货不足退款', now)
        else await readyForPickup(db, current, pickupCodeTtlMs(), now)
      } else if (gb.arrivedAt && current.status === 'READY_FOR_PICKUP') {
        // Readied by a run a crash cut off after its transaction: the 到货 message (keyed) may be all that is missing.
        await tellArrived(db, current, now)
      }
      crashPoint('payment:after-ready')
      if (!(await succeedIfReached(db, gb, now, !!counted.groupBuy)) && gb.status === 'SUCCEEDED') await enqueue(db, `succeeded_${order._id}`, succeededMessage(gb, order, await pickupWordsForGroupBuy(db, gb._id, now)), now)
      crashPoint('payment:after-succeeded')
    }
  }
  await db.collection('orders').where({ _id: order._id, paymentFinishedAt: 0 }).update({ data: { paymentFinishedAt: now } })
  return outcome
}

/**
 * Count a payment once: the payer's participation (paidOrders), and — while the group buy is running — its
 * paidParticipants (a first paid order), soldQuantity and reservedQuantity, and the order's countedAt, all in one
 * transaction, so a crash leaves either all of it or none and two at once count it once.
 */
interface Counted {
  outcome: 'COUNTED' | 'ENDED' | 'ALREADY'
  /** The order as the transaction read it (with its count). */
  order?: OrderDoc
  /** When it counted: the group buy as the transaction left it (the same as a read right after). */
  groupBuy?: GroupBuyDoc
  /** The ledger's sale was booked in this transaction. */
  sale?: boolean
  /** Nothing follows: the transaction also set paymentFinishedAt (and succeededDueAt when the payer is owed a 成团 message). */
  finished?: boolean
}

/**
 * countPayment for a payment that just moved the order to PAID (`fresh`): the sale, and when nothing else follows
 * paymentFinishedAt (and the mark of a 成团 message owed, succeededDueAt), go into the same transaction (#23).
 * A sale booked already (settle's catch-up) is on the order the transaction reads, and is not booked again.
 * The sale's entries ride on the order (ledger/sale-entries.ts): the transaction inserts nothing for them. Something
 * keyed it does insert that exists already — a service's voucher or its notice (issueVoucherInTx) — makes the whole
 * transaction a duplicate that wrote nothing: it is then counted alone, and the caller books the sale and finishes the rest the ordinary way (each
 * step keyed, so nothing twice).
 */
async function countOnce(db: DB.Database, orderId: string, now: number, fresh: boolean, pending?: Confirmed): Promise<Counted | null> {
  if (!fresh) return countPayment(db, orderId, now, false)
  try {
    return await countPayment(db, orderId, now, true, pending)
  } catch (err) {
    if (!isDuplicateWrite(err)) throw err
    // Moving from PENDING_PAYMENT too: nothing was written, the caller takes the ordinary steps.
    if (pending) return null
    return countPayment(db, orderId, now, false)
  }
}

/**
 * After this count, does anything remain for the payment? Not when the group buy is running without the goods in
 * (a service's voucher issued in the same transaction), and this payment does not take it to 成团 (OPEN below the
 * threshold, or SUCCEEDED already).
 */
function nothingFollows(gb: GroupBuyDoc, voucherIssued: boolean): boolean {
  if ((gb.kind === 'SERVICE' && !voucherIssued) || gb.arrivedAt) return false
  return gb.status === 'SUCCEEDED' || (gb.status === 'OPEN' && !hasReachedThreshold(gb))
}

async function countPayment(db: DB.Database, orderId: string, now: number, fresh: boolean, pending?: Confirmed): Promise<Counted> {
  return inTransaction(db, async (t): Promise<Counted> => {
    const read = await txGet<OrderDoc & { countedAfterEnd?: boolean }>(t, 'orders', orderId)
    if (!read) return { outcome: 'ALREADY' }
    // `pending`: this transaction also makes the move to PAID (payInOneCommit), for the usual payment only.
    if (pending && (read.status !== 'PENDING_PAYMENT' || read.amountFen !== pending.totalFee)) throw new NotPending()
    const fromPending = pending && { paidAt: pending.paidAt, transactionId: pending.transactionId, paymentFinishedAt: 0, paidIn: read.groupBuyId }
    // The order as this transaction will write it: PAID when it makes the move (moveOrderInTx below); with its
    // 跟团号 once the count below gives it one.
    let o: OrderDoc & { countedAfterEnd?: boolean } = fromPending ? { ...read, ...fromPending, status: 'PAID' } : read
    // The ledger position of a sale booked here rides on the order's write (#23: no document of its own).
    let saleFields: Record<string, unknown> = {}
    // The order's write in this transaction: with the move to PAID when it is made here.
    const writeOrder = (fields: Record<string, unknown>) => {
      const data = { ...saleFields, ...fields }
      return fromPending ? moveOrderInTx(t, read, 'PAID', { ...fromPending, ...data }) : t.collection('orders').doc(orderId).update({ data })
    }
    // Counted before (a crash came after): an order that came after the end still needs its refund.
    if (o.countedAt) return { outcome: o.countedAfterEnd ? 'ENDED' : 'ALREADY', order: o }
    // The ledger's sale, from the order and its group buy as this transaction reads them (uncounted: not booked yet
    // by this flow; booked by anyone else — settle's catch-up — the order read here carries its position already).
    let booked = false
    const bookSaleWith = async (gb: GroupBuyDoc | null) => {
      if (!fresh) return
      if (o.ledger) {
        booked = true
        return
      }
      const plan = gb ? await planSale(db, o, gb, now) : null
      if (plan) saleFields = saleFieldsOf(plan, now)
      booked = !!plan
    }
    // The sale goes into its group buy's day rollup exactly once, with the count (the dashboard's figures, #23):
    // every payment, also one that came too late to join the counts (the dashboard shows what was paid).
    const sale = saleRollup(db, o)
    if (!COUNTABLE_STATUSES.includes(o.status)) {
      // Refunded before it could be counted (its group ended, the goods came short): it never joins the counts.
      if (fresh) await bookSaleWith(await txGet<GroupBuyDoc>(t, 'groupBuys', o.groupBuyId))
      await t.collection('groupBuys').doc(o.groupBuyId).update({ data: sale })
      await addBuyerDayInTx(t, db, o)
      await writeOrder({ countedAt: now })
      return { outcome: 'ALREADY', order: { ...o, ...saleFields, countedAt: now }, sale: booked }
    }
    // The buyer's participation, not read for the order whose join made it (group-buys/first-payer.ts, #23).
    const participation = await participationForCount(t, o)
    const gb = await txGet<GroupBuyDoc>(t, 'groupBuys', o.groupBuyId)
    const running = !!gb && RUNNING_STATUSES.includes(gb.status)
    // 跟团号: the group buy's next number, given with the count (one home: group-buys/join-order.ts) — before the
    // sale is planned, which carries it into the ledger's lines.
    const numbered = gb && running && seqOf(o) === null ? await nextSeqOf(db, gb) : null
    const seqMark = numbered && gb ? seqFields(gb._id, numbered.seq) : {}
    o = { ...o, ...seqMark }
    await bookSaleWith(gb)
    const firstPaid = isFirstPaid(participation)
    // The buyer's paid day (the repeat rate's rollup, #23) rides on the participation's own write.
    await countParticipationInTx(t, db, o, participation, now)
    let counted: GroupBuyDoc | undefined
    if (gb && running) {
      const counts = { paidParticipants: gb.paidParticipants + (firstPaid ? 1 : 0), soldQuantity: gb.soldQuantity + o.quantity, reservedQuantity: gb.reservedQuantity - o.quantity, ...(numbered ? { paidSeq: numbered.paidSeq } : {}) }
      await t.collection('groupBuys').doc(gb._id).update({ data: { ...counts, ...sale } })
      counted = { ...gb, ...counts }
    } else if (gb) {
      await t.collection('groupBuys').doc(gb._id).update({ data: sale })
    }
    // #25: a paid booking's voucher, drawn and reserved in this transaction, on the order's own write (#23).
    const voucher = fresh && counted && o.status === 'PAID' && o.kind === 'SERVICE' && !o.voucherCode ? await issueVoucherInTx(t, o, counted, now) : {}
    const finished = fresh && booked && !!counted && nothingFollows(counted, 'voucherCode' in voucher)
    // Paid into a group that has already succeeded: its 成团 message is owed by a mark on the order's own write below,
    // queued by settle in batches (queueDueSucceeded) — no outbox insert in the payment, and no message written
    // first (notifySucceeded's, keyed alike) can make this transaction a duplicate.
    const succeededDue = finished && counted!.status === 'SUCCEEDED' ? { succeededDueAt: now } : {}
    // Its pickup code, drawn now on the order's own write (pickup-flow drawnPickupCode), reserved with its group's
    // when the goods arrive and shown only then: the sign-off readies the group in one write instead of a
    // transaction per order, and the payment writes no document for the code (#23).
    const code = fresh && counted && o.status === 'PAID' && o.kind !== 'SERVICE' && !o.pickupCode ? drawnPickupCode(now) : {}
    const mark = running ? { countedAt: now, ...seqMark, ...code, ...voucher, ...succeededDue, ...(finished ? { paymentFinishedAt: now } : {}) } : { countedAt: now, countedAfterEnd: true }
    await writeOrder(mark)
    return { outcome: running ? 'COUNTED' : 'ENDED', order: { ...o, ...saleFields, ...mark }, groupBuy: counted, sale: booked, finished }
  })
}

/** The day rollup's increments for one paid order (day = the China day it was paid). */
function saleRollup(db: DB.Database, o: OrderDoc): Record<string, unknown> {
  const inc = saleIncrements(chinaDayNumber(o.paidAt ?? 0), o.quantity, o.amountFen)
  return Object.fromEntries(Object.entries(inc).map(([path, by]) => [path, db.command.inc(by)]))
}

const RUNNING_STATUSES: readonly string[] = ['OPEN', 'SUCCEEDED']
const COUNTABLE_STATUSES: readonly string[] = ['PAID', 'READY_FOR_PICKUP', 'PICKED_UP']

/**
 * 成团 once the paid participants reach the minimum: one conditional write OPEN → SUCCEEDED wins, then everyone
 * paid so far is told. succeededNotified is false between the two, so settle re-sends (keyed) what a crash cut off.
 * True when this call won the transition.
 */
export async function succeedIfReached(db: DB.Database, gb: GroupBuyDoc, now: number, isFresh = false): Promise<boolean> {
  const _ = db.command
  // `isFresh`: the caller's copy is what a transaction just wrote (the counts of every payment before it included).
  const fresh = isFresh ? gb : ((await findById<GroupBuyDoc>(db, 'groupBuys', gb._id)) ?? gb)
  if (fresh.status !== 'OPEN' || !hasReachedThreshold(fresh)) return false
  const won = await db.collection('groupBuys').where({ _id: gb._id, status: 'OPEN', ...whereConditions(_, thresholdConditions(fresh.minParticipants)) }).update({ data: { status: 'SUCCEEDED', succeededAt: now, succeededNotified: false } })
  // Exactly one payment wins the transition and tells everyone who has paid so far.
  if (updatedCount(won) !== 1) return false
  await notifySucceeded(db, fresh, now)
  return true
}

/** 成团: what, how many, and (#22) where and when it will be collected. */
function succeededMessage(gb: GroupBuyDoc, order: Pick<OrderDoc, '_id' | 'openid' | 'quantity'>, words: { place: string; window: string }) {
  return {
    toOpenid: order.openid,
    template: 'GROUP_SUCCEEDED' as const,
    page: `pages/resident/order/index?orderId=${order._id}`,
    data: { thing1: { value: gb.title.slice(0, 20) }, number2: { value: String(order.quantity) } },
    where: words,
  }
}

/** 成团: the leader and, for a supply group buy, the merchant each get one notice (keyed by the group buy). */
async function noticeSucceededToSellers(db: DB.Database, gb: GroupBuyDoc, now: number): Promise<void> {
  const body = `「${gb.title}」已达到 ${gb.minParticipants} 人成团`
  await addNotice(db, `gbok_l_${gb._id}`, { openid: gb.creatorOpenid, kind: 'GROUP_SUCCEEDED', title: '你的团购已成团', body, page: `pages/leader/group/index?groupBuyId=${gb._id}` }, now)
  if (gb.merchantId) {
    await addNotice(db, `gbok_m_${gb._id}`, { openid: gb.merchantId, kind: 'GROUP_SUCCEEDED', title: '帮卖团购已成团', body, page: `pages/merchant/offers/index` }, now)
  }
}

export async function notifySucceeded(db: DB.Database, gb: GroupBuyDoc, now: number): Promise<void> {
  await noticeSucceededToSellers(db, gb, now)
  const words = await pickupWordsForGroupBuy(db, gb._id, now)
  await eachPage<OrderDoc>(db, 'orders', { groupBuyId: gb._id, status: 'PAID' }, async (orders) => {
    await enqueueMany(db, orders.map((o) => ({ key: `succeeded_${o._id}`, msg: succeededMessage(gb, o, words) })), now)
  })
  await db.collection('groupBuys').where({ _id: gb._id, succeededNotified: false }).update({ data: { succeededNotified: true } })
}

/** What finishInterruptedPayments selects: payments whose later steps are not done, 成团s not told yet. */
export const UNFINISHED_PAYMENTS: DueQuery = { collection: 'orders', where: () => ({ paymentFinishedAt: 0 }) }
export const UNTOLD_SUCCESSES: DueQuery = { collection: 'groupBuys', where: () => ({ succeededNotified: false }) }
/** What queueDueSucceeded selects: payments into a group already 成团 that are owed its message. */
export const OWED_SUCCESS_MESSAGES: DueQuery = { collection: 'orders', where: (_) => ({ succeededDueAt: _.gt(0) }) }

/**
 * settle: payments a crash cut off after PENDING_PAYMENT → PAID (WeChat Pay re-sends the notice too, but a lost
 * process may never answer it), and 成团 messages a crash cut off after the transition.
 */
export async function finishInterruptedPayments(db: DB.Database, now: number, batch = 100): Promise<{ payments: number; succeededNotices: number }> {
  const _ = db.command
  const orders = await docsOf<OrderDoc>(db.collection('orders').where(UNFINISHED_PAYMENTS.where(_, now)).limit(batch))
  const payments = await finishEach(orders, (o) => finishPayment(db, o, now), 'payments')
  const groups = await docsOf<GroupBuyDoc>(db.collection('groupBuys').where(UNTOLD_SUCCESSES.where(_, now)).limit(20))
  for (const gb of groups) await notifySucceeded(db, gb, now)
  return { payments, succeededNotices: groups.length }
}

/**
 * settle, before the outbox is sent (so the push goes out in the tick that queues it): the 成团 messages that
 * payments into a group buy already succeeded owe (countPayment's `succeededDueAt` mark), in batches — per page of
 * marked orders one read of their group buys, each group's words once, one keyed insert, and one write that clears
 * the marks. Keyed `succeeded_<orderId>` like notifySucceeded's and the ordinary steps' messages, so a message one of
 * them queued, or a run cut off between the insert and the unmarking queued, is queued once.
 * An order no longer PAID, READY_FOR_PICKUP or PICKED_UP by then (cancelled, refund requested or done) loses its mark
 * without a message: notifySucceeded tells only paid orders, and its 退款 message says what became of it. (The message
 * queued inside the payment, before the mark, went out whatever happened to the order before the next tick.)
 */
export async function queueDueSucceeded(db: DB.Database, now: number, max = 2000): Promise<{ queued: number }> {
  const queued = await drainMarked<OrderDoc>(db, 'orders', OWED_SUCCESS_MESSAGES.where(db.command, now), { succeededDueAt: 0 }, async (marked) => {
    const due = await dueSucceededMessages(db, marked)
    await enqueueMany(db, due, now)
    return due.length
  }, max)
  return { queued }
}

/**
 * The 成团 messages marked orders are owed (queueDueSucceeded's insert, without the unmarking: tests cut a run there).
 * The group buys are read once for the page (the title is the group's), so each group's words cost the point's read.
 */
export async function dueSucceededMessages(db: DB.Database, marked: readonly OrderDoc[]): Promise<Array<{ key: string; msg: OutboxMessage; at?: number }>> {
  const owed = marked.filter((o) => COUNTABLE_STATUSES.includes(o.status))
  const ids = [...new Set(owed.map((o) => o.groupBuyId))]
  if (ids.length === 0) return []
  const groups = await docsOf<GroupBuyDoc>(db.collection('groupBuys').where({ _id: db.command.in(ids) }).limit(ids.length))
  const out: Array<{ key: string; msg: OutboxMessage; at?: number }> = []
  for (const gb of groups) {
    const words = await pickupWordsFor(db, gb)
    // Dated at the payment that joined the 成团 group (the mark's time), not at this tick.
    for (const o of owed) if (o.groupBuyId === gb._id) out.push({ key: `succeeded_${o._id}`, msg: succeededMessage(gb, o, words), at: o.succeededDueAt || undefined })
  }
  return out
}
