import { chinaDayNumber } from '@shared/domain/calendar'
import { refundIncrements } from '@shared/domain/insight'
import { pointsTakenBackBy } from '@shared/domain/members'
import type { GroupBuyDoc, ParticipationDoc } from '@server/group-buys/model'
import type { CouponDoc } from '@server/coupons/model'
import type { OrderDoc } from '@server/orders/model'
import { isDuplicateWrite } from '@server/cloud'
import { findById, updatedCount } from '@server/fetch'
import { refundIdFor, shortageRefundIdFor } from '@server/ids'
import { crashPoint } from '@server/crash-points'
import { takeBackPoints } from '@server/members/points'
import { enqueue } from '@server/messages/outbox'
import { queryRefunded, submitRefund } from '@server/payments/pay'
import { bookRefund, refundsOf, reverseInTx } from '@server/ledger/ledger-flow'
import { copySaleOf, saleRides } from '@server/ledger/sale-entries'
import { ledgerOf } from '@server/ledger/model'
import { inTransaction, txGet } from '@server/ledger/txn'
import { moveOrderInTx } from '@server/orders/moves'
import type { RefundDoc, RefundKind } from '@server/payments/model'
import { finishEach } from '@server/crash-finish'
import { docsOf } from '@server/paging'
import type { DueQuery } from '@server/due'

export type { RefundDoc, RefundKind } from '@server/payments/model'

/**
 * Per kind of purchase: the collection holding it, the statuses from which a refund moves it to REFUNDING (a
 * purchase still PENDING_PAYMENT, e.g. paid the wrong amount, keeps its status and expires as usual), and the
 * page the 退款 message opens.
 */
const PURCHASES: Record<RefundKind, { collection: string; refundableFrom: string[]; page: (id: string) => string }> = {
  order: { collection: 'orders', refundableFrom: ['PAID', 'READY_FOR_PICKUP', 'CANCELLED', 'EXPIRED'], page: (id) => `pages/resident/order/index?orderId=${id}` },
  coupon: { collection: 'coupons', refundableFrom: ['EXPIRED'], page: () => 'pages/resident/coupons/index' },
}

/**
 * Start refunding a paid order: one refund document per order (its id is the out_refund_no WeChat Pay sees,
 * so retries can never pay twice), and the order moves to REFUNDING. Safe to call any number of times: 'STARTED'
 * when this call asked it, 'ALREADY' when it was asked before, 'REFUSED' — and nothing written — when the order was
 * handed over (PICKED_UP: a voucher redeemed, goods picked up) by the time the refund is asked: a caller that read it
 * earlier (the expiry sweep, a failed group's wind-up) loses that race.
 */
export async function requestRefund(
  db: DB.Database,
  order: Pick<OrderDoc, '_id' | 'openid' | 'groupBuyId' | 'amountFen' | 'tierRefundFen' | 'rollOverRefundFen'>,
  reason: string,
  now: number,
  opts: RefundOpts = {},
): Promise<RefundStart> {
  // After a price-difference refund (阶梯价, a cheaper next group) only the rest is left to give back: the trade's
  // refunds never exceed its total.
  const rest = order.amountFen - (order.tierRefundFen ?? 0) - (order.rollOverRefundFen ?? 0)
  return startRefund(db, 'order', { orderId: order._id, openid: order.openid, groupBuyId: order.groupBuyId, amountFen: rest, totalFen: order.amountFen }, reason, now, opts)
}

/**
 * `givesBackParticipation`: the buyer's participation (its id) gives the order back — one paid order and its units —
 * in the same transaction that asks the refund and moves the order, only when this call asked it (a rolled-over
 * order's cancel: roll-over.ts cancelRolledOver).
 */
export interface RefundOpts {
  givesBackParticipation?: string
}

/**
 * Give back part of a paid order that is still served (a shortage at arrival, an approved after-sales case):
 * `amountFen` of the order's `amountFen`. `refundId` is the out_refund_no — one per cause (e.g.
 * shortageRefundIdFor(orderId), one per after-sales case) — so retries and repeats refund it once. The order keeps
 * its status; its refundedFen grows when WeChat Pay confirms. True when this call created the refund.
 */
