/**
 * Issue #15: joins of one group buy share their stock write within an instance (server/group-buys/stock-rounds.ts)
 * and refusals share their replay read. Every guarantee of a lone join must still hold: never oversold, the
 * per-person limit, a replay gets its order back (also after sold out, also when the order was made by another
 * instance), a fresh requestId when sold out is refused with nothing written.
 */
import { runAs } from '../../local-cloud/identity'
import { createGroupBuy, join, newRequestId, readAll, readDoc, testCloudForThisFile, type Reply } from './support/cloud'

jest.setTimeout(60_000)

const cloud = testCloudForThisFile()

type JoinData = { orderId: string }

/**
 * A second instance of the groupBuy function: its own module state (caches, stock rounds, in-flight joins), the
 * same database — as CloudBase runs several instances of one function.
 */
function secondInstance(): (openid: string, event: Record<string, unknown>) => Promise<Reply<JoinData>> {
  let main: ((event: unknown) => Promise<unknown>) | undefined
  jest.isolateModules(() => {
    cloud.db.install() // routes this fresh copy of wx-server-sdk to the same local database
    // eslint-disable-next-line @typescript-eslint/no-var-requires
    const sdk = require('wx-server-sdk') as Record<string, unknown>
    sdk.cloudPay = cloud.pay.api()
    // eslint-disable-next-line @typescript-eslint/no-var-requires
    main = (require('../../cloudfunctions/groupBuy/src/index') as { main: (event: unknown) => Promise<unknown> }).main
  })
  cloud.db.install() // back to the first instance's copy for everything else in this file
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  expect(main).not.toBe((require('../../cloudfunctions/groupBuy/src/index') as { main: unknown }).main)
  return (openid, event) => runAs({ openid, appid: 'wx-local-linlituan' }, () => main!(event)) as Promise<Reply<JoinData>>
}

it('a crowd asking more than the stock gets exactly the stock, with a handful of stock operations', async () => {
  const groupBuyId = await createGroupBuy(cloud, { stock: 40, limitPerUser: 2 })
  await join(cloud, 'rounds-warm', groupBuyId, 1) // terms cached
  cloud.db.resetStats()
  const replies = await Promise.all(Array.from({ length: 200 }, (_, i) => join(cloud, `rounds-${i}`, groupBuyId, 1)))
  const ok = replies.filter((r) => r.ok)
  expect(ok).toHaveLength(39)
  for (const r of replies.filter((x) => !x.ok)) expect(r.error?.code).toBe('GROUP_BUY.SOLD_OUT')
  const gb = (await readDoc('groupBuys', groupBuyId))!
  expect(gb.stockLeft).toBe(0)
  expect(gb.reservedQuantity).toBe(40)
  expect(await readAll('orders', { groupBuyId })).toHaveLength(40)
  // 39 successes × (quota + order) plus a few shared stock writes/reads and replay reads — not 2 per refusal.
  const ops = cloud.db.stats.operations
  expect(ops).toBeGreaterThanOrEqual(39 * 2)
  expect(ops / 39).toBeLessThanOrEqual(4)
})

it('a round whose total does not fit still hands out every unit an ask can take alone', async () => {
  const groupBuyId = await createGroupBuy(cloud, { stock: 3, limitPerUser: 2 })
  await join(cloud, 'fit-warm', groupBuyId, 1) // 2 left; terms cached
  // 2 + 2 + 1 asked at once, 2 left: the first 2 takes it, the others are refused (none of them over-sold).
  const [a, b, c] = await Promise.all([join(cloud, 'fit-a', groupBuyId, 2), join(cloud, 'fit-b', groupBuyId, 2), join(cloud, 'fit-c', groupBuyId, 1)])
  expect(a.ok).toBe(true)
  expect(b.error?.code).toBe('GROUP_BUY.SOLD_OUT')
  expect(c.error?.code).toBe('GROUP_BUY.SOLD_OUT')
  expect((await readDoc('groupBuys', groupBuyId))!.stockLeft).toBe(0)

  const groupBuyId2 = await createGroupBuy(cloud, { stock: 4, limitPerUser: 2 })
  await join(cloud, 'fit-warm', groupBuyId2, 1) // 3 left
  // 2 + 2 + 1 asked at once, 3 left: a total of 5 does not fit, but the 2 and the 1 each do and must be sold.
  const replies = await Promise.all([join(cloud, 'fit-d', groupBuyId2, 2), join(cloud, 'fit-e', groupBuyId2, 2), join(cloud, 'fit-f', groupBuyId2, 1)])
  expect(replies.map((r) => r.ok)).toEqual([true, false, true])
  const gb = (await readDoc('groupBuys', groupBuyId2))!
  expect(gb.stockLeft).toBe(0)
  expect(gb.reservedQuantity).toBe(4)
})

