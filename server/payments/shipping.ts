import { logisticsTypeFor } from '@shared/domain/delivery'
import type { OrderDoc } from '@server/orders/model'
import { getCloud, isDuplicateWrite } from '@server/cloud'
import { updatedCount } from '@server/fetch'
import { docsOf } from '@server/paging'
import type { ShippingDoc } from '@server/payments/model'
import { addManyKeyed, drainMarked } from '@server/batch-insert'
import type { DueQuery } from '@server/due'

export function shippingIdFor(orderId: string): string {
  return `sh_${orderId}`
}

/** An order all of whose money went (or is going) back: WeChat must not be told it was delivered. */
export function refundedInFull(order: Pick<OrderDoc, 'status' | 'amountFen' | 'refundedFen'>): boolean {
  return order.status === 'REFUNDING' || order.status === 'REFUNDED' || (order.refundedFen ?? 0) >= order.amountFen
}

/** item_desc: what was handed over, at most 120 characters (WeChat's limit). */
export function itemDescFor(order: Pick<OrderDoc, 'title' | 'quantity' | 'servedQuantity'>): string {
  return `${order.title}*${order.servedQuantity ?? order.quantity}`.slice(0, 120)
}

/** RFC 3339 in China time, as WeChat wants it: 2026-12-05T16:50:34.269+08:00. */
export function rfc3339Cst(ms: number): string {
  return new Date(ms + 8 * 3600_000).toISOString().replace('Z', '+08:00')
}

/**
 * Queue the shipping record of a handed-over order (pickup.verify, and any later handover path). Never blocks the
 * handover: one insert, a duplicate meaning it is queued already. Nothing is queued for an order refunded in full.
 */
export async function queueShipping(db: DB.Database, order: OrderDoc, handedOverAt: number): Promise<boolean> {
  if (refundedInFull(order)) return false
  try {
    await db.collection('shippingUploads').add({ data: shippingDocFor(order, handedOverAt) as unknown as Record<string, unknown> })
    return true
  } catch (err) {
    if (!isDuplicateWrite(err)) throw err
    return false
  }
}

/**
 * The shipping record as a mark on the order, written with the hand-over's own write of the order (#23: no
 * document of its own in the hand-over's transaction): `shippingDueAt` is when the goods went out, and settle turns
 * the marks into `shippingUploads` records in batches (queueDueShipping). Nothing for an order refunded in full,
 * and nothing when an earlier part of it was marked (or queued) already.
 */
export function shippingMark(order: Pick<OrderDoc, 'status' | 'amountFen' | 'refundedFen' | 'shippingDueAt'>, handedOverAt: number): { shippingDueAt?: number } {
  if (refundedInFull(order) || order.shippingDueAt !== undefined) return {}
  return { shippingDueAt: handedOverAt }
}

/** What queueDueShipping selects: orders a hand-over marked (shippingMark). */
export const SHIPPING_DUE: DueQuery = { collection: 'orders', where: (_) => ({ shippingDueAt: _.gt(0) }) }

/**
 * settle: the orders marked by a hand-over (shippingMark) get their shipping records, in batch inserts, then lose
 * the mark (one write per batch). Each record is keyed by its payment (addManyKeyed): one queued before — by the
 * ordinary steps, or a run a crash cut off between the insert and the unmarking — is queued once.
 */
export async function queueDueShipping(db: DB.Database, batch = 100): Promise<{ queued: number }> {
  const queued = await drainMarked<OrderDoc>(db, 'orders', SHIPPING_DUE.where(db.command, 0), { shippingDueAt: 0 }, async (marked) => {
    const due = marked.filter((o) => !refundedInFull(o))
    await addManyKeyed(db, 'shippingUploads', due.map((o) => shippingDocFor(o, o.shippingDueAt!) as unknown as Record<string, unknown>))
    return due.length
  }, batch)
  return { queued }
}

