/**
 * Lose nothing when a call fails halfway: stock held by a join that was cut off between its writes comes back,
 * but only once the discrepancy has stood still longer than any call can run, and never over a live change.
 */
import { QUIET_MS } from '@server/group-buys/reconcile'
import { createGroupBuy, database, join, readDoc, testCloudForThisFile } from './support/cloud'

jest.setTimeout(60_000)

const cloud = testCloudForThisFile()

/** What a join killed after its stock write (before its order) leaves behind. */
async function interruptedJoin(groupBuyId: string, quantity: number) {
  const _ = database().command
  await database().collection('groupBuys').doc(groupBuyId).update({ data: { stockLeft: _.inc(-quantity), reservedQuantity: _.inc(quantity) } })
}

/** Time passing for the reconciler: its first sighting moves QUIET_MS into the past. */
async function ageObservation(groupBuyId: string) {
  const gb = await readDoc('groupBuys', groupBuyId)
  await database().collection('groupBuys').doc(groupBuyId).update({ data: { reconcile: database().command.set({ ...gb!.reconcile, seenAt: gb!.reconcile.seenAt - QUIET_MS - 1 }) } })
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
