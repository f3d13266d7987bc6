import type { LocalCloud } from './host'
import { DEMO } from './seed'
import { ledgerUpdate } from '@server/ledger/model'

type Reply = { ok: boolean; data?: Record<string, unknown>; error?: { code: string; message: string } }

/**
 * Money on the demo's 收益 / 结算 / 对账 screens: a few paid, picked-up (two of them past their after-sales window,
 * one still in it), short-shipped and refunded orders, and one payout, made through the real functions and the payment simulator. `npm start` only (tests keep the plain
 * seed); runs once, on a database whose ledger is empty.
 */
export async function seedLedgerDemo(cloud: LocalCloud): Promise<void> {
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  const sdk = require('wx-server-sdk') as { database(): DB.Database }
  const db = sdk.database()
  const entries = (await db.collection('ledgerEntries').count()) as unknown as { total: number }
  if (entries.total > 0) return
  const call = async (fn: string, openid: string, event: Record<string, unknown>) => {
    const res = (await cloud.invoke(fn, event, openid)) as Reply
    if (!res.ok) throw new Error(`ledger seed ${fn}.${String(event.action)} failed: ${res.error?.code} ${res.error?.message}`)
    return res.data ?? {}
  }
  const { boundPickupPointId: pointId } = (await call('user', DEMO.leader, { action: 'me' })) as { boundPickupPointId: string }
  await call('admin', DEMO.admin, { action: 'setHandlingFee', pickupPointId: pointId, handlingFeeFen: 50 })
  const now = Date.now()

  const own = (await call('groupBuy', DEMO.leader, {
    action: 'create', title: '丹东草莓 1 斤装', unit: '盒', priceFen: 2590, stock: 50, minParticipants: 1, limitPerUser: 3,
    startAt: now - 60_000, endAt: now + 2 * 86_400_000, pickupPointId: pointId, description: '当天采摘，冷链到店。',
  })) as { groupBuyId: string }
  // 帮卖: a group buy the leader opened from the merchant's supply offer (what groupBuy.createFromOffer writes).
  const offer = 'demo-offer-gb-1'
  await db.collection('groupBuys').add({
    data: {
      _id: offer, title: '赣南脐橙 5 斤（帮卖）', description: '产地直发，商家供货。', images: [], unit: '箱', priceFen: 3290, originalPriceFen: 4590, stock: 80,
      stockLeft: 80, reservedQuantity: 0, soldQuantity: 0, minParticipants: 1, paidParticipants: 0, limitPerUser: 3, startAt: now - 60_000, endAt: now + 2 * 86_400_000,
      pickupPointId: pointId, creatorOpenid: DEMO.leader, creatorRole: 'leader', status: 'OPEN', createdAt: now, succeededAt: null, settledAt: 0, arrivedAt: null,
      offerId: 'demo-offer-1', merchantId: DEMO.merchant, supplyPriceFen: 2200, commissionBp: 1000,
    },
  })

  const buy = async (openid: string, groupBuyId: string, quantity: number, tag: string) => {
    const { orderId } = (await call('groupBuy', openid, { action: 'join', groupBuyId, quantity, requestId: `ledger-demo-${tag}` })) as { orderId: string }
    await cloud.pay.pay(orderId)
    return orderId
  }
  const [r1, r2, r3] = DEMO.residents
  const ownOrders = [await buy(r1, own.groupBuyId, 2, 'own-1'), await buy(r2, own.groupBuyId, 1, 'own-2'), await buy(r3, own.groupBuyId, 1, 'own-3')]
  const offerOrders = [await buy(r1, offer, 2, 'offer-1'), await buy(r2, offer, 1, 'offer-2'), await buy(r3, offer, 2, 'offer-3')]

  // Resident 2's strawberries are refunded in full (the leader cancelled the order).
  const { requestRefund } = await import('@server/payments/refunds')
  const refunded = (await db.collection('orders').doc(ownOrders[1]).get()) as unknown as { data: { _id: string; openid: string; groupBuyId: string; amountFen: number } }
  await requestRefund(db, refunded.data, '团长取消订单', now)
  // The orange group buy's time is up (settle closes it), and its goods arrive one box short: served in 跟团号
  // order, resident 3 gets one of two boxes and 32.90 back (the shortage refund).
  await db.collection('groupBuys').doc(offer).update({ data: { endAt: Date.now() - 1000 } })
  await cloud.fireTimer('settle')
  await call('groupBuy', DEMO.leader, { action: 'markArrived', groupBuyId: own.groupBuyId })
  await call('groupBuy', DEMO.leader, { action: 'markArrived', groupBuyId: offer, receivedQuantity: 4 })
  for (const [openid, orderId] of [[r1, ownOrders[0]], [r1, offerOrders[0]], [r2, offerOrders[1]]] as const) {
    const { order } = (await call('order', openid, { action: 'get', orderId })) as { order: { pickupCode: string } }
    await call('pickup', DEMO.clerk, { action: 'verify', code: order.pickupCode })
  }
  // Money becomes withdrawable (可提现) only after the after-sales window (AFTER_SALES_WINDOW_MS, default 48 h) has
  // closed with no case open. The demo has resident 1's two orders handed over three days ago, so settle releases
  // them now; resident 2's box, picked up just now, stays in 售后期 (with AFTER_SALES_WINDOW_MS=60000 it is released
  // by settle a minute later).
  const threeDaysAgo = now - 3 * 86_400_000
  for (const orderId of [ownOrders[0], offerOrders[0]]) {
    await db.collection('orders').doc(orderId).update({ data: { pickedUpAt: threeDaysAgo, ...ledgerUpdate({ pickedUpAt: threeDaysAgo }) } })
  }
  await cloud.fireTimer('settle')
  await call('ledger', DEMO.leader, { action: 'requestPayout', amountFen: 2000, requestId: 'ledger-demo-payout-1' })
  await cloud.fireTimer('settle')
  await call('admin', DEMO.admin, { action: 'reconcile' })
}