export async function requestPartialRefund(
  db: DB.Database,
  order: Pick<OrderDoc, '_id' | 'openid' | 'groupBuyId' | 'amountFen'>,
  refund: { refundId: string; amountFen: number; reason: string; units?: number },
  now: number,
): Promise<boolean> {
  const doc = partialRefundDoc(order, refund, now)
  try {
    await db.collection('refunds').add({ data: doc })
    return true
  } catch (err) {
    if (!isDuplicateWrite(err)) throw err
    return false
  }
}

/** The refund document of a partial refund (requestPartialRefund; a caller's transaction may insert it itself). */
export function partialRefundDoc(order: Pick<OrderDoc, '_id' | 'openid' | 'groupBuyId' | 'amountFen'>, refund: { refundId: string; amountFen: number; reason: string; units?: number }, now: number): RefundDoc {
  const doc: RefundDoc = {
    _id: refund.refundId, kind: 'order', orderId: order._id, openid: order.openid, groupBuyId: order.groupBuyId,
    amountFen: refund.amountFen, totalFen: order.amountFen, partial: true, reason: refund.reason, status: 'PENDING', attempts: 0, nextAttemptAt: now, lastError: null, createdAt: now, doneAt: null,
  }
  if (refund.units !== undefined) doc.units = refund.units
  return doc
}

/** An order's goods arrived short: its one shortage refund, for the `units` that did not arrive. */
export function requestShortageRefund(db: DB.Database, order: Pick<OrderDoc, '_id' | 'openid' | 'groupBuyId' | 'amountFen'>, amountFen: number, reason: string, now: number, units?: number): Promise<boolean> {
  return requestPartialRefund(db, order, { refundId: shortageRefundIdFor(order._id), amountFen, reason, units }, now)
}

/** The same for a bought coupon whose money cannot be kept (paid after its hold expired, or the wrong amount). */
export async function requestCouponRefund(db: DB.Database, coupon: Pick<CouponDoc, '_id' | 'openid' | 'campaignId'>, amountFen: number, reason: string, now: number): Promise<void> {
  await startRefund(db, 'coupon', { orderId: coupon._id, openid: coupon.openid, groupBuyId: null, campaignId: coupon.campaignId, amountFen }, reason, now)
}

/**
 * A bought coupon not used yet, given back in full: its refund document written and the coupon ISSUED → REFUNDING in
 * one transaction, only while it is still ISSUED — a clerk's redemption committed first wins (no refund), and one
 * racing this transaction conflicts with it. Used when its holder erases their account (privacy/personal-data.ts
 * erase): before (an audit: test/node/attacks-coupons.test.ts) the coupon was voided and its money kept.
 */
export async function refundUnusedCoupon(db: DB.Database, couponId: string, reason: string, now: number): Promise<RefundStart> {
  return inTransaction(db, async (t): Promise<RefundStart> => {
    const c = await txGet<CouponDoc>(t, 'coupons', couponId)
    if (!c || c.status !== 'ISSUED' || !c.amountFen) return 'REFUSED'
    if (await txGet<RefundDoc>(t, 'refunds', refundIdFor(couponId))) return 'ALREADY'
    const doc: RefundDoc = { _id: refundIdFor(couponId), kind: 'coupon', orderId: couponId, openid: c.openid, groupBuyId: null, campaignId: c.campaignId, amountFen: c.amountFen, totalFen: c.amountFen, reason, status: 'PENDING', attempts: 0, nextAttemptAt: now, lastError: null, createdAt: now, doneAt: null }
    await t.collection('refunds').add({ data: doc as unknown as Record<string, unknown> })
    await t.collection('coupons').doc(couponId).update({ data: { status: 'REFUNDING' } })
    return 'STARTED'
  })
}