it('after sold out, a replayed requestId still gets its order and a fresh one is refused with nothing written', async () => {
  const groupBuyId = await createGroupBuy(cloud, { stock: 2, limitPerUser: 2, minParticipants: 2 })
  const requestId = newRequestId('sold')
  const first = await join(cloud, 'sold-1', groupBuyId, 1, requestId)
  expect(first.ok).toBe(true)
  expect((await join(cloud, 'sold-2', groupBuyId, 1)).ok).toBe(true)

  // A crowd of fresh requests and replays of the first one, all at once, after the stock is gone.
  const fresh = Array.from({ length: 30 }, (_, i) => ({ openid: `sold-fresh-${i}`, requestId: newRequestId('fresh') }))
  const replies = await Promise.all([
    ...fresh.map((f) => join(cloud, f.openid, groupBuyId, 1, f.requestId)),
    ...Array.from({ length: 5 }, () => join(cloud, 'sold-1', groupBuyId, 1, requestId)),
  ])
  for (const r of replies.slice(0, 30)) expect(r.error?.code).toBe('GROUP_BUY.SOLD_OUT')
  for (const r of replies.slice(30)) {
    expect(r.ok).toBe(true)
    expect(r.data.orderId).toBe(first.data.orderId)
  }
  expect(await readAll('orders', { groupBuyId })).toHaveLength(2)
  for (const f of fresh) expect(await readAll('participations', { groupBuyId, openid: f.openid })).toHaveLength(0)
  const gb = (await readDoc('groupBuys', groupBuyId))!
  expect(gb.stockLeft).toBe(0)
  expect(gb.reservedQuantity).toBe(2)
})

it('an order made by another instance is returned to its replay on this one, also after sold out', async () => {
  const other = secondInstance()
  const groupBuyId = await createGroupBuy(cloud, { stock: 3, limitPerUser: 2 })
  const requestId = newRequestId('elsewhere')
  const made = await other('elsewhere-1', { action: 'join', groupBuyId, quantity: 1, requestId })
  expect(made.ok).toBe(true)

  // This instance has never seen the requestId; while stock remains, the replay still lands on the same order.
  const replay = await join(cloud, 'elsewhere-1', groupBuyId, 1, requestId)
  expect(replay.ok).toBe(true)
  expect(replay.data.orderId).toBe(made.data.orderId)

  // Both instances sell the rest at once; then replays on either side get the order, fresh requests are refused.
  const crowd = await Promise.all(Array.from({ length: 10 }, (_, i) => (i % 2 ? other : (o: string, e: Record<string, unknown>) => cloud.call<JoinData>('groupBuy', o, e))(`elsewhere-crowd-${i}`, { action: 'join', groupBuyId, quantity: 1, requestId: newRequestId('c') })))
  expect(crowd.filter((r) => r.ok)).toHaveLength(2)
  const [here, there, fresh] = await Promise.all([
    join(cloud, 'elsewhere-1', groupBuyId, 1, requestId),
    other('elsewhere-1', { action: 'join', groupBuyId, quantity: 1, requestId }),
    join(cloud, 'elsewhere-1', groupBuyId, 1),
  ])
  expect(here.data.orderId).toBe(made.data.orderId)
  expect(there.data.orderId).toBe(made.data.orderId)
  expect(fresh.error?.code).toBe('GROUP_BUY.SOLD_OUT')
  const gb = (await readDoc('groupBuys', groupBuyId))!
  expect(gb.stockLeft).toBe(0)
  expect(gb.reservedQuantity).toBe(3)
  expect(await readAll('orders', { groupBuyId })).toHaveLength(3)
  expect((await readAll('participations', { groupBuyId, openid: 'elsewhere-1' }))[0].quantity).toBe(1)
})

it('twin joins of one person, in one round, keep the per-person limit and one tally', async () => {
  const groupBuyId = await createGroupBuy(cloud, { stock: 100, limitPerUser: 3 })
  await join(cloud, 'twin-warm', groupBuyId, 1)
  cloud.db.resetStats()
  const replies = await Promise.all(Array.from({ length: 8 }, () => join(cloud, 'twin-1', groupBuyId, 1)))
  expect(replies.filter((r) => r.ok)).toHaveLength(3)
  for (const r of replies.filter((x) => !x.ok)) expect(r.error?.code).toBe('GROUP_BUY.LIMIT_EXCEEDED')
  const parts = await readAll('participations', { groupBuyId, openid: 'twin-1' })
  expect(parts).toHaveLength(1)
  expect(parts[0].quantity).toBe(3)
  const gb = (await readDoc('groupBuys', groupBuyId))!
  expect(gb.stockLeft).toBe(100 - 1 - 3) // the refused five handed their stock back
  // One insert of the tally, not eight racing ones.
  expect(cloud.db.stats.byAction['database.insertDocument']).toBe(1 + 3)
})

it('a group buy no longer joinable inside its window refuses a round with NOT_OPEN, read from the shared rule', async () => {
  const groupBuyId = await createGroupBuy(cloud, { stock: 10, limitPerUser: 2 })
  await join(cloud, 'closed-warm', groupBuyId, 1)
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  await require('./support/cloud').database().collection('groupBuys').doc(groupBuyId).update({ data: { status: 'FAILED' } })
  const replies = await Promise.all(Array.from({ length: 5 }, (_, i) => join(cloud, `closed-${i}`, groupBuyId, 1)))
  for (const r of replies) expect(r.error?.code).toBe('GROUP_BUY.NOT_OPEN')
  expect((await readDoc('groupBuys', groupBuyId))!.stockLeft).toBe(9)
})