function shippingDocFor(order: OrderDoc, handedOverAt: number): ShippingDoc {
  return {
    _id: shippingIdFor(order._id), orderId: order._id, outTradeNo: order._id, payerOpenid: order.openid, itemDesc: itemDescFor(order), logisticsType: logisticsTypeFor(order.fulfilment),
    handedOverAt, status: 'PENDING', attempts: 0, nextAttemptAt: handedOverAt, lastError: null, createdAt: handedOverAt, doneAt: null,
    // A service is not goods handed over at a counter: WeChat's type for non-physical goods (docs/money-flow.md).
    ...(order.kind === 'SERVICE' ? { logisticsType: 3 as const } : {}),
  }
}

/** The cloud call's arguments (wx-server-sdk takes camelCase and sends WeChat's snake_case). */
export function uploadRequest(doc: ShippingDoc, mchid: string) {
  return {
    orderKey: { orderNumberType: 1, mchid, outTradeNo: doc.outTradeNo },
    logisticsType: doc.logisticsType ?? 4,
    deliveryMode: 1,
    shippingList: [{ itemDesc: doc.itemDesc }],
    uploadTime: rfc3339Cst(doc.handedOverAt),
    payer: { openid: doc.payerOpenid },
  }
}

type UploadShippingInfo = (req: ReturnType<typeof uploadRequest>) => Promise<{ errCode?: number; errcode?: number; errMsg?: string; errmsg?: string }>

function uploadApi(): UploadShippingInfo {
  const cloud = getCloud() as unknown as { openapi: { wxa: { sec: { order: { uploadShippingInfo: UploadShippingInfo } } } } }
  return (req) => cloud.openapi.wxa.sec.order.uploadShippingInfo(req)
}

const RETRY_BACKOFF_MS = [60_000, 5 * 60_000, 30 * 60_000, 2 * 3600_000]
/** upload_shipping_info's answer when the payment has had its upload and its one re-upload. */
const ALREADY_SHIPPED_MAX = 10060003

/**
 * Upload due shipping records (settle). The batch is leased by one conditional write per attempt count (a lease
 * token, attempts + 1 and the next attempt's time, only on records still PENDING with that attempt count), so two
 * runs never upload the same one at once; the records this run leased and their orders are read once each, and the
 * accepted (and skipped) ones are marked in one write. Accepted once, a record is never sent again; an order
 * refunded in full meanwhile is skipped.
 */