async function startRefund(
  db: DB.Database,
  kind: RefundKind,
  paid: Pick<RefundDoc, 'orderId' | 'openid' | 'groupBuyId' | 'campaignId' | 'amountFen' | 'totalFen'>,
  reason: string,
  now: number,
  opts: RefundOpts = {},
): Promise<RefundStart> {
  const _ = db.command
  const doc: RefundDoc = { _id: refundIdFor(paid.orderId), kind, ...paid, totalFen: paid.totalFen ?? paid.amountFen, reason, status: 'PENDING', attempts: 0, nextAttemptAt: now, lastError: null, createdAt: now, doneAt: null }
  if (doc.campaignId === undefined) delete doc.campaignId
  if (kind === 'order') return refundOrder(db, doc, now, opts)
  let started: RefundStart = 'STARTED'
  try {
    await db.collection('refunds').add({ data: doc })
  } catch (err) {
    if (!isDuplicateWrite(err)) throw err
    started = 'ALREADY'
  }
  crashPoint('refund:after-request')
  await db.collection('coupons').where({ _id: paid.orderId, status: _.in(PURCHASES.coupon.refundableFrom) }).update({ data: { status: 'REFUNDING' } })
  // A repeat after a crash, when settle already confirmed the refund meanwhile: nothing is left to wait for.
  await db.collection('coupons').where({ _id: paid.orderId, status: 'REFUNDING', refundIds: doc._id }).update({ data: { status: 'REFUNDED' } })
  return started
}

/** What asking a full refund did (requestRefund). */
export type RefundStart = 'STARTED' | 'ALREADY' | 'REFUSED'

/**
 * Whose money may still be given back in full: the refundable statuses, one already REFUNDING (a repeat), and one
 * still PENDING_PAYMENT (paid the wrong amount: it keeps its status and expires as usual) — never a PICKED_UP order.
 */
const FULL_REFUND_FROM: readonly string[] = [...PURCHASES.order.refundableFrom, 'REFUNDING', 'PENDING_PAYMENT']

/**
 * An order's full refund asked, in one transaction on the order: its refund document written only while the order
 * may still be refunded in full (a redemption or hand-over committed since the caller read it wins: no refund), and
 * the order → REFUNDING with what it held in its group buy: a paid order counted into a group buy that has not ended
 * and whose goods have not arrived gives its units back (soldQuantity − q, stockLeft + q), so its counters stay
 * equal to its live orders (the heal is for crashes, not for refunds). After arrival the units are not given back
 * (they never came, or are handed over to someone), and an ended group's counters are what it ended with. Before
 * (found by an audit: test/node/attacks-features.test.ts), the document was written first and unconditionally: a
 * voucher redeemed between the expiry sweep's read and this call was refunded in full as well.
 */
async function refundOrder(db: DB.Database, doc: RefundDoc, now: number, opts: RefundOpts): Promise<RefundStart> {
  const from = PURCHASES.order.refundableFrom
  const started = await inTransaction(db, async (t): Promise<RefundStart> => {
    const o = await txGet<OrderDoc>(t, 'orders', doc.orderId)
    if (!o) return 'REFUSED'
    const asked = !!(await txGet<RefundDoc>(t, 'refunds', doc._id))
    if (!asked) {
      if (!FULL_REFUND_FROM.includes(o.status)) return 'REFUSED'
      await t.collection('refunds').add({ data: doc as unknown as Record<string, unknown> })
    }
    const outcome = asked ? 'ALREADY' : 'STARTED'
    if (!from.includes(o.status)) return outcome
    // Confirmed already (settle worked the refund before this repeat moved the order): nothing is left to wait for.
    const confirmed = (o.refundIds ?? []).includes(doc._id)
    const data: Record<string, unknown> = {}
    // Counted: by countPayment (countedAt), or paid before payments recorded it (no paymentFinishedAt at all).
    const counted = o.status === 'PAID' && (!!o.countedAt || o.paymentFinishedAt === undefined)
    const gb = counted ? await txGet<GroupBuyDoc>(t, 'groupBuys', o.groupBuyId) : null
    // The group buy's write in this transaction (one, whatever it carries).
    const gbData: Record<string, unknown> = {}
    if (gb && RUNNING.includes(gb.status) && !gb.arrivedAt) {
      Object.assign(gbData, { soldQuantity: gb.soldQuantity - o.quantity, stockLeft: gb.stockLeft + o.quantity })
      data.unitsReturnedAt = now
    }
    if (opts.givesBackParticipation && outcome === 'STARTED' && o.status === 'PAID') {
      const part = await txGet<ParticipationDoc>(t, 'participations', opts.givesBackParticipation)
      if (part) await t.collection('participations').doc(part._id).update({ data: { paidOrders: Math.max(0, (part.paidOrders ?? 0) - 1), quantity: Math.max(0, part.quantity - o.quantity) } })
      // Their last paid order in a group short of 成团: one paid participant less, as a voucher's cancel does. Before
      // (an audit: test/node/attacks-first-payer-audit.test.ts), the counter kept the buyer, and their next order there counted
      // them again — a group reached 成团 on one buyer.
      if (part && (part.paidOrders ?? 0) === 1 && gb && gb.status === 'OPEN' && gb.paidParticipants > 0) gbData.paidParticipants = gb.paidParticipants - 1
    }
    if (gb && Object.keys(gbData).length > 0) await t.collection('groupBuys').doc(gb._id).update({ data: gbData })
    if (confirmed) await moveOrderInTx(t, o, 'REFUNDED', data, ['REFUNDING'])
    else await moveOrderInTx(t, o, 'REFUNDING', data)
    return outcome
  })
  crashPoint('refund:after-request')
  return started
}

