import { allocateCode, drawDigits, reserveKeyed } from '@server/codes'
import type { OrderView } from '@shared/contracts/order'
import type { PickupOutputs } from '@shared/contracts/pickup'
import { chinaMidnight } from '@shared/domain/calendar'
import { decidePickup, isPickupCodeFormat } from '@shared/domain/pickup'
import { copyHandoverRecords, readDoc, readLedger } from './support/cloud'
import { DEMO, errorCode, expectOk, startHarness, type Harness } from './support/pickup-coupon'

jest.setTimeout(120_000)

let h: Harness
const clerkB = 'test-clerk-b' // a second clerk at the same counter as demo-clerk

beforeAll(async () => {
  h = await startHarness()
  expectOk(await h.call('admin', DEMO.admin, { action: 'grantRole', openid: clerkB, role: 'clerk', pickupPointId: h.pointId }))
})
afterAll(async () => {
  delete process.env.PICKUP_CODE_TTL_MS
  await h.cloud.close()
})

let seq = 0
/** A fresh group buy at the demo pickup point that `payers` residents join and pay (quantity 2 each). */
async function groupBuyWithPaidOrders(payers: string[], minParticipants = payers.length) {
  const now = Date.now()
  const { groupBuyId } = expectOk(
    await h.call<{ groupBuyId: string }>('groupBuy', DEMO.leader, {
      action: 'create', title: `测试团 ${++seq}`, priceFen: 990, stock: 500, minParticipants, limitPerUser: 5,
      startAt: now - 60_000, endAt: now + 86_400_000, pickupPointId: h.pointId,
    }),
  )
  const orders: Record<string, string> = {}
  for (const r of payers) {
    const { orderId } = expectOk(await h.call<{ orderId: string }>('groupBuy', r, { action: 'join', groupBuyId, quantity: 2, requestId: `req-${seq}-${r}` }))
    expect((await h.cloud.pay.pay(orderId)).ok).toBe(true)
    orders[r] = orderId
  }
  return { groupBuyId, orders }
}

async function myOrder(openid: string, orderId: string): Promise<OrderView> {
  return expectOk(await h.call<{ order: OrderView }>('order', openid, { action: 'get', orderId })).order
}

async function arrivedWithCodes(payers: string[]) {
  const gb = await groupBuyWithPaidOrders(payers)
  expectOk(await h.call('groupBuy', DEMO.leader, { action: 'markArrived', groupBuyId: gb.groupBuyId }))
  const codes: Record<string, string> = {}
  for (const r of payers) codes[r] = (await myOrder(r, gb.orders[r])).pickupCode!
  return { ...gb, codes }
}

describe('pickup rules (pure)', () => {
  it('tells used before expired before not ready', () => {
    expect(decidePickup({ status: 'PICKED_UP', pickupExpiresAt: 0 }, 10)).toBe('PICKUP.ALREADY_USED')
    expect(decidePickup({ status: 'READY_FOR_PICKUP', pickupExpiresAt: 10 }, 10)).toBe('PICKUP.EXPIRED')
    expect(decidePickup({ status: 'PAID', pickupExpiresAt: null }, 10)).toBe('PICKUP.NOT_READY')
    expect(decidePickup({ status: 'READY_FOR_PICKUP', pickupExpiresAt: 11 }, 10)).toBeNull()
  })
  it('counts "today" from Beijing midnight', () => {
    const t = Date.UTC(2025, 0, 1, 15, 59) // 23:59 in Beijing
    expect(chinaMidnight(t)).toBe(Date.UTC(2024, 11, 31, 16, 0))
    expect(chinaMidnight(t + 60_000)).toBe(Date.UTC(2025, 0, 1, 16, 0))
  })
})

describe('pickup codes', () => {
  it('100,000 generated codes are 8 digits and all distinct (collisions are redrawn)', async () => {
    const taken = new Set<string>()
    let collisions = 0
    const reserve = async (code: string) => {
      if (taken.has(code)) {
        collisions++
        return false
      }
      taken.add(code)
      return true
    }
    for (let i = 0; i < 100_000; i++) expect(isPickupCodeFormat(await allocateCode(() => drawDigits(8), reserve))).toBe(true)
    expect(taken.size).toBe(100_000)
    // Raw random draws do repeat (birthday bound ~50 per 100k of 10^8): uniqueness comes from the redraw.
    expect(collisions).toBeGreaterThan(0)
  })

  it('a code already stored in pickupCodes is refused, so it is drawn again', async () => {
    const reserve = reserveKeyed(h.db(), 'pickupCodes', { orderId: 'x', pickupPointId: 'y', createdAt: 0 })
    const draws = ['00000001', '00000001', '00000002']
    expect(await allocateCode(() => draws.shift()!, reserve)).toBe('00000001')
    expect(await allocateCode(() => draws.shift()!, reserve)).toBe('00000002')
  })
})