export async function processDueShipping(db: DB.Database, now: number, batch = 50): Promise<{ accepted: number; retrying: number; skipped: number }> {
  const _ = db.command
  const due = await docsOf<ShippingDoc>(db.collection('shippingUploads').where({ status: 'PENDING', nextAttemptAt: _.lte(now) }).orderBy('nextAttemptAt', 'asc').limit(batch))
  const out = { accepted: 0, retrying: 0, skipped: 0 }
  if (due.length === 0) return out
  const mchid = process.env.WXPAY_SUB_MCH_ID ?? '1900000109'
  const lease = `${now.toString(36)}${Math.random().toString(36).slice(2, 10)}`
  const byAttempts = new Map<number, string[]>()
  for (const s of due) byAttempts.set(s.attempts, [...(byAttempts.get(s.attempts) ?? []), s._id])
  for (const [attempts, ids] of byAttempts) {
    const backoff = RETRY_BACKOFF_MS[Math.min(attempts, RETRY_BACKOFF_MS.length - 1)]
    await db.collection('shippingUploads').where({ _id: _.in(ids), status: 'PENDING', attempts }).update({ data: { attempts: _.inc(1), nextAttemptAt: now + backoff, lease } })
  }
  const leased = await docsOf<ShippingDoc>(db.collection('shippingUploads').where({ _id: _.in(due.map((s) => s._id)), lease }).limit(due.length))
  if (leased.length === 0) return out
  const orderIds = leased.map((s) => s.orderId)
  const orders = await docsOf<OrderDoc>(db.collection('orders').where({ _id: _.in(orderIds) }).limit(orderIds.length))
  const orderOf = new Map(orders.map((o) => [o._id, o]))
  const accepted: string[] = []
  const skipped: string[] = []
  for (const s of leased) {
    const order = orderOf.get(s.orderId)
    if (!order || refundedInFull(order)) {
      skipped.push(s._id)
      continue
    }
    let error: string | null
    try {
      const res = await uploadApi()(uploadRequest(s, mchid))
      const code = res.errCode ?? res.errcode ?? 0
      // 10060003 支付单已达到最大发货次数: WeChat holds this payment's shipping already (an upload it accepted whose
      // ACCEPTED mark a cut call never wrote, then the one re-upload it allows). Before (an audit:
      // test/node/attacks-supply-notices.test.ts) such a record was retried every two hours for ever and stayed in
      // the shipping backlog; it is accepted.
      error = code === 0 || code === ALREADY_SHIPPED_MAX ? null : `${code} ${res.errMsg ?? res.errmsg ?? ''}`.trim()
    } catch (err) {
      const e = err as { errCode?: number; errMsg?: string; message?: string }
      error = `${e.errCode ?? ''} ${e.errMsg ?? e.message ?? String(err)}`.trim()
    }
    if (error) {
      await db.collection('shippingUploads').doc(s._id).update({ data: { lastError: error } })
      out.retrying++
      continue
    }
    accepted.push(s._id)
  }
  if (skipped.length) {
    out.skipped += updatedCount(await db.collection('shippingUploads').where({ _id: _.in(skipped), status: 'PENDING' }).update({ data: { status: 'SKIPPED', doneAt: now, lastError: 'refunded in full' } }))
  }
  if (accepted.length) {
    out.accepted += updatedCount(await db.collection('shippingUploads').where({ _id: _.in(accepted), status: 'PENDING' }).update({ data: { status: 'ACCEPTED', doneAt: now, lastError: null } }))
  }
  return out
}

/**
 * 对账: handed-over orders WeChat has not accepted yet (oldest first), and how many there are — the queued records,
 * and the orders whose hand-over marked them and settle has not queued yet (attempts 0).
 */
export async function shippingBacklog(db: DB.Database, limit = 50): Promise<{ items: Pick<ShippingDoc, 'orderId' | 'itemDesc' | 'handedOverAt' | 'attempts' | 'lastError'>[]; count: number }> {
  const _ = db.command
  const where = { status: 'PENDING' }
  const markedWhere = SHIPPING_DUE.where(_, 0)
  const [list, total, marked, markedTotal] = await Promise.all([
    db.collection('shippingUploads').where(where).orderBy('handedOverAt', 'asc').limit(limit).get() as unknown as Promise<{ data: ShippingDoc[] }>,
    db.collection('shippingUploads').where(where).count() as unknown as Promise<{ total: number }>,
    docsOf<OrderDoc>(db.collection('orders').where(markedWhere).orderBy('shippingDueAt', 'asc').limit(limit)),
    db.collection('orders').where(markedWhere).count() as unknown as Promise<{ total: number }>,
  ])
  const queued = new Set(list.data.map((s) => s.orderId))
  const items = [
    ...list.data.map((s) => ({ orderId: s.orderId, itemDesc: s.itemDesc, handedOverAt: s.handedOverAt, attempts: s.attempts, lastError: s.lastError })),
    // (A record queued by a run cut off before it unmarked the order is listed once.)
    ...marked.filter((o) => !refundedInFull(o) && !queued.has(o._id)).map((o) => ({ orderId: o._id, itemDesc: itemDescFor(o), handedOverAt: o.shippingDueAt!, attempts: 0, lastError: null })),
  ].sort((a, b) => a.handedOverAt - b.handedOverAt)
  return { items: items.slice(0, limit), count: total.total + markedTotal.total }
}
