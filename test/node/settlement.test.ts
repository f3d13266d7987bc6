/**
 * Issue #3: the end of a group buy. Below its threshold it fails and every paid resident gets their money back
 * exactly once, even when WeChat Pay refuses the first refunds; unpaid holds are released; money that arrives
 * after a hold was released goes back automatically; unpaid orders expire and return their stock.
 */
import { createGroupBuy, database, join, readAll, readDoc, sleep, testCloudForThisFile, type Doc } from './support/cloud'

jest.setTimeout(60_000)

const cloud = testCloudForThisFile()

async function orderOf(openid: string, orderId: string): Promise<Doc> {
  const res = await cloud.call<{ order: Doc }>('order', openid, { action: 'get', orderId })
  if (!res.ok) throw new Error(`order.get: ${res.error?.code}`)
  return res.data.order
}

async function joined(openid: string, groupBuyId: string, quantity = 1): Promise<{ orderId: string; amountFen: number }> {
  const res = await join(cloud, openid, groupBuyId, quantity)
  if (!res.ok) throw new Error(`join: ${res.error?.code} ${res.error?.message}`)
  return res.data
}

/** Time passing for refunds waiting out their backoff: make every pending retry due now. */
async function letRefundBackoffPass(): Promise<void> {
  const _ = database().command
  await database().collection('refunds').where({ status: 'PENDING', nextAttemptAt: _.gt(0) }).update({ data: { nextAttemptAt: 0 } })
}

