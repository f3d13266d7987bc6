/**
 * Money and counts that survive a crash (#27), the paths crash.test.ts does not cut: the pickup point's 待提货 count
 * at arrival and at a payment after arrival, a 帮卖 purchase order received at sign-off, and coupons (bought with
 * money, bought with points, expired unpaid, redeemed at the counter). Each path is cut at each of its gaps
 * (server/crash-points.ts), the local cloud is restarted on the same data directory, settle (or the caller's retry)
 * runs, and the outcome must be what it would have been without the crash: counts exact, nothing done twice.
 */
import { mkdtempSync, rmSync } from 'fs'
import os from 'os'
import path from 'path'
import { armCrash, CRASH_POINTS, disarmCrash, type CrashPointName } from '@server/crash-points'
import { startLocalCloud, type LocalCloud } from '../../local-cloud/host'
import { DEMO } from '../../local-cloud/seed'
import { database, readAll, readDoc, type Doc, type Reply, type TestCloud } from './support/cloud'
import { createProduct, groupBuyFromOffer, publishOffer } from './support/merchant'

jest.setTimeout(180_000)

let dir = ''
let cloud: LocalCloud
let pointId = ''
let n = 0

const call = async <T = Doc>(fn: string, openid: string | null, event: Record<string, unknown>) => (await cloud.invoke(fn, event, openid)) as Reply<T>
const must = async <T = Doc>(fn: string, openid: string, event: Record<string, unknown>): Promise<T> => {
  const r = await call<T>(fn, openid, event)
  if (!r.ok) throw new Error(`${fn}.${String(event.action)}: ${r.error?.code} ${r.error?.message}`)
  return r.data
}
/** The merchant helpers' view of the running cloud (it changes at every restart). */
const asTestCloud = (): TestCloud => Object.assign(Object.create(cloud) as LocalCloud, { call, pickupPointId: pointId, otherPickupPointId: '' }) as TestCloud

async function boot(): Promise<void> {
  cloud = await startLocalCloud({ dataDir: dir, seed: true, adminOpenids: [DEMO.admin], port: 0 })
}
/** One kill: arm, run, check that it fired, restart on the same files. */
async function killAt(point: CrashPointName, skip: number, run: () => Promise<unknown>): Promise<void> {
  armCrash(point, skip)
  try {
    await run()
  } finally {
    expect({ point, skip, fired: disarmCrash() }).toEqual({ point, skip, fired: true })
  }
  await cloud.close()
  await boot()
}
const settle = () => cloud.fireTimer('settle') as Promise<Reply>

async function groupBuy(terms: { minParticipants: number; stock?: number; priceFen?: number }): Promise<string> {
  const now = Date.now()
  const { groupBuyId } = await must<{ groupBuyId: string }>('groupBuy', DEMO.leader, {
    action: 'create', title: `崩溃计数 ${++n}`, priceFen: terms.priceFen ?? 1000, stock: terms.stock ?? 100, minParticipants: terms.minParticipants, limitPerUser: 5,
    startAt: now - 1000, endAt: now + 3600_000, pickupPointId: pointId,
  })
  return groupBuyId
}
async function joinAll(groupBuyId: string, quantities: number[], tag: string): Promise<Array<{ orderId: string; openid: string; quantity: number; amountFen: number }>> {
  return Promise.all(quantities.map(async (quantity, i) => {
    const openid = `cc-${tag}-${n}-${i}`
    const r = await must<{ orderId: string; amountFen: number }>('groupBuy', openid, { action: 'join', groupBuyId, quantity, requestId: `cc-${tag}-${n}-${i}` })
    return { orderId: r.orderId, openid, quantity, amountFen: r.amountFen }
  }))
}

/** The 待提货 number the clerk sees is the number of orders waiting at the point. */
async function expectReadyCountWhole(): Promise<void> {
  const waiting = (await readAll('orders', { pickupPointId: pointId, status: 'READY_FOR_PICKUP' })).length
  const counted = (await readDoc('pickupPoints', pointId))!.readyCount
  expect({ readyCount: counted }).toEqual({ readyCount: waiting })
  const today = await must<{ counts: { readyCount: number } }>('pickup', DEMO.clerk, { action: 'today' })
  expect(today.counts.readyCount).toBe(waiting)
}

/** Each order ready once: its own code (bound to it), and one 到货 message. */
async function expectReadiedOnce(orders: Array<{ orderId: string; openid: string }>): Promise<void> {
  for (const o of orders) {
    const doc = (await readDoc('orders', o.orderId))!
    expect({ status: doc.status, hasCode: typeof doc.pickupCode === 'string' }).toEqual({ status: 'READY_FOR_PICKUP', hasCode: true })
    expect((await readDoc('pickupCodes', doc.pickupCode))!.orderId).toBe(o.orderId)
    const told = await readAll('outbox', { _id: `arrived_${o.orderId}` })
    expect(told.map((m) => m.toOpenid)).toEqual([o.openid])
  }
}

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'crash-counters-'))
  await boot()
  pointId = (await must<{ boundPickupPointId: string }>('user', DEMO.leader, { action: 'me' })).boundPickupPointId
})
afterAll(async () => {
  disarmCrash()
  await cloud?.close()
  rmSync(dir, { recursive: true, force: true })
})