const RUNNING: readonly string[] = ['OPEN', 'SUCCEEDED']

const RETRY_BACKOFF_MS = [60_000, 5 * 60_000, 30 * 60_000, 2 * 3600_000]

/** What processDueRefunds selects: refunds to ask WeChat Pay for (again). */
export const REFUNDS_DUE: DueQuery = { collection: 'refunds', where: (_, now) => ({ status: 'PENDING', nextAttemptAt: _.lte(now) }) }

/**
 * Work through due refunds. Each is leased by a conditional write before the payment call, so two timer runs
 * never work the same refund at once; a failed attempt is retried later with the same refund number.
 */
export async function processDueRefunds(db: DB.Database, now: number, batch = 50): Promise<{ done: number; retrying: number }> {
  const _ = db.command
  const due = await docsOf<RefundDoc>(db.collection('refunds').where(REFUNDS_DUE.where(_, now)).orderBy('nextAttemptAt', 'asc').limit(batch))
  let done = 0
  let retrying = 0
  for (const r of due) {
    const backoff = RETRY_BACKOFF_MS[Math.min(r.attempts, RETRY_BACKOFF_MS.length - 1)]
    const lease = await db.collection('refunds').where({ _id: r._id, status: 'PENDING', attempts: r.attempts }).update({ data: { attempts: _.inc(1), nextAttemptAt: now + backoff } })
    if (updatedCount(lease) !== 1) continue
    let error: string | null = null
    try {
      const submitted = await submitRefund({ orderId: r.orderId, refundNo: r._id, amountFen: r.amountFen, totalFen: r.totalFen ?? r.amountFen })
      if (!submitted.accepted) error = submitted.reason
      else if (!(await queryRefunded(r._id))) error = 'refund not confirmed yet'
    } catch (err) {
      error = err instanceof Error ? err.message : String(err)
    }
    if (error) {
      await db.collection('refunds').doc(r._id).update({ data: { lastError: error } })
      retrying++
      continue
    }
    const finished = await db.collection('refunds').where({ _id: r._id, status: 'PENDING' }).update({ data: { status: 'DONE', doneAt: now, lastError: null, appliedAt: 0 } })
    if (updatedCount(finished) !== 1) continue
    crashPoint('refund:after-done')
    await finishRefund(db, { ...r, status: 'DONE', doneAt: now, appliedAt: 0 }, now)
    done++
  }
  return { done, retrying }
}

