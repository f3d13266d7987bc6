/**
 * Issue #23, the dashboard's repeat rate from a rollup: each buyer's paid orders per China day ride on their
 * participation in the group buy (`paidDays`), moved by the payment's count transaction. The rule: the stored days
 * always equal their recount from the orders — a buyer paying on two days, a re-sent payment notice, a refund (which
 * takes nothing back: the repeat rate counts paid orders) and an erased buyer included — and the dashboard's rate is
 * the one the orders give, without a buyer's identity in the reply.
 */
import { database, DEMO, join, readAll, readDoc, testCloudForThisFile, type Doc } from './support/cloud'
import { chinaDayNumber, chinaMidnight } from '@shared/domain/calendar'
import { checkRollups } from '@server/insight/rollups'
import { participationIdFor } from '@server/ids'
import { createProduct, endNow, groupBuyFromOffer, paidOrder, publishOffer } from './support/merchant'

jest.setTimeout(120_000)

const cloud = testCloudForThisFile()
const DAY = 86_400_000
const B = (n: number) => `rr-buyer-${n}`

const ids: Record<string, string> = {}
let from = 0
let to = 0

/** Pay as if the clock were `shiftMs` away (a payment on another China day). */
async function paidOrderAt(openid: string, groupBuyId: string, shiftMs: number): Promise<string> {
  const res = await join(cloud, openid, groupBuyId, 1)
  if (!res.ok) throw new Error(`join: ${res.error?.code}`)
  const realNow = Date.now
  const clock = jest.spyOn(Date, 'now').mockImplementation(() => realNow() + shiftMs)
  try {
    if (!(await cloud.pay.pay(res.data.orderId)).ok) throw new Error('pay failed')
  } finally {
    clock.mockRestore()
  }
  return res.data.orderId
}

/**
 * The repeat rate as the stored orders give it: paid orders per buyer over the range's whole China days (the
 * dashboard counts whole days; the app asks for whole days).
 */
async function repeatRateFromOrders(groupBuyIds: string[], range: { from: number; to: number } = { from, to }): Promise<number | null> {
  const _ = database().command
  const [first, last] = [chinaDayNumber(range.from), chinaDayNumber(range.to - 1)]
  const orders = (await readAll('orders', { groupBuyId: _.in(groupBuyIds) })).filter((o) => o.paidAt !== null && chinaDayNumber(o.paidAt) >= first && chinaDayNumber(o.paidAt) <= last)
  const perBuyer = new Map<string, number>()
  for (const o of orders) perBuyer.set(o.openid, (perBuyer.get(o.openid) ?? 0) + 1)
  return perBuyer.size ? [...perBuyer.values()].filter((n) => n >= 2).length / perBuyer.size : null
}

async function merchantDashboard(): Promise<Doc> {
  const res = await cloud.call<Doc>('insight', DEMO.merchant, { action: 'dashboard', from, to })
  expect(res.ok).toBe(true)
  return res.data
}

beforeAll(async () => {
  const offer = await publishOffer(cloud, await createProduct(cloud, { name: '复购苹果' }))
  ids.kept = await groupBuyFromOffer(cloud, DEMO.leader, offer)
  ids.failing = await groupBuyFromOffer(cloud, DEMO.leader, offer, { minParticipants: 5 })

  // B1 buys twice in one group buy, yesterday and today: one participation, two days.
  ids.b1Yesterday = await paidOrderAt(B(1), ids.kept, -DAY)
  ids.b1Today = await paidOrder(cloud, B(1), ids.kept, 1)
  // B2 buys once in each group buy; the failing one refunds it. B3 buys once, in the failing one (refunded).
  await paidOrder(cloud, B(2), ids.kept, 2)
  ids.b2Refunded = await paidOrder(cloud, B(2), ids.failing, 1)
  await paidOrder(cloud, B(3), ids.failing, 1)
  // B4 joins and never pays: not a buyer.
  expect((await join(cloud, B(4), ids.kept, 1)).ok).toBe(true)
  // B11–B17 buy once each, today: with B1–B3 ten buyers, the fewest a merchant is told a repeat rate over.
  for (let n = 11; n <= 17; n++) await paidOrder(cloud, B(n), ids.kept, 1)

  await endNow(cloud, ids.failing)
  await cloud.fireTimer('settle')
  await cloud.fireTimer('settle')

  const now = Date.now()
  from = now - 3 * DAY
  to = now + 3600_000
})