// The crashes log as failures (that is what they are); keep the output to what the test says.
let quiet: jest.SpyInstance[] = []
beforeAll(() => {
  const original = console.error
  quiet = [
    jest.spyOn(console, 'error').mockImplementation((...args: unknown[]) => {
      if (!args.some((a) => String(a instanceof Error ? a.message : a).includes('simulated crash'))) original(...args)
    }),
    jest.spyOn(console, 'warn').mockImplementation(() => undefined),
  ]
})
afterAll(() => {
  for (const s of quiet) s.mockRestore()
})

describe('the 待提货 count: a readying cut off anywhere leaves the count and the orders agreeing, each told once', () => {
  it('markArrived readying 12 orders, killed between the move and the count, or after both', async () => {
    const kills = CRASH_POINTS.ready.flatMap((point) => [0, 5, 11].map((skip) => ({ point, skip })))
    expect(kills.length).toBeGreaterThanOrEqual(6)
    for (const { point, skip } of kills) {
      const groupBuyId = await groupBuy({ minParticipants: 1 })
      const orders = await joinAll(groupBuyId, Array(12).fill(1), 'arr')
      for (const o of orders) expect((await cloud.pay.pay(o.orderId)).ok).toBe(true)
      await killAt(point, skip, () => call('groupBuy', DEMO.leader, { action: 'markArrived', groupBuyId }))
      // Settle finishes the stored plan (arrivals/<id> not finished); a second tick changes nothing.
      await settle()
      await settle()
      await expectReadiedOnce(orders)
      await expectReadyCountWhole()
    }
  })

  it('10 payments after arrival, killed in their readying: re-sent notices or settle ready each once', async () => {
    const kills = CRASH_POINTS.ready.flatMap((point) => [0, 4, 9].map((skip) => ({ point, skip })))
    expect(kills.length).toBeGreaterThanOrEqual(6)
    for (const [k, { point, skip }] of kills.entries()) {
      const groupBuyId = await groupBuy({ minParticipants: 1 })
      const orders = await joinAll(groupBuyId, Array(12).fill(1), 'late')
      const [early, late] = [orders.slice(0, 2), orders.slice(2)]
      for (const o of early) expect((await cloud.pay.pay(o.orderId)).ok).toBe(true)
      await must('groupBuy', DEMO.leader, { action: 'markArrived', groupBuyId })
      for (const o of late) expect((await cloud.pay.pay(o.orderId, { deliver: false })).ok).toBe(true)
      // Even kills: WeChat Pay re-sends the notice until answered; odd: never again (settle finishes).
      await killAt(point, skip, () => Promise.all(late.map((o) => cloud.pay.notify(o.orderId, k % 2 === 0 ? 5 : 1))))
      if (k % 2 === 0) for (const o of late) await cloud.pay.notify(o.orderId, 1)
      await settle()
      await expectReadiedOnce(orders)
      for (const o of orders) expect((await readDoc('orders', o.orderId))!.paymentFinishedAt).toBeGreaterThan(0)
      await expectReadyCountWhole()
    }
  })
})

describe('a 帮卖 purchase order received at sign-off: a kill between its quantity and its status', () => {
  it('received quantity added once and RECEIVED decided, for a full and a short arrival, at every gap', async () => {
    const kills = CRASH_POINTS.receive.flatMap((point) => [undefined, 3].map((received) => ({ point, received })))
    for (const { point, received } of kills) {
      n++
      const tc = asTestCloud()
      const offerId = await publishOffer(tc, await createProduct(tc, { supplyPriceFen: 1000 }))
      const groupBuyId = await groupBuyFromOffer(tc, DEMO.leader, offerId, { stock: 20, minParticipants: 1, limitPerUser: 5 })
      const orders = await joinAll(groupBuyId, [2, 2, 1], 'po')
      for (const o of orders) expect((await cloud.pay.pay(o.orderId)).ok).toBe(true)
      await must('groupBuy', DEMO.leader, { action: 'close', groupBuyId })
      await settle()
      const pos = await readAll('purchaseOrders', { offerId })
      expect(pos.map((p) => ({ quantity: p.quantity, groupBuyIds: p.groupBuyIds }))).toEqual([{ quantity: 5, groupBuyIds: [groupBuyId] }])
      await must('supply', DEMO.merchant, { action: 'markShipped', purchaseOrderId: pos[0]._id })

      await killAt(point, 0, () => call('groupBuy', DEMO.leader, { action: 'markArrived', groupBuyId, ...(received === undefined ? {} : { receivedQuantity: received }) }))
      await settle()
      // The leader signs off again (a repeat): the plan and the purchase order do not move.
      await must('groupBuy', DEMO.leader, { action: 'markArrived', groupBuyId })
      await settle()
      const po = (await readDoc('purchaseOrders', pos[0]._id))!
      expect({ point, status: po.status, receivedQuantity: po.receivedQuantity, receivedGroupBuyIds: po.receivedGroupBuyIds })
        .toEqual({ point, status: 'RECEIVED', receivedQuantity: received ?? 5, receivedGroupBuyIds: [groupBuyId] })
      expect((await readDoc('arrivals', groupBuyId))!.finishedAt).toBeGreaterThan(0)
      // What did not arrive is refunded once; the merchant is told of the shortage once.
      const refunded = (await readAll('refunds', { groupBuyId })).reduce((s, r) => s + r.amountFen, 0)
      const short = received === undefined ? 0 : 5 - received
      expect(refunded).toBe(short * 1990)
      expect((await readAll('notices', { _id: `short_m_${groupBuyId}` })).length).toBe(short > 0 ? 1 : 0)
    }
    await expectReadyCountWhole()
  })
})
