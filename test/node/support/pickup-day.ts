import { DEMO, type TestCloud } from './cloud'

let seq = 0

/** demo-leader's own group buy at their point (1 to succeed, 10 per person, 100 in stock, ends in a day), `patch` over. */
export async function ownGroupBuy(cloud: TestCloud, patch: Record<string, unknown> = {}): Promise<string> {
  const now = Date.now()
  const res = await cloud.call<{ groupBuyId: string }>('groupBuy', DEMO.leader, {
    action: 'create', title: `提货日 ${++seq}`, priceFen: 1000, stock: 100, minParticipants: 1, limitPerUser: 10,
    startAt: now - 1000, endAt: now + 86_400_000, pickupPointId: cloud.pickupPointId, ...patch,
  })
  if (!res.ok) throw new Error(`create: ${res.error?.code} ${res.error?.message}`)
  return res.data.groupBuyId
}

/** The leader signs the goods off (all that was paid for, or `receivedQuantity`). */
export async function arrived(cloud: TestCloud, groupBuyId: string, receivedQuantity?: number): Promise<void> {
  const res = await cloud.call('groupBuy', DEMO.leader, { action: 'markArrived', groupBuyId, ...(receivedQuantity === undefined ? {} : { receivedQuantity }) })
  if (!res.ok) throw new Error(`markArrived: ${res.error?.code} ${res.error?.message}`)
}
