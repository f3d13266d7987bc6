import type { CouponDoc, OrderDoc } from '@server/docs'
import { isDuplicateWrite } from '@server/cloud'
import { updatedCount } from '@server/fetch'
import { refundIdFor, shortageRefundIdFor } from '@server/ids'
import { takeBackPointsForRefund } from '@server/members/points'
import { enqueue } from '@server/messages/outbox'
import { queryRefunded, submitRefund } from '@server/payments/pay'
import { recordRefund } from '@server/ledger/ledger-flow'

export interface RefundDoc {
  _id: string
  /** What was paid for; absent on refunds written before coupons could be bought (all of them orders). */
  kind?: RefundKind
  /** The out_trade_no being refunded: an order's id, or a coupon's id when kind is 'coupon'. */
  orderId: string
  openid: string
  /** The order's group buy; null for coupon purchases. */
  groupBuyId: string | null
  /** The coupon's campaign; only on coupon purchases. */
  campaignId?: string
  /** What this refund gives back, in fen. */
  amountFen: number
  /** The trade's total (WeChat Pay's total_fee); absent on full refunds written before partial ones existed. */
  totalFen?: number
  /**
   * A partial refund (a shortage at arrival, after-sales) gives back part of an order that is still served:
   * it never moves the order's status, only its refundedFen. Each has its own out_refund_no.
   */
  partial?: boolean
  /**
   * The units this refund takes back (a shortage's short units, an after-sales case's approved units): what the
   * ledger's split of what is kept counts (keptOf). Absent on a full refund (all units) and on a partial refund
   * that gives money back for no unit.
   */
  units?: number
  reason: string
  status: 'PENDING' | 'DONE'
  attempts: number
  nextAttemptAt: number
  lastError: string | null
  createdAt: number
  doneAt: number | null
}

export type RefundKind = 'order' | 'coupon'

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
 * so retries can never pay twice), and the order moves to REFUNDING. Safe to call any number of times.
 */
export async function requestRefund(db: DB.Database, order: Pick<OrderDoc, '_id' | 'openid' | 'groupBuyId' | 'amountFen'>, reason: string, now: number): Promise<void> {
  await startRefund(db, 'order', { orderId: order._id, openid: order.openid, groupBuyId: order.groupBuyId, amountFen: order.amountFen }, reason, now)
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
  const doc: RefundDoc = {
    _id: refund.refundId, kind: 'order', orderId: order._id, openid: order.openid, groupBuyId: order.groupBuyId,
    amountFen: refund.amountFen, totalFen: order.amountFen, partial: true, reason: refund.reason, status: 'PENDING', attempts: 0, nextAttemptAt: now, lastError: null, createdAt: now, doneAt: null,
  }
  if (refund.units !== undefined) doc.units = refund.units
  try {
    await db.collection('refunds').add({ data: doc })
    return true
  } catch (err) {
    if (!isDuplicateWrite(err)) throw err
    return false
  }
}

/** An order's goods arrived short: its one shortage refund, for the `units` that did not arrive. */
export function requestShortageRefund(db: DB.Database, order: Pick<OrderDoc, '_id' | 'openid' | 'groupBuyId' | 'amountFen'>, amountFen: number, reason: string, now: number, units?: number): Promise<boolean> {
  return requestPartialRefund(db, order, { refundId: shortageRefundIdFor(order._id), amountFen, reason, units }, now)
}

/** The same for a bought coupon whose money cannot be kept (paid after its hold expired, or the wrong amount). */
export async function requestCouponRefund(db: DB.Database, coupon: Pick<CouponDoc, '_id' | 'openid' | 'campaignId'>, amountFen: number, reason: string, now: number): Promise<void> {
  await startRefund(db, 'coupon', { orderId: coupon._id, openid: coupon.openid, groupBuyId: null, campaignId: coupon.campaignId, amountFen }, reason, now)
}

async function startRefund(
  db: DB.Database,
  kind: RefundKind,
  paid: Pick<RefundDoc, 'orderId' | 'openid' | 'groupBuyId' | 'campaignId' | 'amountFen'>,
  reason: string,
  now: number,
): Promise<void> {
  const _ = db.command
  const doc: RefundDoc = { _id: refundIdFor(paid.orderId), kind, ...paid, totalFen: paid.amountFen, reason, status: 'PENDING', attempts: 0, nextAttemptAt: now, lastError: null, createdAt: now, doneAt: null }
  if (doc.campaignId === undefined) delete doc.campaignId
  try {
    await db.collection('refunds').add({ data: doc })
  } catch (err) {
    if (!isDuplicateWrite(err)) throw err
  }
  const p = PURCHASES[kind]
  await db.collection(p.collection).where({ _id: paid.orderId, status: _.in(p.refundableFrom) }).update({ data: { status: 'REFUNDING' } })
}

const RETRY_BACKOFF_MS = [60_000, 5 * 60_000, 30 * 60_000, 2 * 3600_000]

/**
 * Work through due refunds. Each is leased by a conditional write before the payment call, so two timer runs
 * never work the same refund at once; a failed attempt is retried later with the same refund number.
 */
export async function processDueRefunds(db: DB.Database, now: number, batch = 50): Promise<{ done: number; retrying: number }> {
  const _ = db.command
  const due = (await db.collection('refunds').where({ status: 'PENDING', nextAttemptAt: _.lte(now) }).orderBy('nextAttemptAt', 'asc').limit(batch).get()) as unknown as { data: RefundDoc[] }
  let done = 0
  let retrying = 0
  for (const r of due.data) {
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
    const finished = await db.collection('refunds').where({ _id: r._id, status: 'PENDING' }).update({ data: { status: 'DONE', doneAt: now, lastError: null } })
    if (updatedCount(finished) !== 1) continue
    await recordRefund(db, r, now)
    await takeBackPointsForRefund(db, r, now)
    const p = PURCHASES[r.kind ?? 'order']
    // The 退款 message, keyed by the refund (a partial one) or the purchase (a full one, as before partials existed).
    const tell = (key: string) =>
      enqueue(db, key, {
        toOpenid: r.openid,
        template: 'GROUP_FAILED_REFUNDED',
        page: p.page(r.orderId),
        data: { amount: { value: (r.amountFen / 100).toFixed(2) }, reason: { value: r.reason.slice(0, 20) } },
      }, now)
    if (r.partial) {
      // Only the refund's own DONE transition (won once, above) adds its amount: refundedFen counts each refund once.
      await db.collection(p.collection).doc(r.orderId).update({ data: { refundedFen: _.inc(r.amountFen), refundedAt: now } })
      await tell(`refunded_${r._id}`)
    } else {
      const moved = await db.collection(p.collection).where({ _id: r.orderId, status: 'REFUNDING' }).update({ data: { status: 'REFUNDED', refundedAt: now, refundedFen: _.inc(r.amountFen) } })
      if (updatedCount(moved) === 1) await tell(`refunded_${r.orderId}`)
    }
    done++
  }
  return { done, retrying }
}