describe('the repeat rate\'s rollup (participations\' paid days)', () => {
  it('equals its recount after payments on two days and refunds, and a refund takes nothing back', async () => {
    expect((await readDoc('orders', ids.b2Refunded))!.status).toBe('REFUNDED')
    for (const g of [ids.kept, ids.failing]) {
      const r = await checkRollups(database(), g)
      expect({ g, ...r.stored }).toEqual({ g, ...r.recount })
      expect(r.equal).toBe(true)
    }
    const kept = (await readDoc('participations', participationIdFor(ids.kept, B(1))))!
    expect(Object.values(kept.paidDays)).toEqual([1, 1])
    expect(Object.keys(kept.paidDays)).toHaveLength(2)
    const refunded = (await readDoc('participations', participationIdFor(ids.failing, B(2))))!
    expect(refunded.paidDays).toEqual(expect.any(Object))
    expect(Object.values(refunded.paidDays)).toEqual([1])
    expect((await readDoc('participations', participationIdFor(ids.kept, B(4))))!.paidDays).toBeUndefined()
  })

  it('gives the dashboard the rate the orders give: B1 (two days) and B2 (one refunded) of the ten buyers bought twice', async () => {
    const mine = (await readAll('groupBuys', { merchantId: DEMO.merchant })).map((g) => g._id)
    const reply = await merchantDashboard()
    expect(reply.repeatRate).toBe(await repeatRateFromOrders(mine))
    // The seed sells the merchant nothing in the range: the ten buyers here are all of them.
    expect(reply.repeatRate).toBeCloseTo(2 / 10, 10)
    // Today alone: B1 once (the other order is yesterday's), B2 twice (both today, one refunded), B3 and B11–B17 once.
    const today = { from: chinaMidnight(Date.now()), to: chinaMidnight(Date.now()) + DAY }
    const todays = await cloud.call<Doc>('insight', DEMO.merchant, { action: 'dashboard', ...today })
    expect(todays.data.repeatRate).toBe(await repeatRateFromOrders(mine, today))
    expect(todays.data.repeatRate).toBeCloseTo(1 / 10, 10)
    // Yesterday alone: B1 is its only buyer. A merchant is told no rate over fewer than ten buyers: over one day
    // and two products it would say whether two purchases in its ledger were one person's.
    const yesterday = { from: today.from - DAY, to: today.from }
    const one = await cloud.call<Doc>('insight', DEMO.merchant, { action: 'dashboard', ...yesterday })
    expect(await repeatRateFromOrders(mine, yesterday)).toBe(0)
    expect(one.data.repeatRate).toBeNull()
    // Nobody is named: neither a buyer's openid nor their participation's key is in the reply.
    const text = JSON.stringify(reply)
    for (const n of [1, 2, 3, 4]) {
      expect(text).not.toContain(B(n))
      expect(text).not.toContain(participationIdFor(ids.kept, B(n)))
    }
  })

  it('counts a payment once when its notice comes again', async () => {
    const before = (await readDoc('participations', participationIdFor(ids.kept, B(1))))!.paidDays
    await cloud.pay.notify(ids.b1Today, 3)
    await cloud.pay.notify(ids.b1Yesterday, 3)
    expect((await readDoc('participations', participationIdFor(ids.kept, B(1))))!.paidDays).toEqual(before)
    expect((await checkRollups(database(), ids.kept)).equal).toBe(true)
  })

  it('still equals its recount, and the rate is unchanged, after a buyer erases their data', async () => {
    const rate = (await merchantDashboard()).repeatRate
    expect((await cloud.call('user', B(1), { action: 'deleteMe', confirm: true })).ok).toBe(true)
    for (const g of [ids.kept, ids.failing]) expect((await checkRollups(database(), g)).equal).toBe(true)
    expect((await merchantDashboard()).repeatRate).toBe(rate)
  })
})
