/**
 * Money and counts that survive a crash (#27), the paths crash.test.ts does not cut: the pickup point's 待提货 count
 * at arrival and at a payment after arrival, a 帮卖 purchase order received at sign-off, and coupons (bought with
 * money, bought with points, expired unpaid, redeemed at the counter). Each path is cut at each of its gaps
 * (server/crash-points.ts), the local cloud is restarted on the same data directory, settle (or the caller's retry)
 * runs, and the outcome must be what it would have been without the crash: counts exact, nothing done twice.
 */
import { readyCountOf } from '@server/pickup/ready-count'
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
  const counted = await readyCountOf(database(), pointId)
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
  it('markArrived readying 12 orders in one write (#23), killed between the move and the count, or while telling them', async () => {
    // Orders paid the usual way carry their code: the sign-off readies them all in one write, then adds them to the
    // count once (arrival.ts readyInBulk), then tells each (arrival:after-line).
    const kills = [{ point: 'arrival:after-bulk-ready' as const, skip: 0 }, ...[0, 5, 11].map((skip) => ({ point: 'arrival:after-line' as const, skip }))]
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

describe('coupons: bought with money, expired unpaid, bought with points, redeemed at the counter', () => {
  const PRICE = 990
  const DAY = 86_400_000
  let seq = 0
  async function campaign(terms: { priceFen?: number; total?: number; limitPerUser?: number; pointsPrice?: number; pointsOnRedeem?: number; valueFen?: number }): Promise<string> {
    const now = Date.now()
    const { campaignId } = await must<{ campaignId: string }>('coupon', DEMO.merchant, {
      action: 'createCampaign', title: `崩溃券 ${++seq}`, valueFen: terms.valueFen ?? 2000, priceFen: terms.priceFen ?? 0, total: terms.total ?? 10, limitPerUser: terms.limitPerUser ?? 1,
      validFrom: now - 60_000, validTo: now + DAY, pickupPointIds: [pointId],
      ...(terms.pointsPrice ? { pointsPrice: terms.pointsPrice } : {}), ...(terms.pointsOnRedeem ? { pointsOnRedeem: terms.pointsOnRedeem } : {}),
    })
    return campaignId
  }
  const claim = (openid: string, campaignId: string, requestId: string) => call<{ couponId: string; status: string; code?: string }>('coupon', openid, { action: 'claim', campaignId, requestId })
  const issuedOf = async (campaignId: string) => (await readDoc('couponCampaigns', campaignId))!.issued as number
  const tallyOf = async (campaignId: string, openid: string) => (await readAll('couponClaims', { campaignId, openid }))[0]?.count ?? 0
  /** Time passes past a bought coupon's payment window. */
  const holdRunsOut = (couponId: string) => database().collection('coupons').doc(couponId).update({ data: { expiresAt: Date.now() - 1 } })

  it('a payment cut off between the code and ISSUED: issued once by the re-sent notice or at the hold’s expiry, nothing refunded', async () => {
    for (const skip of [0, 1, 2, 0, 1, 2]) {
      const k = seq
      const campaignId = await campaign({ priceFen: PRICE, total: 3 })
      const buyers = [0, 1, 2].map((i) => `cc-buy-${k}-${i}`)
      const held = await Promise.all(buyers.map(async (b) => (await must<{ couponId: string }>('coupon', b, { action: 'claim', campaignId, requestId: `cc-buy-${k}-${b}` })).couponId))
      for (const c of held) expect((await cloud.pay.pay(c, { deliver: false })).ok).toBe(true)
      await killAt('coupon:after-code', skip, () => Promise.all(held.map((c) => cloud.pay.notify(c, 1))))
      if (k % 2 === 0) for (const c of held) await cloud.pay.notify(c, 1)
      else for (const c of held) await holdRunsOut(c)
      await settle()
      await settle()
      const codes = new Set<string>()
      for (const [i, c] of held.entries()) {
        const doc = (await readDoc('coupons', c))!
        expect({ status: doc.status, code: /^\d{12}$/.test(doc.code) }).toEqual({ status: 'ISSUED', code: true })
        expect((await readDoc('couponCodes', doc.code))!.couponId).toBe(c)
        codes.add(doc.code)
        expect(await tallyOf(campaignId, buyers[i])).toBe(1)
        expect(cloud.pay.refundedFor(c)).toBe(0)
        expect(await readAll('refunds', { orderId: c })).toEqual([])
      }
      expect(codes.size).toBe(3)
      expect(await issuedOf(campaignId)).toBe(3)
    }
  })

  it('a payment after the hold ran out, its refund request cut off: refunded once, REFUNDED, the slot not given twice', async () => {
    for (const notifyFirst of [true, false]) {
      const campaignId = await campaign({ priceFen: PRICE, total: 1 })
      const buyer = `cc-late-${seq}`
      const { couponId } = await must<{ couponId: string }>('coupon', buyer, { action: 'claim', campaignId, requestId: `cc-late-${seq}` })
      await holdRunsOut(couponId)
      cloud.pay.failNextCloses(1) // WeChat Pay could not be told to close it: the trade stays payable
      await settle()
      expect((await readDoc('coupons', couponId))!.status).toBe('EXPIRED')
      const next = await must<{ couponId: string }>('coupon', `cc-next-${seq}`, { action: 'claim', campaignId, requestId: `cc-next-${seq}` })
      expect((await cloud.pay.pay(couponId, { deliver: false })).ok).toBe(true)
      await killAt('refund:after-request', 0, () => cloud.pay.notify(couponId, 1))
      expect((await readDoc('coupons', couponId))!.status).toBe('EXPIRED')
      // WeChat Pay re-sends the notice before or after settle works the refund.
      if (notifyFirst) await cloud.pay.notify(couponId, 1)
      await settle()
      if (!notifyFirst) await cloud.pay.notify(couponId, 1)
      await settle()
      expect({ notifyFirst, status: (await readDoc('coupons', couponId))!.status }).toEqual({ notifyFirst, status: 'REFUNDED' })
      expect(cloud.pay.refundCountFor(couponId)).toBe(1)
      expect(cloud.pay.refundedFor(couponId)).toBe(PRICE)
      expect(await issuedOf(campaignId)).toBe(1)
      expect((await readDoc('coupons', next.couponId))!.status).toBe('PENDING_PAYMENT')
    }
  })

  it('an unpaid purchase expiring, killed between EXPIRED and its hold: the slot and the tally come back once', async () => {
    for (const skip of [0, 1, 2]) {
      const campaignId = await campaign({ priceFen: PRICE, total: 3 })
      const buyers = [0, 1, 2].map((i) => `cc-exp-${seq}-${i}`)
      const held = await Promise.all(buyers.map(async (b) => (await must<{ couponId: string }>('coupon', b, { action: 'claim', campaignId, requestId: `cc-exp-${b}` })).couponId))
      expect(await issuedOf(campaignId)).toBe(3)
      for (const c of held) await holdRunsOut(c)
      await killAt('coupon:after-expired', skip, settle)
      await settle()
      await settle()
      for (const [i, c] of held.entries()) {
        expect((await readDoc('coupons', c))!.status).toBe('EXPIRED')
        expect(await tallyOf(campaignId, buyers[i])).toBe(0)
      }
      expect(await issuedOf(campaignId)).toBe(0)
      // The freed slots are really free: three others can buy them, a fourth cannot.
      const again = await Promise.all([0, 1, 2, 3].map((i) => claim(`cc-exp2-${seq}-${i}`, campaignId, `cc-exp2-${seq}-${i}`)))
      expect(again.filter((r) => r.ok)).toHaveLength(3)
      expect(again.filter((r) => !r.ok).map((r) => r.error?.code)).toEqual(['COUPON.SOLD_OUT'])
    }
  })

  it('a member coupon bought with points, killed between the spend and the coupon: settle gives back the points and the hold; a retry buys it once', async () => {
    for (const point of CRASH_POINTS.couponClaim) {
      const buyer = `cc-pts-${seq}`
      const { pickedUpGroupBuy } = await import('./support/after-pickup')
      await pickedUpGroupBuy(asTestCloud(), { [buyer]: 1 }, { priceFen: 3000 }) // 30 points
      await settle()
      expect((await readDoc('members', buyer))!.points).toBe(30)
      const campaignId = await campaign({ pointsPrice: 25, total: 5, limitPerUser: 1, valueFen: 1000 })
      const requestId = `cc-pts-req-${seq}`
      await killAt(point, 0, () => claim(buyer, campaignId, requestId))
      const couponId = (await readAll('pointEntries', { openid: buyer, kind: 'SPEND' }))[0].ref as string
      if (point === 'coupon:after-spend') {
        expect({ points: (await readDoc('members', buyer))!.points, coupon: await readDoc('coupons', couponId) }).toEqual({ points: 5, coupon: null })
        // Retried at once, the claim is not done twice (the spend is the earlier call's, still in flight as far as anyone knows).
        expect((await claim(buyer, campaignId, requestId)).ok).toBe(false)
      }
      // Time passes: no call can still be writing; settle's heal finds the spend with or without its coupon.
      await database().collection('pointEntries').where({ openid: buyer, pendingSince: database().command.gt(0) }).update({ data: { pendingSince: Date.now() - 21 * 60_000 } })
      await settle()
      if (point === 'coupon:after-spend') {
        expect({ points: (await readDoc('members', buyer))!.points, issued: await issuedOf(campaignId), tally: await tallyOf(campaignId, buyer) }).toEqual({ points: 30, issued: 0, tally: 0 })
      }
      // The resident's retry (same requestId) gets the coupon, paid once.
      const got = await claim(buyer, campaignId, requestId)
      expect({ point, ok: got.ok, status: got.data?.status }).toEqual({ point, ok: true, status: 'ISSUED' })
      await settle()
      expect({ point, points: (await readDoc('members', buyer))!.points, issued: await issuedOf(campaignId), tally: await tallyOf(campaignId, buyer) }).toEqual({ point, points: 5, issued: 1, tally: 1 })
      expect(await readAll('coupons', { openid: buyer, campaignId })).toHaveLength(1)
      const { rederiveMember } = await import('@server/members/points')
      expect(await rederiveMember(database(), buyer)).toMatchObject({ points: 5 })
      seq++
    }
  })

  it('a redemption at the counter, killed after REDEEMED or after its points: the points credited once — by the clerk’s retry or by settle', async () => {
    const kills = CRASH_POINTS.couponRedeem.flatMap((point) => [0, 2].map((skip) => ({ point, skip })))
    for (const [k, { point, skip }] of kills.entries()) {
      const campaignId = await campaign({ valueFen: 1500, pointsOnRedeem: 15, total: 4 })
      const holders = [0, 1, 2, 3].map((i) => `cc-red-${seq}-${i}`)
      const codes = await Promise.all(holders.map(async (h) => (await must<{ code: string }>('coupon', h, { action: 'claim', campaignId, requestId: `cc-red-${h}` })).code))
      let replies: Reply[] = []
      await killAt(point, skip, async () => {
        replies = await Promise.all(codes.map((code) => call('coupon', DEMO.clerk, { action: 'redeem', code })))
      })
      const cut = replies.map((r, i) => ({ r, i })).filter(({ r }) => !r.ok)
      expect(cut.map(({ r }) => r.error?.code)).toEqual(['INTERNAL'])
      if (k % 2 === 0) {
        // The clerk scans it again: used once already — but its points are credited now.
        expect((await call('coupon', DEMO.clerk, { action: 'redeem', code: codes[cut[0].i] })).error?.code).toBe('COUPON.ALREADY_REDEEMED')
        expect((await readDoc('members', holders[cut[0].i]))!.points).toBe(15)
      }
      await settle()
      for (const h of holders) {
        const [c] = await readAll('coupons', { openid: h, campaignId })
        expect({ status: c.status, finished: c.redeemFinishedAt > 0 }).toEqual({ status: 'REDEEMED', finished: true })
        expect((await readAll('pointEntries', { openid: h, kind: 'EARN_REDEEM' })).map((e) => e.points)).toEqual([15])
        expect((await readDoc('members', h))!.points).toBe(15)
      }
    }
  })
})