/**
 * What follows WeChat Pay's confirmation, in order: for an order, the ledger's reversal and the order's record of the
 * refund (its refundedFen, REFUNDING → REFUNDED for a full refund, and the points the refund takes back) in one
 * transaction (#23; a coupon's record alone), then the points take-back, the 退款 message, and last the refund's
 * appliedAt. Each step is keyed by the refund (the ledger and the order record its id, the points entry is derived
 * from it, the message is keyed), so running it again after a crash anywhere — or twice at once — does each step
 * once. The points are reckoned in the order's transaction from what the order kept before this refund: two refunds
 * of one order confirmed at once are serialised there, so together they take back no more than the order earned.
 */
export async function finishRefund(db: DB.Database, r: RefundDoc, now: number): Promise<void> {
  const isOrder = (r.kind ?? 'order') === 'order'
  // The order, read once for the reversal's refunds (before the refund is recorded on it).
  const order = isOrder ? await findById<OrderDoc>(db, 'orders', r.orderId) : undefined
  const p = PURCHASES[r.kind ?? 'order']
  const applied = isOrder ? await applyToOrder(db, r, order ?? null, now) : { outcome: await applyToCoupon(db, r, now), pointsBack: 0 }
  const purchase = applied.outcome
  crashPoint('refund:after-ledger')
  crashPoint('refund:after-order')
  // The points this refund takes back, as its order's transaction reckoned them (serialised with the order's other
  // refunds and its hand-over there); keyed by the refund, so a repeat takes them once.
  if (isOrder) await takeBackPoints(db, r, now, applied.pointsBack)
  crashPoint('refund:after-points')
  // The 退款 message, keyed by the refund (a partial one) or the purchase (a full one, as before partials existed).
  const tell = (key: string) =>
    enqueue(db, key, {
      toOpenid: r.openid,
      template: 'GROUP_FAILED_REFUNDED',
      page: p.page(r.orderId),
      data: { amount: { value: (r.amountFen / 100).toFixed(2) }, reason: { value: r.reason.slice(0, 20) } },
    }, now)
  if (r.partial) await tell(`refunded_${r._id}`)
  else if (purchase === 'REFUNDED') await tell(`refunded_${r.orderId}`)
  await db.collection('refunds').where({ _id: r._id, appliedAt: 0 }).update({ data: { appliedAt: now } })
}

/**
 * An order's side of a confirmed refund, once per refund, in one transaction (#23: one read, one write and one
 * commit of the order instead of two): the ledger's reversal (keyed on the order's ledger position: reverseInTx) and
 * the order's own record — its refundIds and refundedFen, REFUNDING → REFUNDED for a full refund, the group buy's day
 * rollup. `known`: the order as read before; the reversal needs the order's other refunds, read before the
 * transaction when `known` has a sale booked. A sale booked since that read is reversed after it (bookRefund, keyed).
 */