describe('a group buy that ends below its threshold', () => {
  it('fails, cancels unpaid holds and refunds every paid order exactly once despite refund failures', async () => {
    const endAt = Date.now() + 1500
    const groupBuyId = await createGroupBuy(cloud, { stock: 20, minParticipants: 5, limitPerUser: 3, priceFen: 990, endAt })
    const p1 = await joined('fail-1', groupBuyId, 2)
    const p2 = await joined('fail-2', groupBuyId, 1)
    const p3 = await joined('fail-3', groupBuyId, 3)
    const unpaid = await joined('fail-4', groupBuyId, 1)
    const cancelled = await joined('fail-5', groupBuyId, 1)
    for (const o of [p1, p2, p3]) expect((await cloud.pay.pay(o.orderId)).ok).toBe(true)

    // fail-5 cancels, then their payment still goes through: the money comes back on its own.
    expect((await cloud.call('order', 'fail-5', { action: 'cancel', orderId: cancelled.orderId })).ok).toBe(true)
    await cloud.pay.pay(cancelled.orderId)
    expect((await orderOf('fail-5', cancelled.orderId)).status).toBe('REFUNDING')

    expect((await readDoc('groupBuys', groupBuyId))!.paidParticipants).toBe(3)
    await sleep(Math.max(0, endAt - Date.now()) + 50)

    cloud.pay.failNextRefunds(2)
    const callsBefore = cloud.pay.refundCalls
    await cloud.fireTimer('settle')

    const view = await cloud.call<{ groupBuy: Doc }>('groupBuy', 'fail-1', { action: 'get', groupBuyId })
    expect(view.data.groupBuy.status).toBe('FAILED')
    expect((await orderOf('fail-4', unpaid.orderId)).status).toBe('CANCELLED')
    // Two refunds were refused and wait for their retry; nobody was paid twice meanwhile.
    expect(cloud.pay.refundCalls - callsBefore).toBe(4)
    const pending = await readAll('refunds', { groupBuyId, status: 'PENDING' })
    expect(pending).toHaveLength(2)
    for (const r of pending) {
      expect(r.nextAttemptAt).toBeGreaterThan(Date.now())
      expect(r.lastError).toBeTruthy()
    }

    // The timer keeps running: nothing is retried before its backoff…
    await cloud.fireTimer('settle')
    expect(cloud.pay.refundCalls - callsBefore).toBe(4)
    // …and once it has passed, the retries go through.
    await letRefundBackoffPass()
    await cloud.fireTimer('settle')
    for (let i = 0; i < 3; i++) {
      await letRefundBackoffPass()
      await cloud.fireTimer('settle')
    }

    const refunded = [
      { who: 'fail-1', ...p1 },
      { who: 'fail-2', ...p2 },
      { who: 'fail-3', ...p3 },
      { who: 'fail-5', ...cancelled },
    ]
    for (const o of refunded) {
      expect(cloud.pay.refundedFor(o.orderId)).toBe(o.amountFen)
      expect(cloud.pay.refundCountFor(o.orderId)).toBe(1)
      const order = await orderOf(o.who, o.orderId)
      expect(order.status).toBe('REFUNDED')
      expect(typeof order.refundedAt).toBe('number')
    }
    expect(cloud.pay.refundedFor(unpaid.orderId)).toBe(0)
    expect((await orderOf('fail-4', unpaid.orderId)).status).toBe('CANCELLED')
    expect(await readAll('refunds', { groupBuyId, status: 'PENDING' })).toHaveLength(0)

    // Each refunded resident gets one 退款 message queued.
    const msgs = await readAll('outbox', { template: 'GROUP_FAILED_REFUNDED' })
    for (const o of refunded) expect(msgs.filter((m) => m._id === `refunded_${o.orderId}`)).toHaveLength(1)

    // The unpaid hold's stock is back; the failed group's paid stock is not resold.
    const gb = (await readDoc('groupBuys', groupBuyId))!
    expect(gb.status).toBe('FAILED')
    expect(gb.reservedQuantity).toBe(0)
    expect(gb.stockLeft + gb.reservedQuantity + gb.soldQuantity).toBe(20)
    expect(gb.settledAt).toBeGreaterThan(0)

    // The unpaid hold's WeChat Pay trade was closed when it was cancelled: the pay sheet can no longer be completed.
    expect(cloud.pay.tradeState(unpaid.orderId)).toBe('CLOSED')
    expect(await cloud.pay.pay(unpaid.orderId)).toMatchObject({ ok: false })
    await cloud.fireTimer('settle')
    expect(cloud.pay.refundedFor(unpaid.orderId)).toBe(0)
    expect((await orderOf('fail-4', unpaid.orderId)).status).toBe('CANCELLED')

    // Any number of further timer runs and notice replays pay nobody anything more.
    const calls = cloud.pay.refundCalls
    for (const o of [...refunded, unpaid]) await cloud.pay.notify(o.orderId)
    for (let i = 0; i < 3; i++) {
      await letRefundBackoffPass()
      await cloud.fireTimer('settle')
    }
    for (const o of refunded) {
      expect(cloud.pay.refundCountFor(o.orderId)).toBe(1)
      expect(cloud.pay.refundedFor(o.orderId)).toBe(o.amountFen)
    }
    expect(cloud.pay.refundCountFor(unpaid.orderId)).toBe(0)
    expect(cloud.pay.refundCalls).toBe(calls)
    expect((await cloud.call('groupBuy', 'late-joiner', { action: 'join', groupBuyId, quantity: 1, requestId: 'late-joiner-1' })).error?.code).toBe('GROUP_BUY.NOT_OPEN')
  })

  it('a group buy that reached its threshold closes at the end and refunds nobody', async () => {
    const endAt = Date.now() + 800
    const groupBuyId = await createGroupBuy(cloud, { stock: 10, minParticipants: 2, limitPerUser: 2, endAt })
    const a = await joined('close-1', groupBuyId)
    const b = await joined('close-2', groupBuyId)
    const c = await joined('close-3', groupBuyId)
    await cloud.pay.pay(a.orderId)
    await cloud.pay.pay(b.orderId)
    await sleep(Math.max(0, endAt - Date.now()) + 50)
    await cloud.fireTimer('settle')
    expect((await readDoc('groupBuys', groupBuyId))!.status).toBe('CLOSED')
    expect((await orderOf('close-1', a.orderId)).status).toBe('PAID')
    expect((await orderOf('close-3', c.orderId)).status).toBe('CANCELLED')
    expect(cloud.pay.refundCountFor(a.orderId) + cloud.pay.refundCountFor(b.orderId)).toBe(0)
  })
})

