/**
 * Issue #14 §3: an unpaid order (or coupon purchase) that expires has its WeChat Pay trade closed first, so the
 * resident can no longer complete the pay sheet and be refunded instead of served. A payment that raced the
 * expiry (paid in WeChat Pay, its notice still on the way) is applied as the callback would, not refunded; any
 * number of replays of the timer and the notice change nothing more.
 */
import { createGroupBuy, join, readAll, readDoc, sleep, testCloudForThisFile, type Doc } from './support/cloud'

jest.setTimeout(60_000)

const cloud = testCloudForThisFile()
const savedWindow = process.env.PAYMENT_WINDOW_MS
afterEach(() => {
  if (savedWindow === undefined) delete process.env.PAYMENT_WINDOW_MS
  else process.env.PAYMENT_WINDOW_MS = savedWindow
})

async function held(openid: string, groupBuyId: string, quantity = 1): Promise<{ orderId: string; amountFen: number }> {
  const res = await join(cloud, openid, groupBuyId, quantity)
  if (!res.ok) throw new Error(`join: ${res.error?.code} ${res.error?.message}`)
  return res.data
}

const order = async (id: string) => (await readDoc('orders', id))!
const groupBuy = async (id: string) => (await readDoc('groupBuys', id))!
const tick = () => cloud.fireTimer('settle') as Promise<{ ok: boolean; data: Doc }>

async function simPay(orderId: string): Promise<{ status: number; body: Doc }> {
  const res = await fetch(`${cloud.url}/sim/pay`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ orderId }) })
  return { status: res.status, body: (await res.json()) as Doc }
}

describe('an unpaid order at expiry', () => {
  it('is closed in WeChat Pay before its stock goes back; paying it afterwards is refused (409)', async () => {
    process.env.PAYMENT_WINDOW_MS = '300'
    const groupBuyId = await createGroupBuy(cloud, { stock: 3, minParticipants: 1, limitPerUser: 3 })
    const o = await held('close-1', groupBuyId, 2)
    expect(cloud.pay.tradeState(o.orderId)).toBe('NOTPAY')
    const closesBefore = cloud.pay.closeCalls

    await tick() // inside its window: nothing is closed
    expect(cloud.pay.closeCalls).toBe(closesBefore)
    await sleep(400)
    const first = await tick()
    expect(first.data).toMatchObject({ expired: 1, paidAtExpiry: 0 })
    expect(cloud.pay.tradeState(o.orderId)).toBe('CLOSED')
    expect(await order(o.orderId)).toMatchObject({ status: 'EXPIRED' })
    expect(await groupBuy(groupBuyId)).toMatchObject({ stockLeft: 3, reservedQuantity: 0, soldQuantity: 0 })

    // The resident's pay sheet is dead: the simulator refuses like WeChat Pay, no money moves, nothing to refund.
    const late = await simPay(o.orderId)
    expect(late.status).toBe(409)
    expect(late.body.error.message).toMatch('ORDERCLOSED')
    await tick()
    expect(cloud.pay.refundedFor(o.orderId)).toBe(0)
    expect(await readAll('refunds', { orderId: o.orderId })).toHaveLength(0)
    expect(await order(o.orderId)).toMatchObject({ status: 'EXPIRED' })
  })

  it('that was paid meanwhile (notice still on its way) is served, not expired or refunded; replays change nothing', async () => {
    process.env.PAYMENT_WINDOW_MS = '300'
    const groupBuyId = await createGroupBuy(cloud, { stock: 5, minParticipants: 1, limitPerUser: 3 })
    const o = await held('race-1', groupBuyId, 2)
    expect(await cloud.pay.pay(o.orderId, { deliver: false })).toMatchObject({ ok: true, delivered: false })
    await sleep(400)

    // Two timer runs race at expiry: closeOrder answers ORDERPAID to both, the payment is applied once.
    const [a, b] = await Promise.all([tick(), tick()])
    expect(a.data.paidAtExpiry + b.data.paidAtExpiry).toBe(2)
    expect(a.data.expired + b.data.expired).toBe(0)
    const paid = await order(o.orderId)
    expect(paid).toMatchObject({ status: 'PAID' })
    expect(paid.transactionId).toBeTruthy()
    const gb = await groupBuy(groupBuyId)
    expect(gb).toMatchObject({ stockLeft: 3, reservedQuantity: 0, soldQuantity: 2, paidParticipants: 1, status: 'SUCCEEDED' })

    // The notice finally arrives, again and again; the timer runs on: nothing moves, nobody is refunded.
    expect(await cloud.pay.notify(o.orderId)).toBe(true)
    expect(await cloud.pay.notify(o.orderId)).toBe(true)
    for (let i = 0; i < 3; i++) expect((await tick()).data).toMatchObject({ expired: 0, paidAtExpiry: 0 })
    expect(await order(o.orderId)).toMatchObject({ status: 'PAID', paidAt: paid.paidAt })
    expect(await groupBuy(groupBuyId)).toMatchObject({ stockLeft: 3, reservedQuantity: 0, soldQuantity: 2, paidParticipants: 1 })
    expect(cloud.pay.refundedFor(o.orderId)).toBe(0)
    expect(await readAll('refunds', { orderId: o.orderId })).toHaveLength(0)
    expect(cloud.pay.tradeState(o.orderId)).toBe('SUCCESS')
  })

  it('racing timer runs close and release a hold exactly once', async () => {
    process.env.PAYMENT_WINDOW_MS = '200'
    const groupBuyId = await createGroupBuy(cloud, { stock: 4, minParticipants: 1, limitPerUser: 4 })
    const orders = [await held('once-1', groupBuyId, 1), await held('once-2', groupBuyId, 2)]
    await sleep(300)
    const replies = await Promise.all([tick(), tick(), tick()])
    expect(replies.reduce((n, r) => n + r.data.expired, 0)).toBe(2)
    for (const o of orders) expect(cloud.pay.tradeState(o.orderId)).toBe('CLOSED')
    expect(await groupBuy(groupBuyId)).toMatchObject({ stockLeft: 4, reservedQuantity: 0 })
  })

  it('when WeChat Pay cannot be asked, the hold is released anyway and money that still arrives goes back once', async () => {
    process.env.PAYMENT_WINDOW_MS = '200'
    const groupBuyId = await createGroupBuy(cloud, { stock: 2, minParticipants: 1, limitPerUser: 2 })
    const o = await held('sysfail-1', groupBuyId, 1)
    await sleep(300)
    cloud.pay.failNextCloses(1)
    expect((await tick()).data).toMatchObject({ expired: 1 })
    expect(cloud.pay.tradeState(o.orderId)).toBe('NOTPAY')
    expect((await simPay(o.orderId)).status).toBe(200)
    await tick()
    expect(cloud.pay.refundedFor(o.orderId)).toBe(o.amountFen)
    expect(cloud.pay.refundCountFor(o.orderId)).toBe(1)
    expect(await order(o.orderId)).toMatchObject({ status: 'REFUNDED' })
  })
})
