/**
 * #23, pay 7 → 6: a payment is counted without reading the buyer's participation when its order's join made it
 * (server/group-buys/first-payer.ts). `paidParticipants` decides 成团, so the attack is a buyer counted twice: a
 * second order of the same buyer in the same group, paid before, after or at the same moment as the first; a twin
 * join; an order rolled over into the group. In every case the group must count the buyer once, agree with the
 * counter heal's recount (participations with a paid order), and never reach 成团 on one buyer counted as two.
 */
import { healGroupBuyCounters } from '@server/group-buys/heal-counters'
import { readFileSync } from 'fs'
import path from 'path'
import { participationIdFor } from '@server/ids'
import { JOIN_RUNS_AT_MOST_MS } from '@server/group-buys/first-payer'
import { applyPayment } from '@server/payments/payment-flow'
import { createGroupBuy, database, idMaker, join, newRequestId, readAll, readDoc, testCloudForThisFile, type Doc } from './support/cloud'
import { racingAt } from './support/tx-race'

jest.setTimeout(120_000)
const cloud = testCloudForThisFile()
const fresh = idMaker('fp')

async function pay(orderId: string): Promise<void> {
  const paid = await cloud.pay.pay(orderId)
  expect(paid.ok).toBe(true)
}

async function joined(openid: string, gb: string, quantity = 1, requestId = newRequestId('fp')): Promise<string> {
  const r = await join(cloud, openid, gb, quantity, requestId)
  expect(r.ok).toBe(true)
  return r.data.orderId as string
}

/** The group's counter, and what the counter heal would recount it to (participations with a paid order). */
async function participants(gb: string): Promise<{ counted: number; recounted: number; status: string }> {
  const g = (await readDoc('groupBuys', gb))!
  const parts = await readAll('participations', { groupBuyId: gb })
  return { counted: g.paidParticipants, recounted: parts.filter((p: Doc) => (p.paidOrders ?? 0) > 0).length, status: g.status }
}

it('the usual order: its join made the participation, its payment is counted without reading it, and the participation is written as before', async () => {
  const gb = await createGroupBuy(cloud, { stock: 10, limitPerUser: 2, minParticipants: 5 })
  const A = fresh('one')
  const orderId = await joined(A, gb)
  expect(await readDoc('orders', orderId)).toMatchObject({ madeParticipation: true })
  expect(await readDoc('participations', participationIdFor(gb, A))).toMatchObject({ madeBy: orderId, paidOrders: 0, quantity: 1 })
  await pay(orderId)
  const part = (await readDoc('participations', participationIdFor(gb, A)))!
  expect(part).toMatchObject({ paidOrders: 1, quantity: 1 })
  expect(part.madeBy).toBeUndefined()
  expect(Object.values(part.paidDays ?? {}).reduce((a: number, b) => a + Number(b), 0)).toBe(1)
  expect(await participants(gb)).toMatchObject({ counted: 1, recounted: 1 })
})

it('ATTACK: a second order of the same buyer paid before the first — the buyer counts once, and 成团 (at 2) is not reached on one buyer', async () => {
  const gb = await createGroupBuy(cloud, { stock: 10, limitPerUser: 3, minParticipants: 2 })
  const A = fresh('before')
  const first = await joined(A, gb)
  const second = await joined(A, gb)
  expect((await readDoc('orders', second))!.madeParticipation).toBeUndefined()
  await pay(second)
  // The second order's count read the participation and took the first order's mark off, in its transaction.
  expect((await readDoc('orders', first))!.madeParticipation).toBe(false)
  await pay(first)
  expect(await participants(gb)).toEqual({ counted: 1, recounted: 1, status: 'OPEN' })
  expect((await readDoc('participations', participationIdFor(gb, A)))!.paidOrders).toBe(2)
})

it('ATTACK: the first order paid first, then the second — counted once', async () => {
  const gb = await createGroupBuy(cloud, { stock: 10, limitPerUser: 3, minParticipants: 2 })
  const A = fresh('after')
  const first = await joined(A, gb)
  const second = await joined(A, gb)
  await pay(first)
  await pay(second)
  expect(await participants(gb)).toEqual({ counted: 1, recounted: 1, status: 'OPEN' })
})