describe('groupBuy.markArrived', () => {
  it('is refused for a group buy that has not succeeded, and nobody gets a code', async () => {
    const { groupBuyId, orders } = await groupBuyWithPaidOrders([DEMO.residents[0]], 2)
    expect(errorCode(await h.call('groupBuy', DEMO.leader, { action: 'markArrived', groupBuyId }))).toBe('GROUP_BUY.NOT_SUCCEEDED')
    const order = await myOrder(DEMO.residents[0], orders[DEMO.residents[0]])
    expect(order.status).toBe('PAID')
    expect(order.pickupCode).toBeNull()
  })

  it('is refused to residents and to staff of another pickup point', async () => {
    const { groupBuyId, orders } = await groupBuyWithPaidOrders([DEMO.residents[1]])
    for (const who of [DEMO.residents[1], DEMO.otherClerk]) {
      expect(errorCode(await h.call('groupBuy', who, { action: 'markArrived', groupBuyId }))).toBe('AUTH.FORBIDDEN')
    }
    expect((await myOrder(DEMO.residents[1], orders[DEMO.residents[1]])).status).toBe('PAID')
  })

  it('readies every paid order once: each resident sees a distinct 8-digit code and gets one GOODS_ARRIVED message', async () => {
    const payers = [...DEMO.residents]
    const { groupBuyId, orders } = await groupBuyWithPaidOrders(payers)
    const first = expectOk(await h.call<{ readyOrders: number }>('groupBuy', DEMO.leader, { action: 'markArrived', groupBuyId }))
    expect(first.readyOrders).toBe(3)
    const views = await Promise.all(payers.map((r) => myOrder(r, orders[r])))
    for (const v of views) {
      expect(v.status).toBe('READY_FOR_PICKUP')
      expect(v.pickupCode).toMatch(/^\d{8}$/)
      expect(v.pickupExpiresAt! - v.readyAt!).toBe(7 * 24 * 3600_000)
    }
    expect(new Set(views.map((v) => v.pickupCode)).size).toBe(3)

    // The clerk signing off too (a second call) changes nothing anyone can see.
    const again = expectOk(await h.call<{ readyOrders: number }>('groupBuy', DEMO.clerk, { action: 'markArrived', groupBuyId }))
    expect(again.readyOrders).toBe(0)
    const after = await Promise.all(payers.map((r) => myOrder(r, orders[r])))
    expect(after.map((v) => v.pickupCode)).toEqual(views.map((v) => v.pickupCode))
    for (const r of payers) expect(await h.count('outbox', { toOpenid: r, template: 'GOODS_ARRIVED', _id: `arrived_${orders[r]}` })).toBe(1)
  })

  it('a resident who pays after arrival gets a pickup code straight away', async () => {
    const { groupBuyId } = await groupBuyWithPaidOrders([...DEMO.residents])
    expectOk(await h.call('groupBuy', DEMO.leader, { action: 'markArrived', groupBuyId }))
    const late = 'late-payer'
    const { orderId } = expectOk(await h.call<{ orderId: string }>('groupBuy', late, { action: 'join', groupBuyId, quantity: 1, requestId: `req-late-${groupBuyId}` }))
    expect((await h.cloud.pay.pay(orderId)).ok).toBe(true)
    const v = await myOrder(late, orderId)
    expect(v.status).toBe('READY_FOR_PICKUP')
    expect(v.pickupCode).toMatch(/^\d{8}$/)
    expect(await h.count('outbox', { _id: `arrived_${orderId}` })).toBe(1)
  })

  it('concurrent sign-offs still give each order exactly one code', async () => {
    const { groupBuyId, orders } = await groupBuyWithPaidOrders([...DEMO.residents])
    const replies = await Promise.all([DEMO.leader, DEMO.clerk, clerkB, DEMO.leader].map((who) => h.call<{ readyOrders: number }>('groupBuy', who, { action: 'markArrived', groupBuyId })))
    expect(replies.map((r) => expectOk(r).readyOrders).reduce((a, b) => a + b, 0)).toBe(3)
    for (const r of DEMO.residents) {
      const v = await myOrder(r, orders[r])
      expect(await h.count('pickupCodes', { orderId: orders[r] })).toBe(1)
      expect(await h.count('pickupCodes', { _id: v.pickupCode! })).toBe(1)
    }
  })
})

