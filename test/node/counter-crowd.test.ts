/**
 * A crowd at one counter (bench section 4 in small): every hand-over moves the point's 待提货 count inside its own
 * transaction, so hand-overs of different orders must not all write one document — when they did, a crowd of scans
 * at one counter ran out of conflict retries and clerks were answered with internal errors while orders stayed
 * READY. Each order is handed over exactly once, every other scan is ALREADY_USED, nothing else, and the count is
 * the number of orders still waiting.
 */
import { readyCountOf } from '@server/pickup/ready-count'
import { createGroupBuy, database, DEMO, join, readAll, testCloudForThisFile } from './support/cloud'

jest.setTimeout(120_000)
const cloud = testCloudForThisFile()

it('80 orders × 20 simultaneous scans at one counter: 80 hand-overs, 1,520 ALREADY_USED, no other answer, 待提货 exact', async () => {
  const orders = 80
  const groupBuyId = await createGroupBuy(cloud, { minParticipants: 1, stock: orders, limitPerUser: 1 })
  const buyers: Array<{ openid: string; orderId: string }> = []
  for (let i = 0; i < orders; i++) {
    const openid = `crowd-counter-${i}`
    const joined = await join(cloud, openid, groupBuyId, 1)
    expect((await cloud.pay.pay(joined.data.orderId as string)).ok).toBe(true)
    buyers.push({ openid, orderId: joined.data.orderId as string })
  }
  expect((await cloud.call('groupBuy', DEMO.leader, { action: 'markArrived', groupBuyId })).ok).toBe(true)
  const waitingBefore = (await readAll('orders', { pickupPointId: cloud.pickupPointId, status: 'READY_FOR_PICKUP' })).length
  expect(await readyCountOf(database(), cloud.pickupPointId)).toBe(waitingBefore)
  const codes = (await readAll('orders', { groupBuyId })).map((o) => o.pickupCode as string)
  expect(codes.filter(Boolean).length).toBe(orders)

  const answers: Record<string, number> = {}
  await Promise.all(codes.flatMap((code) => Array.from({ length: 20 }, async () => {
    const r = await cloud.call('pickup', DEMO.clerk, { action: 'verify', code })
    const k = r.ok ? 'OK' : String(r.error?.code)
    answers[k] = (answers[k] ?? 0) + 1
  })))
  expect(answers).toEqual({ OK: orders, 'PICKUP.ALREADY_USED': orders * 19 })
  expect((await readAll('orders', { groupBuyId, status: 'PICKED_UP' })).length).toBe(orders)
  expect(await readyCountOf(database(), cloud.pickupPointId)).toBe(waitingBefore - orders)
})
