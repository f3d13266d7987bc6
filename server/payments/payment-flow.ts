import type { GroupBuyDoc, OrderDoc } from '@server/docs'
import { findById, updatedCount } from '@server/fetch'
import { participationIdFor } from '@server/ids'
import { addNotice } from '@server/messages/notices'
import { enqueue } from '@server/messages/outbox'
import { queryPaid } from '@server/payments/pay'
import { pickupCodeTtlMs, readyForPickup } from '@server/pickup/pickup-flow'
import { pickupWordsForGroupBuy } from '@server/pickup/place'
import { requestRefund } from '@server/payments/refunds'
import { recordSale } from '@server/ledger/ledger-flow'

export type PaymentOutcome = 'PAID' | 'ALREADY_APPLIED' | 'NOT_PAID' | 'UNKNOWN_ORDER' | 'REFUNDING'

/**
 * Apply a payment WeChat Pay told us about. Trust nothing in the notice: ask queryOrder, check the amount,
 * then make each step a conditional write so replays and races change nothing twice.
 */
export async function applyPayment(db: DB.Database, orderId: string, now: number): Promise<PaymentOutcome> {
  const _ = db.command
  const order = await findById<OrderDoc>(db, 'orders', orderId)
  if (!order) return 'UNKNOWN_ORDER'
  const confirmed = await queryPaid(orderId)
  if (!confirmed.paid) return 'NOT_PAID'
  if (confirmed.totalFee !== order.amountFen) {
    // Money arrived that does not match the order: never count it, give back exactly what was paid.
    await requestRefund(db, { ...order, amountFen: confirmed.totalFee }, '支付金额不符', now)
    return 'REFUNDING'
  }

  const paid = await db.collection('orders').where({ _id: orderId, status: 'PENDING_PAYMENT' }).update({ data: { status: 'PAID', paidAt: now, transactionId: confirmed.transactionId } })
  if (updatedCount(paid) !== 1) {
    const current = (await findById<OrderDoc>(db, 'orders', orderId)) ?? order
    if (current.status === 'CANCELLED' || current.status === 'EXPIRED') {
      // Paid after the hold was released: the resident gets their money back, automatically.
      await requestRefund(db, current, '订单已取消或超时后到账', now)
      return 'REFUNDING'
    }
    return 'ALREADY_APPLIED'
  }
  await recordSale(db, orderId, now)

  const partId = participationIdFor(order.groupBuyId, order.openid)
  const firstPaid = updatedCount(await db.collection('participations').where({ _id: partId, paidOrders: 0 }).update({ data: { paidOrders: _.inc(1) } })) === 1
  if (!firstPaid) await db.collection('participations').doc(partId).update({ data: { paidOrders: _.inc(1) } })

  const counted = await db
    .collection('groupBuys')
    .where({ _id: order.groupBuyId, status: _.in(['OPEN', 'SUCCEEDED']) })
    .update({ data: { paidParticipants: _.inc(firstPaid ? 1 : 0), soldQuantity: _.inc(order.quantity), reservedQuantity: _.inc(-order.quantity) } })
  if (updatedCount(counted) !== 1) {
    // The group ended (failed or closed) while this payment was in flight.
    await requestRefund(db, order, '团购已结束', now)
    return 'REFUNDING'
  }

  const gb = await findById<GroupBuyDoc>(db, 'groupBuys', order.groupBuyId)
  if (!gb) return 'PAID'
  // Paid after the goods arrived (the group had already succeeded): ready to collect straight away — unless
  // the goods arrived short, when nothing is left for a late payer and the money goes back.
  if (gb.arrivedAt) {
    if (gb.arrivalShort) await requestRefund(db, order, '到货不足退款', now)
    else await readyForPickup(db, { ...order, status: 'PAID' }, pickupCodeTtlMs(), now)
  }
  if (gb.status === 'OPEN' && gb.paidParticipants >= gb.minParticipants) {
    const won = await db.collection('groupBuys').where({ _id: gb._id, status: 'OPEN', paidParticipants: _.gte(gb.minParticipants) }).update({ data: { status: 'SUCCEEDED', succeededAt: now } })
    // Exactly one payment wins the transition and tells everyone who has paid so far.
    if (updatedCount(won) === 1) await notifySucceeded(db, gb, now)
  } else if (gb.status === 'SUCCEEDED') {
    await enqueue(db, `succeeded_${order._id}`, succeededMessage(gb, order, await pickupWordsForGroupBuy(db, gb._id, now)), now)
  }
  return 'PAID'
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
  let lastId = ''
  for (;;) {
    const _ = db.command
    const res = (await db.collection('orders').where({ groupBuyId: gb._id, status: 'PAID', _id: _.gt(lastId) }).orderBy('_id', 'asc').limit(100).get()) as unknown as { data: OrderDoc[] }
    const words = await pickupWordsForGroupBuy(db, gb._id, now)
    for (const o of res.data) await enqueue(db, `succeeded_${o._id}`, succeededMessage(gb, o, words), now)
    if (res.data.length < 100) return
    lastId = res.data[res.data.length - 1]._id
  }
}