describe('pickup.verify', () => {
  it('20 concurrent scans of one code by two clerks hand the goods over exactly once', async () => {
    const r = DEMO.residents[0]
    const { orders, codes, groupBuyId } = await arrivedWithCodes([r])
    const clerks = Array.from({ length: 20 }, (_, i) => (i % 2 ? DEMO.clerk : clerkB))
    const replies = await Promise.all(clerks.map((c) => h.call<PickupOutputs['verify']>('pickup', c, { action: 'verify', code: codes[r] })))
    const wins = replies.filter((x) => x.ok)
    expect(wins).toHaveLength(1)
    expect(expectOk(wins[0])).toMatchObject({ orderId: orders[r], groupBuyId, quantity: 2, status: 'PICKED_UP' })
    expect(replies.filter((x) => errorCode(x) === 'PICKUP.ALREADY_USED')).toHaveLength(19)
    const order = await myOrder(r, orders[r])
    expect(order.status).toBe('PICKED_UP')
    expect(order.pickedUpAt).not.toBeNull()
    // The hand-over's own line rides on the order, written in its transaction (#23); the 19 refusals are rows.
    expect(await h.count('verifications', { kind: 'pickup', code: codes[r] })).toBe(19)
    expect((await readDoc('orders', orders[r]))!.handoverRecords.verification).toMatchObject({ kind: 'pickup', code: codes[r], outcome: 'PICKED_UP', orderId: orders[r], quantity: 2 })
    // Once settle has copied it (twice: nothing twice), every one of the 20 attempts is in the audit, exactly one of them a hand-over.
    expect(await copyHandoverRecords()).toBeGreaterThan(0)
    expect(await copyHandoverRecords()).toBe(0)
    expect((await readDoc('orders', orders[r]))!.handoverRecords).toBeUndefined()
    expect(await h.count('verifications', { kind: 'pickup', code: codes[r] })).toBe(20)
    expect(await h.count('verifications', { kind: 'pickup', code: codes[r], outcome: 'PICKED_UP' })).toBe(1)
  })

  it("one resident's orders handed over at two counters at once: each order's points once, added to the balance the member already had", async () => {
    const r = 'pickup-points-twice'
    const first = await arrivedWithCodes([r])
    const second = await arrivedWithCodes([r])
    const third = await arrivedWithCodes([r])
    // A member before these two: the hand-over's transaction adds to the balance, never writes over it.
    expectOk(await h.call('pickup', DEMO.clerk, { action: 'verify', code: first.codes[r] }))
    const before = await readDoc('members', r)
    expect(before).toMatchObject({ points: 19, lifetimePoints: 19, version: 1 })
    const replies = await Promise.all([
      h.call('pickup', DEMO.clerk, { action: 'verify', code: second.codes[r] }),
      h.call('pickup', clerkB, { action: 'verify', code: third.codes[r] }),
    ])
    for (const reply of replies) expectOk(reply)
    const after = await readDoc('members', r)
    expect(after).toMatchObject({ points: 57, lifetimePoints: 57, unrecoveredPoints: 0, version: 3 })
    // Each hand-over's points entry rode on its order (#23); settle writes them as entries, applied already.
    await copyHandoverRecords()
    for (const orderId of [first.orders[r], second.orders[r], third.orders[r]]) {
      expect(await h.count('pointEntries', { ref: orderId, kind: 'EARN_PICKUP', pendingSince: 0 })).toBe(1)
      // The shipping record's mark, on the order (settle queues the record, #23).
      expect((await readDoc('orders', orderId))!.shippingDueAt).toBeGreaterThan(0)
      const lo = await readLedger(orderId)
      expect(lo!.pickedUpAt).not.toBeNull()
      // A leader's own group buy: nothing toward the 帮卖 tier (ledger tierVolumeFen).
      expect(lo!.tierFen).toBe(0)
    }
  })

  it('a clerk of another pickup point, a leader and a resident are refused; the order stays ready; all audited', async () => {
    const r = DEMO.residents[1]
    const { orders, codes } = await arrivedWithCodes([r])
    const refused = [DEMO.otherClerk, DEMO.leader, DEMO.residents[2], r, DEMO.admin]
    for (const who of refused) {
      expect(errorCode(await h.call('pickup', who, { action: 'verify', code: codes[r] }))).toBe('AUTH.FORBIDDEN')
    }
    expect((await myOrder(r, orders[r])).status).toBe('READY_FOR_PICKUP')
    expect(await h.count('verifications', { code: codes[r], outcome: 'AUTH.FORBIDDEN' })).toBe(refused.length)
    expect(await h.count('verifications', { code: codes[r], clerkOpenid: DEMO.otherClerk, pickupPointId: h.otherPointId })).toBe(1)
    // The right clerk still can.
    expect(expectOk(await h.call('pickup', DEMO.clerk, { action: 'verify', code: codes[r] })).status).toBe('PICKED_UP')
  })

  it('an unknown code is CODE_NOT_FOUND and audited', async () => {
    let code = drawDigits(8)
    while (await h.count('pickupCodes', { _id: code })) code = drawDigits(8)
    expect(errorCode(await h.call('pickup', DEMO.clerk, { action: 'verify', code }))).toBe('PICKUP.CODE_NOT_FOUND')
    expect(await h.count('verifications', { code, outcome: 'PICKUP.CODE_NOT_FOUND', clerkOpenid: DEMO.clerk })).toBe(1)
  })

  it('an expired code is refused and the goods stay with the store', async () => {
    process.env.PICKUP_CODE_TTL_MS = '1'
    const r = DEMO.residents[2]
    const { orders, codes } = await arrivedWithCodes([r])
    delete process.env.PICKUP_CODE_TTL_MS
    await new Promise((res) => setTimeout(res, 10))
    expect(errorCode(await h.call('pickup', DEMO.clerk, { action: 'verify', code: codes[r] }))).toBe('PICKUP.EXPIRED')
    expect((await myOrder(r, orders[r])).status).toBe('READY_FOR_PICKUP')
    expect(await h.count('verifications', { code: codes[r], outcome: 'PICKUP.EXPIRED' })).toBe(1)
  })

  it('malformed input is INPUT.INVALID and writes nothing', async () => {
    const r = DEMO.residents[0]
    const { orders, codes, groupBuyId } = await arrivedWithCodes([r])
    const before = await h.count('verifications')
    const bad: Record<string, unknown>[] = [
      {},
      { code: '1234' },
      { code: Number(codes[r]) },
      { code: `${codes[r]} ` },
      { code: codes[r], orderId: orders[r] },
      { code: { $gt: '' } },
    ]
    for (const event of bad) expect(errorCode(await h.call('pickup', DEMO.clerk, { action: 'verify', ...event }))).toBe('INPUT.INVALID')
    expect(errorCode(await h.call('pickup', DEMO.clerk, { action: 'today', cursor: 5 }))).toBe('INPUT.INVALID')
    expect(errorCode(await h.call('groupBuy', DEMO.leader, { action: 'markArrived', groupBuyId: { $ne: '' } }))).toBe('INPUT.INVALID')
    expect(errorCode(await h.call('groupBuy', DEMO.leader, { action: 'markArrived', groupBuyId, force: true }))).toBe('INPUT.INVALID')
    expect(await h.count('verifications')).toBe(before)
    expect((await myOrder(r, orders[r])).status).toBe('READY_FOR_PICKUP')
  })
})

