import { randomBytes } from 'crypto'
import type { LocalCloud } from '../local-cloud/host'

type Reply = { ok: boolean; data?: Record<string, unknown>; error?: { code: string } }

/** 200 ready orders, then 50 simultaneous verifications of each code: successes must be exactly 200. */
export async function exactlyOnceUnderLoad(cloud: LocalCloud, codes = 200, perCode = 50): Promise<{ successes: number; alreadyUsed: number; other: number; ms: number }> {
  const me = (await cloud.invoke('user', { action: 'me' }, 'demo-leader')) as Reply
  const pickupPointId = String(me.data?.boundPickupPointId)
  const now = Date.now()
  const created = (await cloud.invoke('groupBuy', { action: 'create', title: '核销压测', priceFen: 100, stock: codes, minParticipants: 1, limitPerUser: 1, startAt: now - 1000, endAt: now + 3600_000, pickupPointId }, 'demo-leader')) as Reply
  const groupBuyId = String(created.data?.groupBuyId)
  const orderIds: string[] = []
  for (let i = 0; i < codes; i++) {
    const openid = `verify-${i}`
    const joined = (await cloud.invoke('groupBuy', { action: 'join', groupBuyId, quantity: 1, requestId: randomBytes(8).toString('hex') }, openid)) as Reply
    if (!joined.ok) throw new Error(`join failed: ${JSON.stringify(joined.error)}`)
    await cloud.pay.pay(String(joined.data?.orderId))
    orderIds.push(`${openid}|${String(joined.data?.orderId)}`)
  }
  const arrived = (await cloud.invoke('groupBuy', { action: 'markArrived', groupBuyId }, 'demo-leader')) as Reply
  if (!arrived.ok) throw new Error(`markArrived failed: ${JSON.stringify(arrived.error)}`)
  const pickupCodes: string[] = []
  for (const entry of orderIds) {
    const [openid, orderId] = entry.split('|')
    const got = (await cloud.invoke('order', { action: 'get', orderId }, openid)) as Reply
    pickupCodes.push(String((got.data?.order as Record<string, unknown>).pickupCode))
  }
  let successes = 0
  let alreadyUsed = 0
  let other = 0
  const t0 = performance.now()
  await Promise.all(
    pickupCodes.flatMap((code) =>
      Array.from({ length: perCode }, async () => {
        const res = (await cloud.invoke('pickup', { action: 'verify', code }, 'demo-clerk')) as Reply
        if (res.ok) successes++
        else if (res.error?.code === 'PICKUP.ALREADY_USED') alreadyUsed++
        else other++
      }),
    ),
  )
  return { successes, alreadyUsed, other, ms: performance.now() - t0 }
}