describe('payment window', () => {
  const saved = process.env.PAYMENT_WINDOW_MS
  afterEach(() => {
    if (saved === undefined) delete process.env.PAYMENT_WINDOW_MS
    else process.env.PAYMENT_WINDOW_MS = saved
  })

  it('an unpaid order expires on the timer and gives its stock and quota back', async () => {
    process.env.PAYMENT_WINDOW_MS = '300'
    const groupBuyId = await createGroupBuy(cloud, { stock: 2, minParticipants: 2, limitPerUser: 2 })
    const held = await joined('slow-payer', groupBuyId, 2)
    expect((await join(cloud, 'other', groupBuyId, 1)).error?.code).toBe('GROUP_BUY.SOLD_OUT')

    // Before its window passes, the timer leaves it alone.
    await cloud.fireTimer('settle')
    expect((await orderOf('slow-payer', held.orderId)).status).toBe('PENDING_PAYMENT')

    await sleep(400)
    await cloud.fireTimer('settle')
    expect((await orderOf('slow-payer', held.orderId)).status).toBe('EXPIRED')
    const view = await cloud.call<{ groupBuy: Doc }>('groupBuy', 'slow-payer', { action: 'get', groupBuyId })
    expect(view.data.groupBuy.stockLeft).toBe(2)
    expect(view.data.groupBuy.myQuantity).toBe(0)
    const gb = (await readDoc('groupBuys', groupBuyId))!
    expect(gb.reservedQuantity).toBe(0)
    expect(gb.stockLeft + gb.reservedQuantity + gb.soldQuantity).toBe(2)

    // The stock is for sale again, and the same person may take their full limit again.
    process.env.PAYMENT_WINDOW_MS = String(15 * 60_000)
    expect((await join(cloud, 'other', groupBuyId, 1)).ok).toBe(true)
    expect((await join(cloud, 'slow-payer', groupBuyId, 1)).ok).toBe(true)

    // Its WeChat Pay trade was closed at expiry: the pay sheet can no longer be completed, nothing to refund.
    expect(cloud.pay.tradeState(held.orderId)).toBe('CLOSED')
    expect(await cloud.pay.pay(held.orderId)).toMatchObject({ ok: false })
    await cloud.fireTimer('settle')
    expect((await orderOf('slow-payer', held.orderId)).status).toBe('EXPIRED')
    expect(cloud.pay.refundedFor(held.orderId)).toBe(0)
    expect((await readDoc('groupBuys', groupBuyId))!.soldQuantity).toBe(0)
  })
})

describe('money that does not match the order', () => {
  it('is never counted, and exactly what was paid goes back', async () => {
    const groupBuyId = await createGroupBuy(cloud, { stock: 10, minParticipants: 1, priceFen: 1500 })
    const { orderId, amountFen } = await joined('mismatch-payer', groupBuyId, 2)
    // The order's amount changes after WeChat Pay's trade was opened (the payment no longer matches it).
    await database().collection('orders').doc(orderId).update({ data: { amountFen: amountFen + 1 } })
    expect((await cloud.pay.pay(orderId)).ok).toBe(true)

    expect((await orderOf('mismatch-payer', orderId)).status).not.toBe('PAID')
    expect(await readDoc('groupBuys', groupBuyId)).toMatchObject({ paidParticipants: 0, soldQuantity: 0, status: 'OPEN' })
    await cloud.fireTimer('settle')
    expect(cloud.pay.refundedFor(orderId)).toBe(amountFen) // what WeChat Pay took, not the order's changed amount
    expect(cloud.pay.refundCountFor(orderId)).toBe(1)
  })
})
