/**
 * Issue #3: paying. A confirmed payment marks the order PAID once, counts distinct payers, flips the group to
 * SUCCEEDED exactly once with one 成团 message per paid order; replayed or forged notices change nothing.
 */
import { createGroupBuy, join, readAll, readDoc, testCloudForThisFile, type Doc } from './support/cloud'

jest.setTimeout(60_000)

const cloud = testCloudForThisFile()

async function orderStatus(openid: string, orderId: string): Promise<string> {
  const res = await cloud.call<{ order: Doc }>('order', openid, { action: 'get', orderId })
  if (!res.ok) throw new Error(`order.get: ${res.error?.code}`)
  return res.data.order.status
}

async function joined(openid: string, groupBuyId: string, quantity = 1): Promise<string> {
  const res = await join(cloud, openid, groupBuyId, quantity)
  if (!res.ok) throw new Error(`join: ${res.error?.code} ${res.error?.message}`)
  return res.data.orderId
}

/** orderId -> groupBuyId for the orders this file made (outbox entries name the order, not the group). */
const ownedBy = new Map<string, string>()
/** Queued 成团 messages for one group buy's orders. */
const succeededMessages = async (groupBuyId: string) =>
  (await readAll('outbox', { template: 'GROUP_SUCCEEDED' })).filter((m) => ownedBy.get(String(m._id).replace(/^succeeded_/, '')) === groupBuyId)