describe('pickup.today', () => {
  it("shows the clerk their store's ready orders and today's counts; other stores see none of them", async () => {
    const { orders, codes } = await arrivedWithCodes([DEMO.residents[0], DEMO.residents[1]])
    expectOk(await h.call('pickup', DEMO.clerk, { action: 'verify', code: codes[DEMO.residents[0]] }))

    const mine = expectOk(await h.call<PickupOutputs['today']>('pickup', DEMO.clerk, { action: 'today' }))
    const ids = mine.items.map((i) => i.orderId)
    expect(ids).toContain(orders[DEMO.residents[1]])
    expect(ids).not.toContain(orders[DEMO.residents[0]])
    expect(mine.counts!.readyCount).toBe(await h.count('orders', { pickupPointId: h.pointId, status: 'READY_FOR_PICKUP' }))
    expect(mine.counts!.pickedUpToday).toBeGreaterThanOrEqual(1)
    expect(mine.recent![0]).toMatchObject({ kind: 'pickup', outcome: 'PICKED_UP', orderId: orders[DEMO.residents[0]] })

    // Paging: walk every page; each ready order appears once.
    const seen: string[] = []
    let cursor: string | null = null
    do {
      const page: PickupOutputs['today'] = expectOk(await h.call<PickupOutputs['today']>('pickup', DEMO.clerk, { action: 'today', ...(cursor ? { cursor } : {}) }))
      seen.push(...page.items.map((i) => i.orderId))
      cursor = page.nextCursor
    } while (cursor)
    expect(new Set(seen).size).toBe(seen.length)
    expect(seen.length).toBe(mine.counts!.readyCount)

    const other = expectOk(await h.call<PickupOutputs['today']>('pickup', DEMO.otherClerk, { action: 'today' }))
    expect(other.items).toHaveLength(0)
    expect(errorCode(await h.call('pickup', DEMO.residents[0], { action: 'today' }))).toBe('AUTH.FORBIDDEN')
  })
})
