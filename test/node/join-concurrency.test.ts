/**
 * Issue #3: joining under load. Stock and the per-person limit hold however many residents tap 参团 at once,
 * and a replayed request never reserves twice.
 */
import { createGroupBuy, join, newRequestId, readAll, readDoc, testCloudForThisFile, type Doc } from './support/cloud'

jest.setTimeout(60_000)

const cloud = testCloudForThisFile()

/** Deterministic "random" quantities so a failure reproduces. */
function lcg(seed: number) {
  let s = seed >>> 0
  return () => (s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32
}

describe('flash crowd', () => {
  it('300 concurrent joins by 150 residents never oversell 50 units', async () => {
    const stock = 50
    const limit = 2
    const groupBuyId = await createGroupBuy(cloud, { stock, limitPerUser: limit, minParticipants: 5 })
    const rand = lcg(42)
    const attempts = Array.from({ length: 300 }, (_, i) => ({ openid: `crowd-${i % 150}`, quantity: rand() < 0.5 ? 1 : 2 }))

    const replies = await Promise.all(attempts.map((a) => join(cloud, a.openid, groupBuyId, a.quantity)))

    const successes = attempts.filter((_, i) => replies[i].ok)
    const failures = replies.filter((r) => !r.ok)
    const soldQty = successes.reduce((sum, a) => sum + a.quantity, 0)
    expect(successes.length).toBeGreaterThan(0)
    expect(soldQty).toBeLessThanOrEqual(stock)
    // The crowd wants far more than 50: the stock must actually be used up, not refused early.
    expect(soldQty).toBeGreaterThanOrEqual(stock - 1)
    const codes = new Set(failures.map((r) => r.error?.code))
    for (const code of codes) expect(['GROUP_BUY.SOLD_OUT', 'GROUP_BUY.LIMIT_EXCEEDED']).toContain(code)
    expect(codes.has('GROUP_BUY.SOLD_OUT')).toBe(true)

    // What the product page shows (groupBuy.get) agrees with the stored counters.
    const view = await cloud.call<{ groupBuy: Doc }>('groupBuy', 'crowd-0', { action: 'get', groupBuyId })
    expect(view.ok).toBe(true)
    expect(view.data.groupBuy.stockLeft).toBe(stock - soldQty)
    expect(view.data.groupBuy.stockLeft).toBeGreaterThanOrEqual(0)

    const gb = (await readDoc('groupBuys', groupBuyId))!
    expect(gb.stockLeft).toBeGreaterThanOrEqual(0)
    expect(gb.stockLeft + gb.reservedQuantity + gb.soldQuantity).toBe(stock)
    expect(gb.reservedQuantity).toBe(soldQty)

    // Every success is exactly one stored order, and nobody holds more than the limit.
    const orders = await readAll('orders', { groupBuyId })
    expect(orders).toHaveLength(successes.length)
    expect(orders.reduce((s, o) => s + o.quantity, 0)).toBe(soldQty)
    const held = new Map<string, number>()
    for (const o of orders) held.set(o.openid, (held.get(o.openid) ?? 0) + o.quantity)
    for (const q of held.values()) expect(q).toBeLessThanOrEqual(limit)
    // The per-person tally the limit is enforced on matches the orders it stands for.
    const parts = await readAll('participations', { groupBuyId })
    for (const p of parts) expect(p.quantity).toBe(held.get(p.openid) ?? 0)
  })
})

describe('per-person limit', () => {
  it('30 concurrent joins by one person with different requestIds hold at most the limit', async () => {
    const limit = 3
    const groupBuyId = await createGroupBuy(cloud, { stock: 100, limitPerUser: limit })
    const replies = await Promise.all(Array.from({ length: 30 }, (_, i) => join(cloud, 'greedy-1', groupBuyId, (i % 2) + 1)))

    const ok = replies.filter((r) => r.ok)
    expect(ok.length).toBeGreaterThan(0)
    for (const r of replies.filter((x) => !x.ok)) expect(r.error?.code).toBe('GROUP_BUY.LIMIT_EXCEEDED')
    const orders = await readAll('orders', { groupBuyId, openid: 'greedy-1' })
    const held = orders.reduce((s, o) => s + o.quantity, 0)
    expect(held).toBeLessThanOrEqual(limit)
    expect(orders).toHaveLength(ok.length)

    const view = await cloud.call<{ groupBuy: Doc }>('groupBuy', 'greedy-1', { action: 'get', groupBuyId })
    expect(view.data.groupBuy.myQuantity).toBe(held)
    expect(view.data.groupBuy.stockLeft).toBe(100 - held)
  })
})

describe('replayed requestId', () => {
  it('sequential replays return the same order and reserve nothing more', async () => {
    const groupBuyId = await createGroupBuy(cloud, { stock: 10, limitPerUser: 2 })
    const requestId = newRequestId('seq')
    const first = await join(cloud, 'replayer-1', groupBuyId, 2, requestId)
    expect(first.ok).toBe(true)
    for (let i = 0; i < 5; i++) {
      const again = await join(cloud, 'replayer-1', groupBuyId, 2, requestId)
      expect(again.ok).toBe(true)
      expect(again.data.orderId).toBe(first.data.orderId)
    }
    const gb = (await readDoc('groupBuys', groupBuyId))!
    expect(gb.stockLeft).toBe(8)
    expect(gb.reservedQuantity).toBe(2)
    expect(await readAll('orders', { groupBuyId })).toHaveLength(1)
    expect((await readAll('participations', { groupBuyId }))[0].quantity).toBe(2)
  })

  it('concurrent replays return one order id and reserve once', async () => {
    const groupBuyId = await createGroupBuy(cloud, { stock: 10, limitPerUser: 2 })
    const requestId = newRequestId('conc')
    const replies = await Promise.all(Array.from({ length: 20 }, () => join(cloud, 'replayer-2', groupBuyId, 1, requestId)))
    for (const r of replies) expect(r.ok).toBe(true)
    expect(new Set(replies.map((r) => r.data.orderId)).size).toBe(1)
    const gb = (await readDoc('groupBuys', groupBuyId))!
    expect(gb.stockLeft).toBe(9)
    expect(gb.reservedQuantity).toBe(1)
    expect(await readAll('orders', { groupBuyId })).toHaveLength(1)
    expect((await readAll('participations', { groupBuyId }))[0].quantity).toBe(1)
  })

  it('a replay at the limit still answers with its order instead of LIMIT_EXCEEDED', async () => {
    const groupBuyId = await createGroupBuy(cloud, { stock: 10, limitPerUser: 2 })
    const requestId = newRequestId('limit')
    const first = await join(cloud, 'replayer-3', groupBuyId, 2, requestId)
    const again = await join(cloud, 'replayer-3', groupBuyId, 2, requestId)
    expect(again.ok).toBe(true)
    expect(again.data.orderId).toBe(first.data.orderId)
  })

  it('the same requestId from another resident is a different order', async () => {
    const groupBuyId = await createGroupBuy(cloud, { stock: 10, limitPerUser: 2 })
    const requestId = newRequestId('shared')
    const a = await join(cloud, 'replayer-4', groupBuyId, 1, requestId)
    const b = await join(cloud, 'replayer-5', groupBuyId, 1, requestId)
    expect(a.ok && b.ok).toBe(true)
    expect(a.data.orderId).not.toBe(b.data.orderId)
    expect((await readDoc('groupBuys', groupBuyId))!.stockLeft).toBe(8)
  })
})