describe('payment', () => {
  it('pays, counts distinct payers and succeeds exactly once at the threshold', async () => {
    const groupBuyId = await createGroupBuy(cloud, { stock: 20, minParticipants: 3, limitPerUser: 2, priceFen: 1290 })
    const a1 = await joined('pay-a', groupBuyId)
    const a2 = await joined('pay-a', groupBuyId)
    const b = await joined('pay-b', groupBuyId, 2)
    const c = await joined('pay-c', groupBuyId)
    const d = await joined('pay-d', groupBuyId)
    for (const id of [a1, a2, b, c, d]) ownedBy.set(id, groupBuyId)

    expect((await cloud.pay.pay(a1)).ok).toBe(true)
    expect(await orderStatus('pay-a', a1)).toBe('PAID')
    expect((await readDoc('groupBuys', groupBuyId))!.paidParticipants).toBe(1)

    // Same person paying a second order is still one participant.
    await cloud.pay.pay(a2)
    let gb = (await readDoc('groupBuys', groupBuyId))!
    expect(gb.paidParticipants).toBe(1)
    expect(gb.status).toBe('OPEN')

    await cloud.pay.pay(b)
    expect((await readDoc('groupBuys', groupBuyId))!.status).toBe('OPEN')
    await cloud.pay.pay(c)
    gb = (await readDoc('groupBuys', groupBuyId))!
    expect(gb.paidParticipants).toBe(3)
    expect(gb.status).toBe('SUCCEEDED')
    const succeededAt = gb.succeededAt
    expect(typeof succeededAt).toBe('number')
    expect(gb.soldQuantity).toBe(5)
    expect(gb.reservedQuantity).toBe(1)
    expect(gb.stockLeft + gb.reservedQuantity + gb.soldQuantity).toBe(20)

    // The resident sees 成团 on the product page.
    const view = await cloud.call<{ groupBuy: Doc }>('groupBuy', 'pay-d', { action: 'get', groupBuyId })
    expect(view.data.groupBuy.status).toBe('SUCCEEDED')
    expect(view.data.groupBuy.paidParticipants).toBe(3)

    // One 成团 message per paid order so far (a1, a2, b, c), none for the unpaid d.
    let msgs = await succeededMessages(groupBuyId)
    expect(msgs.map((m) => m._id).sort()).toEqual([a1, a2, b, c].map((id) => `succeeded_${id}`).sort())
    expect(msgs.find((m) => m._id === `succeeded_${a1}`)!.toOpenid).toBe('pay-a')

    // Paying after 成团 gets its own message (queued by settle's next run); the group does not "succeed" again.
    await cloud.pay.pay(d)
    await cloud.fireTimer('settle')
    gb = (await readDoc('groupBuys', groupBuyId))!
    expect(gb.status).toBe('SUCCEEDED')
    expect(gb.succeededAt).toBe(succeededAt)
    expect(gb.paidParticipants).toBe(4)
    msgs = await succeededMessages(groupBuyId)
    expect(msgs).toHaveLength(5)

    // Replays, many and concurrent, of every notice change nothing.
    const before = { gb: await readDoc('groupBuys', groupBuyId), orders: await readAll('orders', { groupBuyId }), outbox: (await readAll('outbox', {})).length }
    const delivered = await Promise.all([a1, a2, b, c, d].flatMap((id) => Array.from({ length: 8 }, () => cloud.pay.notify(id))))
    expect(delivered.every(Boolean)).toBe(true)
    expect(await readDoc('groupBuys', groupBuyId)).toEqual(before.gb)
    expect(await readAll('orders', { groupBuyId })).toEqual(before.orders)
    expect((await readAll('outbox', {})).length).toBe(before.outbox)
  })

  it('concurrent payments crossing the threshold succeed the group once and queue one message per order', async () => {
    const groupBuyId = await createGroupBuy(cloud, { stock: 30, minParticipants: 3, limitPerUser: 2 })
    const payers = Array.from({ length: 8 }, (_, i) => `race-${i}`)
    const orders = await Promise.all(payers.map((p) => joined(p, groupBuyId)))
    for (const id of orders) ownedBy.set(id, groupBuyId)

    const results = await Promise.all(orders.map((id) => cloud.pay.pay(id)))
    expect(results.every((r) => r.ok && r.delivered)).toBe(true)
    // …and WeChat Pay re-delivers all of them at once on top.
    await Promise.all(orders.flatMap((id) => [cloud.pay.notify(id), cloud.pay.notify(id)]))

    const gb = (await readDoc('groupBuys', groupBuyId))!
    expect(gb.status).toBe('SUCCEEDED')
    expect(gb.paidParticipants).toBe(8)
    expect(gb.soldQuantity).toBe(8)
    expect(gb.reservedQuantity).toBe(0)
    for (let i = 0; i < orders.length; i++) expect(await orderStatus(payers[i], orders[i])).toBe('PAID')
    // The residents consented once each; a payment counted after 成团 has its message queued by settle's next run.
    for (const p of payers) await cloud.call('user', p, { action: 'recordConsent', templates: ['GROUP_SUCCEEDED'] })
    await cloud.fireTimer('settle')
    const msgs = await succeededMessages(groupBuyId)
    expect(msgs.map((m) => m._id).sort()).toEqual(orders.map((id) => `succeeded_${id}`).sort())

    // The timer sends each exactly once.
    await cloud.fireTimer('settle')
    for (const p of payers) expect(cloud.sent.filter((s) => s.touser === p && s.templateId === 'GROUP_SUCCEEDED')).toHaveLength(1)
  })

  it('a forged callback for an unpaid order does not mark it paid', async () => {
    const groupBuyId = await createGroupBuy(cloud, { stock: 5, minParticipants: 1, limitPerUser: 1 })
    const orderId = await joined('forger', groupBuyId)
    const forged = { outTradeNo: orderId, returnCode: 'SUCCESS', resultCode: 'SUCCESS', totalFee: 1000, transactionId: '4200000000' }
    await cloud.invoke('payCallback', forged, null)
    // …also from a signed-in user, and over HTTP with no identity at all.
    await cloud.invoke('payCallback', forged, 'forger')
    const http = await fetch(`${cloud.url}/fn/payCallback`, { method: 'POST', body: JSON.stringify(forged) })
    expect(http.status).toBe(200)

    expect(await orderStatus('forger', orderId)).toBe('PENDING_PAYMENT')
    const gb = (await readDoc('groupBuys', groupBuyId))!
    expect(gb.status).toBe('OPEN')
    expect(gb.paidParticipants).toBe(0)
    expect(gb.soldQuantity).toBe(0)

    // A notice for an order that does not exist is acknowledged and changes nothing.
    const unknown = (await cloud.invoke('payCallback', { ...forged, outTradeNo: 'o-does-not-exist' }, null)) as { errcode: number }
    expect(unknown.errcode).toBe(0)
  })
})
