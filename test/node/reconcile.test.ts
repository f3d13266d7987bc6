/**
 * Lose nothing when a call fails halfway: stock held by a join that was cut off between its writes comes back,
 * but only once the discrepancy has stood still longer than any call can run, and never over a live change.
 */
import { MAX_CALL_MS, quietMs } from '@server/group-buys/heal-counters'
import { DEFAULT_PAYMENT_WINDOW_MS } from '@shared/domain/order'
import { createGroupBuy, database, join, readDoc, testCloudForThisFile } from './support/cloud'

jest.setTimeout(60_000)

const cloud = testCloudForThisFile()

/** What a join killed after its stock write (before its order) leaves behind. */
async function interruptedJoin(groupBuyId: string, quantity: number) {
  const _ = database().command
  await database().collection('groupBuys').doc(groupBuyId).update({ data: { stockLeft: _.inc(-quantity), reservedQuantity: _.inc(quantity) } })
}

/** Time passing for the reconciler: its first sighting moves `by` (default: just past the quiet period) into the past. */
async function ageObservation(groupBuyId: string, by = quietMs() + 1) {
  const gb = await readDoc('groupBuys', groupBuyId)
  await database().collection('groupBuys').doc(groupBuyId).update({ data: { reconcile: database().command.set({ ...gb!.reconcile, seenAt: gb!.reconcile.seenAt - by }) } })
}

it('gives back stock held by an interrupted join once the discrepancy has stood still', async () => {
  const groupBuyId = await createGroupBuy(cloud, { stock: 20, limitPerUser: 5 })
  expect((await join(cloud, 'rc-1', groupBuyId, 2)).ok).toBe(true)
  await interruptedJoin(groupBuyId, 3)
  expect(await readDoc('groupBuys', groupBuyId)).toMatchObject({ stockLeft: 15, reservedQuantity: 5 })

  await cloud.fireTimer('settle') // first sighting: nothing changes yet
  expect(await readDoc('groupBuys', groupBuyId)).toMatchObject({ stockLeft: 15, reservedQuantity: 5 })
  await cloud.fireTimer('settle') // still inside the quiet period
  expect(await readDoc('groupBuys', groupBuyId)).toMatchObject({ stockLeft: 15, reservedQuantity: 5 })

  await ageObservation(groupBuyId)
  await cloud.fireTimer('settle')
  expect(await readDoc('groupBuys', groupBuyId)).toMatchObject({ stockLeft: 18, reservedQuantity: 2, soldQuantity: 0 })
  // The order that did get written keeps its hold.
  const order = await cloud.call<{ items: Array<{ quantity: number; status: string }> }>('order', 'rc-1', { action: 'listMine' })
  expect(order.data.items).toEqual([expect.objectContaining({ quantity: 2, status: 'PENDING_PAYMENT' })])
})

it('never corrects over a join that happened since the first sighting', async () => {
  const groupBuyId = await createGroupBuy(cloud, { stock: 20, limitPerUser: 5 })
  await interruptedJoin(groupBuyId, 4)
  await cloud.fireTimer('settle')
  await ageObservation(groupBuyId)
  expect((await join(cloud, 'rc-2', groupBuyId, 1)).ok).toBe(true) // counters move: the sighting is stale
  await cloud.fireTimer('settle')
  expect(await readDoc('groupBuys', groupBuyId)).toMatchObject({ stockLeft: 15, reservedQuantity: 5 })
})

it('leaves consistent group buys alone', async () => {
  const groupBuyId = await createGroupBuy(cloud, { stock: 20, limitPerUser: 5 })
  const joined = await join(cloud, 'rc-3', groupBuyId, 2)
  expect(joined.ok).toBe(true)
  await cloud.pay.pay(joined.data.orderId)
  await cloud.fireTimer('settle')
  const gb = await readDoc('groupBuys', groupBuyId)
  expect(gb).toMatchObject({ stockLeft: 18, reservedQuantity: 0, soldQuantity: 2 })
  expect(gb!.reconcile ?? null).toBeNull()
})

describe('how soon', () => {
  const saved = process.env.PAYMENT_WINDOW_MS
  afterEach(() => {
    if (saved === undefined) delete process.env.PAYMENT_WINDOW_MS
    else process.env.PAYMENT_WINDOW_MS = saved
  })

  it('a hold whose order never appeared is released once the sighting is one payment window old, and settle says how many units', async () => {
    delete process.env.PAYMENT_WINDOW_MS
    expect(quietMs()).toBe(DEFAULT_PAYMENT_WINDOW_MS) // 15 minutes, not the old 20
    const groupBuyId = await createGroupBuy(cloud, { stock: 20, limitPerUser: 5 })
    await interruptedJoin(groupBuyId, 3)
    await cloud.fireTimer('settle') // first sighting, one tick after the cut-off join at the latest
    await ageObservation(groupBuyId, DEFAULT_PAYMENT_WINDOW_MS - 60_000)
    const early = (await cloud.fireTimer('settle')) as { data: { reconciled: { healed: number; unitsReleased: number } } }
    expect(await readDoc('groupBuys', groupBuyId)).toMatchObject({ stockLeft: 17, reservedQuantity: 3 })
    expect(early.data.reconciled).toMatchObject({ healed: 0, unitsReleased: 0 })

    await ageObservation(groupBuyId, 60_000) // now a full payment window since the first sighting
    const healed = (await cloud.fireTimer('settle')) as { data: { reconciled: { healed: number; unitsReleased: number } } }
    expect(healed.data.reconciled).toMatchObject({ healed: 1, unitsReleased: 3 })
    expect(await readDoc('groupBuys', groupBuyId)).toMatchObject({ stockLeft: 20, reservedQuantity: 0, soldQuantity: 0 })
  })

  it('never sooner than any call can run, however short the payment window', async () => {
    process.env.PAYMENT_WINDOW_MS = '1000'
    expect(quietMs()).toBe(MAX_CALL_MS)
    const groupBuyId = await createGroupBuy(cloud, { stock: 10, limitPerUser: 5 })
    await interruptedJoin(groupBuyId, 2)
    await cloud.fireTimer('settle')
    await ageObservation(groupBuyId, MAX_CALL_MS - 1000)
    await cloud.fireTimer('settle')
    expect(await readDoc('groupBuys', groupBuyId)).toMatchObject({ stockLeft: 8, reservedQuantity: 2 })
    await ageObservation(groupBuyId, 1001)
    await cloud.fireTimer('settle')
    expect(await readDoc('groupBuys', groupBuyId)).toMatchObject({ stockLeft: 10, reservedQuantity: 0 })
  })
})