async function applyToOrder(db: DB.Database, r: RefundDoc, known: OrderDoc | null, now: number): Promise<{ outcome: 'REFUNDED' | 'RECORDED' | 'MISSING'; pointsBack: number | null }> {
  const lo = ledgerOf(known)
  // The sale's entries before the reversal's (they ride on the order until settle copies them: ledger/sale-entries.ts).
  if (lo && !lo.refundIds.includes(r._id)) await copySaleOf(db, known)
  const all = lo && !lo.refundIds.includes(r._id) ? await refundsOf(db, r.orderId) : null
  let reverseAfter = false
  // The points the refund takes back: reckoned where it is recorded (null: recorded before they were kept there).
  let pointsBack: number | null = null
  const outcome = await inTransaction(db, async (t) => {
    const cur = await txGet<OrderDoc>(t, 'orders', r.orderId)
    if (!cur) return 'MISSING' as const
    const booked = ledgerOf(cur)
    let data: Record<string, unknown> = {}
    if (booked && !booked.refundIds.includes(r._id)) {
      // Not read before, or booked since with its entries still riding: reversed after, by bookRefund (which copies them first).
      if (all === null || saleRides(cur)) reverseAfter = true
      else data = (await reverseInTx(t, db, cur, r, all, now)) ?? {}
    }
    const ids = cur.refundIds ?? []
    const closing = cur.status === 'REFUNDING'
    const fullyRefunded = !r.partial && (closing || cur.status === 'REFUNDED')
    const recorded = ids.includes(r._id)
    pointsBack = recorded ? (cur.pointsBack?.[r._id] ?? null) : cur.pickedUpAt ? pointsTakenBackBy(cur, r.amountFen) : 0
    if (!recorded) {
      Object.assign(data, { refundIds: [...ids, r._id], refundedFen: (cur.refundedFen ?? 0) + r.amountFen, refundedAt: now, pointsBack: { ...(cur.pointsBack ?? {}), [r._id]: pointsBack } })
    }
    if (Object.keys(data).length === 0) return fullyRefunded ? ('REFUNDED' as const) : ('RECORDED' as const)
    // REFUNDING → REFUNDED goes through the orders room's transition table.
    if (!recorded && !r.partial && closing) await moveOrderInTx(t, cur, 'REFUNDED', data)
    else await t.collection('orders').doc(r.orderId).update({ data })
    // The refund goes into its group buy's day rollup once, with the order's own record of it (#23).
    if (!recorded && r.groupBuyId) {
      const inc = refundIncrements(chinaDayNumber(r.doneAt ?? now), r.amountFen)
      await t.collection('groupBuys').doc(r.groupBuyId).update({ data: Object.fromEntries(Object.entries(inc).map(([path, by]) => [path, db.command.inc(by)])) })
    }
    return fullyRefunded ? ('REFUNDED' as const) : ('RECORDED' as const)
  })
  if (reverseAfter) await bookRefund(db, r, now)
  return { outcome, pointsBack }
}

/**
 * A bought coupon's side of a confirmed refund (an order's is applyToOrder), once per refund: one transaction adds
 * its id to the coupon's refundIds and its amount to refundedFen; a full refund also moves it to REFUNDED. A full
 * refund of a coupon that never became refundable (paid the wrong amount while still unpaid) only records the money
 * given back.
 */
async function applyToCoupon(db: DB.Database, r: RefundDoc, now: number): Promise<'REFUNDED' | 'RECORDED' | 'MISSING'> {
  return inTransaction(db, async (t) => {
    const cur = await txGet<{ status: string; refundedFen?: number; refundIds?: string[] }>(t, PURCHASES.coupon.collection, r.orderId)
    if (!cur) return 'MISSING' as const
    const ids = cur.refundIds ?? []
    // A coupon whose request was cut off before it moved EXPIRED → REFUNDING (#27) is refunded all the same.
    const closing = cur.status === 'REFUNDING' || (!r.partial && PURCHASES.coupon.refundableFrom.includes(cur.status))
    const fullyRefunded = !r.partial && (closing || cur.status === 'REFUNDED')
    if (ids.includes(r._id)) return fullyRefunded ? ('REFUNDED' as const) : ('RECORDED' as const)
    const data: Record<string, unknown> = { refundIds: [...ids, r._id], refundedFen: (cur.refundedFen ?? 0) + r.amountFen, refundedAt: now }
    await t.collection('coupons').doc(r.orderId).update({ data: !r.partial && closing ? { ...data, status: 'REFUNDED' } : data })
    return fullyRefunded ? ('REFUNDED' as const) : ('RECORDED' as const)
  })
}

/** What finishConfirmedRefunds selects: confirmed refunds whose later steps are not done. */
export const UNFINISHED_REFUNDS: DueQuery = { collection: 'refunds', where: () => ({ status: 'DONE', appliedAt: 0 }) }

/**
 * settle: refunds WeChat Pay confirmed whose later steps a crash cut off (appliedAt still 0). Finishing one that a
 * live call is finishing at the same moment is harmless: every step is keyed by the refund.
 */
export async function finishConfirmedRefunds(db: DB.Database, now: number, batch = 50): Promise<{ finished: number }> {
  const refunds = await docsOf<RefundDoc>(db.collection('refunds').where(UNFINISHED_REFUNDS.where(db.command, now)).limit(batch))
  return { finished: await finishEach(refunds, (r) => finishRefund(db, r, now), 'refunds') }
}
