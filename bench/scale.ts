import { randomBytes } from 'crypto'
import type { LocalCloud } from '../local-cloud/host'
import { percentile } from './crowd'

type Reply = { ok: boolean; data?: Record<string, unknown>; error?: { code: string } }

/**
 * Fill the orders collection to `total` orders spread over many group buys at the seeded pickup point (through
 * the SDK, as documents the functions would write), then time the three lists users open most.
 */
export async function fillOrders(pickupPointId: string, groupBuyIds: string[], from: number, total: number): Promise<void> {
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  const db = require('wx-server-sdk').database()
  const statuses = ['PAID', 'READY_FOR_PICKUP', 'PICKED_UP', 'CANCELLED', 'PENDING_PAYMENT']
  const base = Date.now() - 10 * 24 * 3600_000
  const batch = 500
  for (let i = from; i < total; i += batch) {
    const writes = []
    for (let k = i; k < Math.min(total, i + batch); k++) {
      const status = statuses[k % statuses.length]
      // Paid orders carry what the payment fixes on them: paidAt, paidIn and a 跟团号 (numbered here in fill order,
      // round robin over the group buys, as orders numbered before the group buy's counter are: the paidIn form).
      const paid = status === 'PAID' || status === 'READY_FOR_PICKUP' || status === 'PICKED_UP'
      const groupBuyId = groupBuyIds[k % groupBuyIds.length]
      writes.push(
        db.collection('orders').add({
          data: {
            _id: `bench${k}_${randomBytes(3).toString('hex')}`, openid: `filler-${k % 5000}`, requestId: `r${k}`, groupBuyId, pickupPointId,
            title: '压测订单', quantity: 1, priceFen: 100, amountFen: 100, status, createdAt: base + k * 1000, expiresAt: base + k * 1000 + 900_000,
            paidAt: paid ? base + k * 1000 : null, transactionId: paid ? `t${k}` : null, ...(paid ? { paidIn: groupBuyId, seq: Math.floor(k / groupBuyIds.length) + 1 } : {}), readyAt: status === 'READY_FOR_PICKUP' ? base + k * 1000 : null, pickedUpAt: null, refundedAt: null,
            pickupCode: null, pickupExpiresAt: null, nickname: `居民${k}`,
          },
        }),
      )
    }
    await Promise.all(writes)
  }
}

export async function timeLists(cloud: LocalCloud, pickupPointId: string, groupBuyId: string, runs = 200): Promise<Record<string, number>> {
  const lists: Record<string, () => Promise<Reply>> = {
    groupBuyList: () => cloud.invoke('groupBuy', { action: 'list', pickupPointId, limit: 20 }, 'demo-resident-1') as Promise<Reply>,
    leaderParticipants: () => cloud.invoke('groupBuy', { action: 'participants', groupBuyId }, 'demo-leader') as Promise<Reply>,
    clerkToday: () => cloud.invoke('pickup', { action: 'today' }, 'demo-clerk') as Promise<Reply>,
  }
  const out: Record<string, number> = {}
  for (const [name, run] of Object.entries(lists)) {
    const first = await run()
    if (!first.ok) {
      out[name] = NaN
      continue
    }
    const times: number[] = []
    for (let i = 0; i < runs; i++) {
      const t = performance.now()
      await run()
      times.push(performance.now() - t)
    }
    times.sort((a, b) => a - b)
    out[name] = percentile(times, 50)
  }
  return out
}
