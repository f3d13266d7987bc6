import { randomBytes } from 'crypto'
import type { LocalCloud } from '../local-cloud/host'

type Reply = { ok: boolean; data?: Record<string, unknown>; error?: { code: string } }

export interface LifecycleResult {
  orders: number
  completed: number
  /** Database operations per completed order, all steps. */
  opsPerCompletedOrder: number
  /** Per completed order, by step (in the order a group buy lives them). */
  byStep: Record<string, number>
}

/**
 * One group buy lived through the public functions, one resident at a time (no crowd to share operations):
 * join → pay (WeChat Pay's callback through the simulator) → 成团 (the payment that reaches the threshold, over
 * an ordinary one) → its end and the settle timer → arrival (markArrived) → the resident opens the pickup code
 * (order.get) → pickup (pickup.verify) → the next settle tick (sends what arrival queued). Each step's database
 * operations are counted on the local database; the total is divided by the orders picked up.
 */
export async function orderLifecycle(cloud: LocalCloud, orders = 40, minParticipants = 10): Promise<LifecycleResult> {
  const me = (await cloud.invoke('user', { action: 'me' }, 'demo-leader')) as Reply
  const pickupPointId = String(me.data?.boundPickupPointId)
  const openMs = 4000
  const endAt = Date.now() + openMs
  const created = (await cloud.invoke('groupBuy', { action: 'create', title: '生命周期：土鸡蛋 30 枚', priceFen: 3990, stock: orders, minParticipants, limitPerUser: 1, startAt: Date.now() - 1000, endAt, pickupPointId }, 'demo-leader')) as Reply
  if (!created.ok) throw new Error(`create failed: ${JSON.stringify(created.error)}`)
  const groupBuyId = String(created.data?.groupBuyId)
  const steps: Record<string, number> = {}
  const count = async <T>(step: string, fn: () => Promise<T>): Promise<T> => {
    const before = cloud.db.stats.operations
    const out = await fn()
    steps[step] = (steps[step] ?? 0) + cloud.db.stats.operations - before
    return out
  }
  const residents = Array.from({ length: orders }, (_, i) => `life-${i}`)
  const orderIds: string[] = []
  for (const openid of residents) {
    const r = (await count('join', () => cloud.invoke('groupBuy', { action: 'join', groupBuyId, quantity: 1, requestId: randomBytes(8).toString('hex') }, openid))) as Reply
    if (!r.ok) throw new Error(`join failed: ${JSON.stringify(r.error)}`)
    orderIds.push(String(r.data?.orderId))
  }
  const payOps: number[] = []
  for (const orderId of orderIds) {
    const before = cloud.db.stats.operations
    const paid = await cloud.pay.pay(orderId)
    if (!paid.ok || !paid.delivered) throw new Error(`payment failed: ${paid.reason}`)
    payOps.push(cloud.db.stats.operations - before)
  }
  // The threshold is reached by the minParticipants-th payment: what it cost over an ordinary one is 成团's.
  const ordinary = [...payOps.slice(0, minParticipants - 1), ...payOps.slice(minParticipants)].sort((a, b) => a - b)
  const typical = ordinary[Math.floor(ordinary.length / 2)]
  steps['成团'] = payOps[minParticipants - 1] - typical
  steps.pay = payOps.reduce((a, b) => a + b, 0) - steps['成团']

  await new Promise((r) => setTimeout(r, Math.max(0, endAt - Date.now()) + 50))
  await count('end + settle', () => cloud.fireTimer('settle'))
  const arrived = (await count('arrival', () => cloud.invoke('groupBuy', { action: 'markArrived', groupBuyId }, 'demo-leader'))) as Reply
  if (!arrived.ok) throw new Error(`markArrived failed: ${JSON.stringify(arrived.error)}`)
  const codes: string[] = []
  for (let i = 0; i < residents.length; i++) {
    const got = (await count('pickup code shown', () => cloud.invoke('order', { action: 'get', orderId: orderIds[i] }, residents[i]))) as Reply
    codes.push(String((got.data?.order as Record<string, unknown>).pickupCode))
  }
  let completed = 0
  for (const code of codes) {
    const v = (await count('pickup', () => cloud.invoke('pickup', { action: 'verify', code }, 'demo-clerk'))) as Reply
    if (v.ok) completed++
  }
  await count('settle after pickup', () => cloud.fireTimer('settle'))
  const total = Object.values(steps).reduce((a, b) => a + b, 0)
  const per = (n: number) => (completed ? n / completed : NaN)
  return { orders, completed, opsPerCompletedOrder: per(total), byStep: Object.fromEntries(Object.entries(steps).map(([k, v]) => [k, per(v)])) }
}