it('ATTACK: both orders of each of many buyers paid at the same moment (and twin joins) — every buyer counted once', async () => {
  const gb = await createGroupBuy(cloud, { stock: 200, limitPerUser: 4, minParticipants: 100 })
  const buyers = Array.from({ length: 12 }, (_, i) => fresh(`crowd${i}`))
  // Half join twice one after the other, half join twice at once (a twin join waits for the participation's insert).
  const orders: string[][] = []
  for (const [i, b] of buyers.entries()) {
    if (i % 2 === 0) orders.push([await joined(b, gb), await joined(b, gb)])
    else orders.push(await Promise.all([joined(b, gb), joined(b, gb)]))
  }
  for (const pair of orders) expect((await Promise.all(pair.map((id) => readDoc('orders', id)))).filter((o) => o!.madeParticipation === true).length).toBeLessThanOrEqual(1)
  // Every payment at once: the two counts of one buyer race (one of them may be the unread one).
  await Promise.all(orders.flatMap((pair) => (pair[0] < pair[1] ? pair : [...pair].reverse()).map((id) => pay(id))))
  expect(await participants(gb)).toEqual({ counted: buyers.length, recounted: buyers.length, status: 'OPEN' })
  for (const b of buyers) expect((await readDoc('participations', participationIdFor(gb, b)))!.paidOrders).toBe(2)
  // The counter heal finds nothing to correct.
  for (let i = 0; i < 3; i++) await healGroupBuyCounters(database(), Date.now())
  expect((await participants(gb)).counted).toBe(buyers.length)
})

it('ATTACK: an order rolled over into the group, then the buyer’s own order there paid — counted once', async () => {
  const title = '首单测试 脐橙'
  const failing = await createGroupBuy(cloud, { title, priceFen: 1000, minParticipants: 3, limitPerUser: 5 })
  const next = await createGroupBuy(cloud, { title, priceFen: 1000, minParticipants: 2, limitPerUser: 5, stock: 20 })
  const A = fresh('roll')
  const held = await cloud.call<{ orderId: string }>('groupBuy', A, { action: 'join', groupBuyId: failing, quantity: 1, requestId: newRequestId('fp'), onFail: 'ROLL_OVER' })
  expect(held.ok).toBe(true)
  await pay(held.data.orderId)
  // The buyer's own order in the next group: its join made the participation there.
  const own = await joined(A, next)
  expect((await readDoc('orders', own))!.madeParticipation).toBe(true)
  await database().collection('groupBuys').doc(failing).update({ data: { endAt: Date.now() - 1000 } })
  for (let i = 0; i < 3 && (await readDoc('orders', held.data.orderId))!.groupBuyId !== next; i++) await cloud.fireTimer('settle')
  expect(await readDoc('orders', held.data.orderId)).toMatchObject({ groupBuyId: next, status: 'PAID' })
  // The move counted the buyer in the next group and took the mark off their own order there.
  expect((await readDoc('orders', own))!.madeParticipation).toBe(false)
  await pay(own)
  expect(await participants(next)).toEqual({ counted: 1, recounted: 1, status: 'OPEN' })
})


it('ATTACK: the second order counted between the first order’s read of itself and its writes — the first is retried, read from the participation, and not counted again', async () => {
  const gb = await createGroupBuy(cloud, { stock: 10, limitPerUser: 3, minParticipants: 2 })
  const A = fresh('raceA')
  const first = await joined(A, gb)
  const second = await joined(A, gb)
  // WeChat Pay has the first payment; its notice is applied below, on the racing database.
  expect((await cloud.pay.pay(first, { deliver: false })).ok).toBe(true)
  const race = racingAt({ collection: 'orders', id: first }, () => pay(second))
  expect(await applyPayment(race.db, first, Date.now())).toBe('PAID')
  expect(race.attempts()).toBeGreaterThanOrEqual(2)
  expect(await participants(gb)).toEqual({ counted: 1, recounted: 1, status: 'OPEN' })
  expect((await readDoc('participations', participationIdFor(gb, A)))!.paidOrders).toBe(2)
})

it('ATTACK: the first order counted (unread) between the second order’s read of the participation and its writes — the second is retried and not counted as first', async () => {
  const gb = await createGroupBuy(cloud, { stock: 10, limitPerUser: 3, minParticipants: 2 })
  const A = fresh('raceB')
  const first = await joined(A, gb)
  const second = await joined(A, gb)
  expect((await cloud.pay.pay(second, { deliver: false })).ok).toBe(true)
  const race = racingAt({ collection: 'participations', id: participationIdFor(gb, A) }, () => pay(first))
  expect(await applyPayment(race.db, second, Date.now())).toBe('PAID')
  expect(race.attempts()).toBeGreaterThanOrEqual(2)
  expect(await participants(gb)).toEqual({ counted: 1, recounted: 1, status: 'OPEN' })
})

it('a count waits for the order its participation names no longer than a join can run: the bound is above every function timeout (cloudbaserc.json)', () => {
  const rc = JSON.parse(readFileSync(path.join(__dirname, '../../cloudbaserc.json'), 'utf8')) as { functionDefaultConfig?: { timeout?: number }; functions?: Array<{ name: string; timeout?: number }> }
  const timeouts = [rc.functionDefaultConfig?.timeout ?? 0, ...(rc.functions ?? []).map((f) => f.timeout ?? 0)].filter((t) => t > 0)
  expect(timeouts.length).toBeGreaterThan(1)
  expect(JOIN_RUNS_AT_MOST_MS).toBeGreaterThan(Math.max(...timeouts) * 1000)
})
