import { planArrival, type ArrivalLine } from '@shared/domain/supply'
import { isDuplicateWrite } from '@server/cloud'
import { crashPoint, isCrash } from '@server/crash-points'
import type { GroupBuyDoc, ArrivalDoc } from '@server/group-buys/model'
import type { OrderDoc } from '@server/orders/model'
import { findById, updatedCount } from '@server/fetch'
import { inSeqOrder, readOrdersInJoinOrder } from '@server/group-buys/join-order'
import { addNotice } from '@server/messages/notices'
import { requestRefund, requestShortageRefund } from '@server/payments/refunds'
import { pickupCodeTtlMs, readyForPickup, reserveDrawnCodes, tellArrivedAll } from '@server/pickup/pickup-flow'
import { receiveIntoPurchaseOrder } from '@server/supply/purchase-orders'
import { docsOf } from '@server/paging'
import { moveOrdersWhere } from '@server/orders/moves'
import { orderPickupOf, type OrderPickup } from '@server/pickup/place'
import type { PickupPointDoc } from '@server/pickup/model'
import { pickupExpiresAtFor } from '@shared/domain/pickup'

export interface ArrivalOutcome {
  /** Orders readied by this call. */
  readyOrders: number
  /** Orders this call found short (part or all refunded). */
  shortOrders: number
  /** Shortage refunds this call requested, in fen. */
  refundedFen: number
}

export const SHORTAGE_REASON = '到货不足退款'

export async function signOffArrival(db: DB.Database, gb: GroupBuyDoc, askedReceived: number | undefined, now: number): Promise<ArrivalOutcome> {
  const { arrival, resumed } = await decideArrival(db, gb, askedReceived, now)
  crashPoint('arrival:after-plan')
  const shortage = arrival.receivedQuantity < arrival.paidQuantity
  // arrivedAt (and whether goods are short) is written once; payments after it read it (payment-flow).
  await db
    .collection('groupBuys')
    .where({ _id: gb._id, arrivedAt: null })
    .update({ data: { arrivedAt: now, receivedQuantity: arrival.receivedQuantity, arrivalShort: shortage } })
  crashPoint('arrival:after-arrived')

  const outcome: ArrivalOutcome = { readyOrders: 0, shortOrders: 0, refundedFen: 0 }
  const ttl = pickupCodeTtlMs()
  // Where and when to collect, written on every order this sign-off readies (in bulk or one by one), so each
  // pickup-code page reads the order alone (#23).
  const place = orderPickupOf(await findById<PickupPointDoc>(db, 'pickupPoints', gb.pickupPointId), gb)
  // The codes the group's payments drew are reserved first, together (#23): only a reserved code is ever readied.
  await reserveDrawnCodes(db, gb._id, now)
  crashPoint('arrival:after-codes')
  // Nothing short: every paid order carrying its code (drawn with its payment) is readied in one write (#23); the
  // lines below then only tell them, and ready one by one what paid the slow way.
  if (!shortage) outcome.readyOrders += await readyInBulk(db, gb, place, ttl, now)
  const planned = new Set(arrival.lines.map((l) => l.orderId))
  const orders = await readOrdersInJoinOrder(db, gb._id)
  const byId = new Map(orders.map((o) => [o._id, o]))
  // Readied in bulk (or by a run a crash cut off): their 到货 messages go out together after the lines (keyed).
  const toTell: OrderDoc[] = []
  for (const line of arrival.lines) {
    const order = byId.get(line.orderId)
    if (!order) continue
    if (line.servedQuantity === 0) {
      // Nothing arrived for this order: the whole order is refunded (PAID → REFUNDING, once). REFUNDING too: a
      // sign-off cut off after the refund still tells the resident (the marker and the notice are once).
      if (order.status === 'PAID' || order.status === 'REFUNDING') {
        await requestRefund(db, order, SHORTAGE_REASON, now)
        if (await movedToRefunding(db, order._id, now)) {
          outcome.shortOrders++
          outcome.refundedFen += order.amountFen
        }
        // Keyed by the order (told once), and told on a resumed sign-off too: before (an audit:
        // test/node/attacks-points-delivery-leader.test.ts) only the call that won the marker told, so a sign-off cut
        // between the marker and the notice never told this resident.
        await tellShort(db, gb, order, line, now)
      }
      crashPoint('arrival:after-line')
      continue
    }
    if (order.status === 'PAID' && (await readyForPickup(db, order, ttl, now, line.servedQuantity, place))) outcome.readyOrders++
    else if ((resumed || order.readyBatch === gb._id) && order.status === 'READY_FOR_PICKUP') toTell.push(order)
    if (line.refundFen > 0) {
      if (await requestShortageRefund(db, order, line.refundFen, SHORTAGE_REASON, now, order.quantity - line.servedQuantity)) {
        outcome.shortOrders++
        outcome.refundedFen += line.refundFen
      }
      // Keyed by the order: told once, also when a crash came between the refund and the notice.
      await tellShort(db, gb, order, line, now)
    }
    crashPoint('arrival:after-line')
  }
  // Paid after the plan was made (between its read and arrivedAt): served if nothing was short, else refunded.
  for (const order of orders) {
    // Readied by a sign-off a crash cut off after its transaction: the 到货 message (keyed) is what may be missing.
    if ((resumed || order.readyBatch === gb._id) && order.status === 'READY_FOR_PICKUP' && !planned.has(order._id)) toTell.push(order)
    if (order.status !== 'PAID' || planned.has(order._id)) continue
    if (!shortage) {
      if (await readyForPickup(db, order, ttl, now, order.quantity, place)) outcome.readyOrders++
    } else {
      await requestRefund(db, order, SHORTAGE_REASON, now)
    }
  }
  await tellArrivedAll(db, gb._id, toTell, now)
  if (gb.offerId) await receiveIntoPurchaseOrder(db, gb, arrival.receivedQuantity, now)
  if (shortage) await tellMerchantShort(db, gb, arrival, now)
  await db.collection('arrivals').where({ _id: gb._id, finishedAt: 0 }).update({ data: { finishedAt: now } })
  return outcome
}

