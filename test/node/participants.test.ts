/**
 * 跟团号: the leader's participants list numbers orders in join order with masked names; each resident sees
 * the same number on their own order; residents cannot read the list.
 */
import { createGroupBuy, DEMO, join, sleep, testCloudForThisFile } from './support/cloud'

jest.setTimeout(60_000)

const cloud = testCloudForThisFile()

it('numbers participants 1, 2, 3… across pages, masked, and each resident sees their own number', async () => {
  const groupBuyId = await createGroupBuy(cloud, { stock: 200, limitPerUser: 1 })
  const joiners = Array.from({ length: 55 }, (_, i) => `seq-resident-${i}`)
  const orderOf: Record<string, string> = {}
  for (const r of joiners) {
    const res = await join(cloud, r, groupBuyId, 1)
    if (!res.ok) throw new Error(res.error?.code)
    orderOf[r] = res.data.orderId
    // Joins in the same millisecond are ordered by order id, not arrival: keep these one millisecond apart so
    // "the i-th to join" is well defined for the assertions below.
    await sleep(2)
  }

  const first = await cloud.call<{ items: Array<{ seq: number; maskedName: string }>; nextCursor: string | null }>('groupBuy', DEMO.leader, { action: 'participants', groupBuyId })
  expect(first.ok).toBe(true)
  expect(first.data.items.map((p) => p.seq)).toEqual(Array.from({ length: 50 }, (_, i) => i + 1))
  for (const p of first.data.items) expect(p.maskedName).toMatch(/\*\*$/)
  expect(JSON.stringify(first.data)).not.toContain('seq-resident') // no openids leak to the leader
  const second = await cloud.call<{ items: Array<{ seq: number }>; nextCursor: string | null }>('groupBuy', DEMO.leader, { action: 'participants', groupBuyId, cursor: first.data.nextCursor })
  expect(second.data.items.map((p) => p.seq)).toEqual([51, 52, 53, 54, 55])
  expect(second.data.nextCursor).toBeNull()

  for (const [i, r] of [[0, joiners[0]], [49, joiners[49]], [54, joiners[54]]] as const) {
    const mine = await cloud.call<{ order: { seq: number } }>('order', r, { action: 'get', orderId: orderOf[r] })
    expect(mine.data.order.seq).toBe(i + 1)
  }

  const asResident = await cloud.call('groupBuy', DEMO.residents[0], { action: 'participants', groupBuyId })
  expect(asResident).toMatchObject({ ok: false, error: { code: 'AUTH.FORBIDDEN' } })
})