/**
 * A sign-off with nothing short readies its group in one conditional write: every PAID order of the group buy that
 * carries its pickup code moves to READY_FOR_PICKUP with its window and the mark `readyBatch` (the arrival's id; the
 * counter's 待提货 number is a count of READY orders, ready-count.ts, so nothing else moves). Each order also gets
 * where and when to collect (place.ts OrderPickup), so its pickup-code page reads the order alone. Orders paid the slow
 * way (no code yet) are left PAID for the per-order readying. The number of orders this call moved.
 */
async function readyInBulk(db: DB.Database, gb: GroupBuyDoc, pickup: OrderPickup, ttl: number, now: number): Promise<number> {
  // A payment that landed after the reservation above carries a code not reserved yet: left for the per-order readying.
  const moved = await moveOrdersWhere(db, { groupBuyId: gb._id, pickupCode: db.command.neq(null), codeDueAt: db.command.exists(false) }, 'PAID', 'READY_FOR_PICKUP', { readyAt: now, pickupExpiresAt: pickupExpiresAtFor(now, ttl), readyBatch: gb._id, pickup })
  crashPoint('arrival:after-bulk-ready')
  return moved
}

/** settle: sign-offs a crash cut off after their plan was stored are carried out (the plan decides; nothing twice). */
export async function finishInterruptedArrivals(db: DB.Database, now: number): Promise<{ finished: number }> {
  const res = await docsOf<ArrivalDoc>(db.collection('arrivals').where({ finishedAt: 0 }).limit(20))
  let finished = 0
  for (const a of res) {
    const gb = await findById<GroupBuyDoc>(db, 'groupBuys', a._id)
    if (!gb) continue
    try {
      await signOffArrival(db, gb, undefined, now)
      finished++
    } catch (err) {
      if (isCrash(err)) throw err
      console.error('[arrival] finishing', a._id, 'failed; the next tick retries', err)
    }
  }
  return { finished }
}

/**
 * The merchant's side of a shortage (#22): what arrived of what was ordered and the 货款 deducted (supply price ×
 * units short), once per sign-off — the notice is keyed by the group buy, whose arrival is decided once.
 */
async function tellMerchantShort(db: DB.Database, gb: GroupBuyDoc, arrival: ArrivalDoc, now: number): Promise<void> {
  if (!gb.merchantId) return
  const short = arrival.paidQuantity - arrival.receivedQuantity
  const deductedFen = short * (gb.supplyPriceFen ?? 0)
  const point = await findById<{ name?: string }>(db, 'pickupPoints', gb.pickupPointId)
  await addNotice(db, `short_m_${gb._id}`, {
    openid: gb.merchantId,
    kind: 'SHORTAGE',
    title: '到货不足',
    body: `「${gb.title}」${point?.name ? `在${point.name}` : ''}实收 ${arrival.receivedQuantity}/${arrival.paidQuantity} ${gb.unit}，缺 ${short} ${gb.unit}，货款扣减 ¥${(deductedFen / 100).toFixed(2)}（供货价 ¥${((gb.supplyPriceFen ?? 0) / 100).toFixed(2)} × ${short}），缺货部分已自动退款给居民`,
    page: gb.offerId ? `pages/merchant/purchase-orders/index?offerId=${gb.offerId}` : 'pages/merchant/home/index',
  }, now)
}

/** The stored plan; `resumed` when an earlier sign-off stored it (this one repeats or finishes it). */
async function decideArrival(db: DB.Database, gb: GroupBuyDoc, askedReceived: number | undefined, now: number): Promise<{ arrival: ArrivalDoc; resumed: boolean }> {
  const existing = await findById<ArrivalDoc>(db, 'arrivals', gb._id)
  if (existing) return { arrival: existing, resumed: true }
  // Served in 跟团号 order: first paid, first served (group-buys/join-order.ts).
  const paid = inSeqOrder(await readOrdersInJoinOrder(db, gb._id)).filter((o) => o.status === 'PAID')
  const paidQuantity = paid.reduce((s, o) => s + o.quantity, 0)
  const receivedQuantity = askedReceived === undefined ? paidQuantity : Math.min(askedReceived, paidQuantity)
  const doc: ArrivalDoc = {
    _id: gb._id,
    receivedQuantity,
    paidQuantity,
    lines: planArrival(paid.map((o) => ({ orderId: o._id, quantity: o.quantity, priceFen: o.priceFen, amountFen: o.amountFen })), receivedQuantity),
    createdAt: now,
    finishedAt: 0,
  }
  try {
    await db.collection('arrivals').add({ data: doc })
    return { arrival: doc, resumed: false }
  } catch (err) {
    if (!isDuplicateWrite(err)) throw err
    // Another sign-off decided first: its plan is the one.
    return { arrival: (await findById<ArrivalDoc>(db, 'arrivals', gb._id)) ?? doc, resumed: true }
  }
}

/** True once: the refund marker (refund requested for a shortage, order moved to REFUNDING) is claimed by this call. */
async function movedToRefunding(db: DB.Database, orderId: string, now: number): Promise<boolean> {
  const res = await db.collection('orders').where({ _id: orderId, status: 'REFUNDING', shortageNoticedAt: null }).update({ data: { shortageNoticedAt: now } })
  return updatedCount(res) === 1
}

async function tellShort(db: DB.Database, gb: GroupBuyDoc, order: OrderDoc, line: ArrivalLine, now: number): Promise<void> {
  const refund = line.servedQuantity === 0 ? order.amountFen : line.refundFen
  const body = line.servedQuantity === 0
    ? `「${gb.title}」到货不足，你的 ${order.quantity}${gb.unit} 未能到货，已全额退款 ¥${(refund / 100).toFixed(2)}`
    : `「${gb.title}」到货不足，你的订单到货 ${line.servedQuantity}/${order.quantity}${gb.unit}，少的部分已退款 ¥${(refund / 100).toFixed(2)}`
  await addNotice(db, `short_${order._id}`, { openid: order.openid, kind: 'SHORTAGE_REFUNDED', title: '到货不足，已退款', body, page: `pages/resident/order/index?orderId=${order._id}` }, now)
}
