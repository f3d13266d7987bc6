/**
 * #23, what settle costs: it runs every minute, so each of its reads and writes is paid 1,440 times a day. An idle
 * tick costs a bound that does not grow with the running group buys (the counter heal recounts its batch in three
 * reads and turns its queue in one write), the daily reconciliation's claim is not tried again all day, and the
 * ledger's catch-up walks the orders paid and handed over in one read. The attacks: what each shared or skipped read
 * stood for must still happen —
 * the paid counts healed at once, a reserved leak after it stood still, every running group buy checked in turn, a
 * new day reconciled, missed sales and pickups booked, cut-off roll-over refunds asked again, reminders sent.
 */
import { expectedCountersOf, quietMs } from '@server/group-buys/heal-counters'
import { reconcileDaily } from '@server/ledger/reconcile'
import { chinaDay } from '@shared/domain/calendar'
import { DEMO, atTheSeam, createGroupBuy, database, join, readAll, readDoc, testCloudForThisFile, unbookLedger, type Doc } from './support/cloud'
import { paidOrder, pickUp } from './support/ledger'
import { pickedUpGroupBuy } from './support/after-pickup'

jest.setTimeout(120_000)
const cloud = testCloudForThisFile()
const H = 3600_000

const WRITES = new Set(['database.insertDocument', 'database.modifyDocument', 'database.modifyAndReturnDoc', 'database.removeDocument', 'database.commitTransaction'])

interface Call { action: string; collection: string; query: string }

/** The operations `fn` costs at the database seam, and each request it made (its query as JSON). */
async function measured<T>(fn: () => Promise<T>): Promise<{ result: T; ops: number; calls: Call[]; writes: string[] }> {
  const seen = await atTheSeam(cloud, fn)
  const calls = seen.calls.map((c) => ({ action: c.action, collection: c.collection, query: JSON.stringify(c.query ?? '') }))
  return { result: seen.result, ops: seen.ops, calls, writes: calls.filter((c) => WRITES.has(c.action)).map((c) => `${c.action} ${c.collection}`) }
}

type Tick = { ok: boolean; data: Doc }
const settle = async () => {
  const res = (await cloud.fireTimer('settle')) as Tick
  expect(res.ok).toBe(true)
  return res.data
}
const running = async () => (await readAll('groupBuys', { status: database().command.in(['OPEN', 'SUCCEEDED']) })).filter((g) => g.endAt > Date.now())
const setGroupBuy = (id: string, data: Doc) => database().collection('groupBuys').doc(id).update({ data })
const setOrder = (id: string, data: Doc) => database().collection('orders').doc(id).update({ data })

it('an idle tick costs at most 15 operations with the safety nets (14 before exports expired, 34 before passes with nothing due were skipped) and writes nothing; the day’s reconciliation is not tried again', async () => {
  const first = await settle()
  expect(first.reconciliation.ran).toBe(true)
  expect((await running()).length).toBeGreaterThan(0)
  // Measured before #23's cuts: 49 (one recount of 4 per running group buy and a write to each, the failing claim).
  const idle = await measured(settle)
  expect(idle.ops).toBeLessThanOrEqual(15)
  expect(idle.writes).toEqual([])
  expect(idle.result.reconciliation).toEqual({ ran: false })
})

it('the hourly coupon holds’ heal (COUPON_HEAL_MS) costs 4 operations more with running campaigns, and writes nothing when nothing leaked', async () => {
  const without = await measured(settle)
  expect(without.result.couponHolds).toEqual({ checked: 0, healed: 0 })
  process.env.COUPON_HEAL_MS = '0'
  try {
    const tick = await measured(settle)
    expect(tick.result.couponHolds.checked).toBeGreaterThan(0)
    expect(tick.ops - without.ops).toBeLessThanOrEqual(4)
    expect(tick.writes).toEqual([])
  } finally {
    delete process.env.COUPON_HEAL_MS
  }
})

it('the heal recounts its batch at once: paid counts fixed in the tick, a reserved leak only after it stood still, unwritten meanwhile', async () => {
  // Paid counts a payment cut off left behind (before counts were one transaction): fixed at once, 成团 follows.
  const paidGb = await createGroupBuy(cloud, { stock: 10, minParticipants: 2, limitPerUser: 5 })
  await paidOrder(cloud, 'sc-p1', paidGb, 2)
  await paidOrder(cloud, 'sc-p2', paidGb, 1)
  await setGroupBuy(paidGb, { status: 'OPEN', succeededAt: null, paidParticipants: 1, soldQuantity: 2, stockLeft: 8 })
  // A join cut off between its stock write and its order: 2 units held for no order, beside a real hold of 1.
  const leakGb = await createGroupBuy(cloud, { stock: 10, limitPerUser: 5 })
  expect((await join(cloud, 'sc-l1', leakGb, 1)).ok).toBe(true)
  const _ = database().command
  await setGroupBuy(leakGb, { reservedQuantity: _.inc(2), stockLeft: _.inc(-2) })

  const healedNow = (await settle()).reconciled
  expect(healedNow.healed).toBe(1)
  expect(await readDoc('groupBuys', paidGb)).toMatchObject({ status: 'SUCCEEDED', paidParticipants: 2, soldQuantity: 3, stockLeft: 7, succeededNotified: true })
  const seen = (await readDoc('groupBuys', leakGb))!
  expect(seen).toMatchObject({ reservedQuantity: 3, stockLeft: 7, reconcile: { reservedQuantity: 3, expectedReserved: 1, stockLeft: 7 } })

  // Seen again, unchanged, before the quiet period: not corrected, and the sighting is not written again.
  const again = await measured(settle)
  expect(again.result.reconciled.healed).toBe(0)
  expect(again.calls.filter((c) => c.collection === 'groupBuys' && WRITES.has(c.action) && c.query.includes(leakGb))).toEqual([])
  expect((await readDoc('groupBuys', leakGb))!.reconcile).toEqual(seen.reconcile)

  // After the quiet period: the 2 units go back, once.
  await setGroupBuy(leakGb, { reconcile: _.set({ ...seen.reconcile, seenAt: seen.reconcile.seenAt - quietMs() - 1 }) })
  const late = (await settle()).reconciled
  expect(late).toMatchObject({ healed: 1, unitsReleased: 2 })
  expect(await readDoc('groupBuys', leakGb)).toMatchObject({ reservedQuantity: 1, stockLeft: 9, reconcile: null })
  expect((await settle()).reconciled).toMatchObject({ healed: 0, unitsReleased: 0 })

  // The batch recount is each group's own: a payment still being finished (not counted yet) is left out of its group's sold.
  const unfinishedGb = await createGroupBuy(cloud, { stock: 10, limitPerUser: 5 })
  const inFlight = await paidOrder(cloud, 'sc-u1', unfinishedGb, 2)
  const order = (await readDoc('orders', inFlight))!
  await setOrder(inFlight, { paymentFinishedAt: 0, countedAt: _.remove() })
  try {
    const counts = await expectedCountersOf(database(), [paidGb, leakGb, unfinishedGb, 'no-such-group'])
    expect(Object.fromEntries(counts)).toEqual({
      [paidGb]: { reserved: 0, sold: 3, paidParticipants: 2 },
      [leakGb]: { reserved: 1, sold: 0, paidParticipants: 0 },
      [unfinishedGb]: { reserved: 0, sold: 0, paidParticipants: 1 },
      'no-such-group': { reserved: 0, sold: 0, paidParticipants: 0 },
    })
  } finally {
    await setOrder(inFlight, { paymentFinishedAt: order.paymentFinishedAt, countedAt: order.countedAt })
  }
})

it('a second tick of the day does not try the claim again; a new day reconciles once, and a cold instance finds the claim taken', async () => {
  const same = await measured(settle)
  expect(same.result.reconciliation).toEqual({ ran: false })
  expect(same.calls.filter((c) => c.collection === 'reconciliations')).toEqual([])

  const tomorrow = Date.now() + 24 * H
  const day = chinaDay(tomorrow)
  expect(await reconcileDaily(database(), tomorrow)).toMatchObject({ ran: true })
  expect(await readDoc('reconciliations', `daily_${day}`)).toMatchObject({ reconciliationId: `daily_${day}` })
  const repeat = await measured(() => reconcileDaily(database(), tomorrow + 60_000))
  expect(repeat.result).toEqual({ ran: false })
  expect(repeat.ops).toBe(0)

  // Another instance (its module state fresh) tries the keyed insert once and stands down.
  let cold!: typeof reconcileDaily
  jest.isolateModules(() => {
    cold = (jest.requireActual('@server/ledger/reconcile') as { reconcileDaily: typeof reconcileDaily }).reconcileDaily
  })
  const coldRun = await measured(() => cold(database(), tomorrow + 120_000))
  expect(coldRun.result).toEqual({ ran: false })
  expect(coldRun.calls.map((c) => `${c.action} ${c.collection}`)).toEqual(['database.insertDocument reconciliations'])
  expect(await readAll('reconciliations', { _id: `daily_${day}` })).toHaveLength(1)
})

it('the ledger catch-up walks paid and handed-over orders once: a missed sale and a missed pickup of one order are both booked', async () => {
  const groupBuyId = await createGroupBuy(cloud, { priceFen: 1500, minParticipants: 1 })
  const orderId = await paidOrder(cloud, 'sc-ledger', groupBuyId, 1)
  expect((await pickUp(cloud, 'sc-ledger', groupBuyId, orderId)).ok).toBe(true)
  // Neither the sale's hook nor the pickup's left anything: no entries, no position on the order.
  await database().collection('ledgerEntries').where({ orderId }).remove()
  await unbookLedger(orderId)

  const tick = await measured(settle)
  expect(tick.result.ledger).toEqual({ sales: 1, pickups: 1, refunds: 0 })
  // (The tick's probe of what is due on orders names both windows too, among all the others: not a walk.)
  expect(tick.calls.filter((c) => c.collection === 'orders' && c.query.includes('paidAt') && c.query.includes('pickedUpAt') && !c.query.includes('paymentFinishedAt'))).toHaveLength(1)
  expect((await readDoc('orders', orderId))!.ledger).toMatchObject({ pickedUpAt: expect.any(Number), amountFen: 1500 })
  expect((await settle()).ledger).toEqual({ sales: 0, pickups: 0, refunds: 0 })
  const report = await cloud.call<{ mismatches: Array<{ orderId: string | null; kind: string }> }>('admin', DEMO.admin, { action: 'reconcile' })
  expect(report.data.mismatches.filter((m) => m.orderId === orderId)).toEqual([])
})

it('roll-overs cut off halfway are finished: the expired hold refunded, the move’s difference refunded, once each', async () => {
  const groupBuyId = await createGroupBuy(cloud, { title: '保留测试 断点', minParticipants: 1, limitPerUser: 5 })
  const expired = await paidOrder(cloud, 'sc-roll-1', groupBuyId, 1)
  const moved = await paidOrder(cloud, 'sc-roll-2', groupBuyId, 2)
  const now = Date.now()
  // Cut off after the hold ran out, before its refund; and after a move, before its difference refund.
  await setOrder(expired, { onFail: 'ROLL_OVER', rollOverUntil: 0, rollOverExpiredAt: now })
  await setOrder(moved, { onFail: 'ROLL_OVER', rollOverUntil: 0, rolledFromGroupBuyId: 'an-earlier-group', rolledAt: now, rollOverRefundFen: 300 })
  await settle()
  await settle()
  expect((await readAll('refunds', { orderId: expired })).map((r) => [r.amountFen, r.status])).toEqual([[1000, 'DONE']])
  expect((await readAll('refunds', { orderId: moved })).map((r) => [r._id.slice(0, 2), r.amountFen, r.status])).toEqual([['rr', 300, 'DONE']])
  expect(await readDoc('orders', expired)).toMatchObject({ status: 'REFUNDED' })
  expect(await readDoc('orders', moved)).toMatchObject({ status: 'PAID', refundedFen: 300 })
})

it('reminders: an order due both its reminders, and a window whose start and last call fall in one tick, hear each once', async () => {
  const [A, B] = DEMO.residents
  const plain = await pickedUpGroupBuy(cloud, { [A]: 1 }, { pickers: [] })
  const now = Date.now()
  await setOrder(plain.orders[A], { readyAt: now - 25 * H, pickupExpiresAt: now + 23 * H })
  const windowed = await pickedUpGroupBuy(cloud, { [B]: 1 }, { pickers: [] })
  await setGroupBuy(windowed.groupBuyId, { pickupStartAt: now - 10 * 60_000, pickupEndAt: now + 30 * 60_000 })
  await setOrder(windowed.orders[B], { readyAt: now - 3 * H })

  const tick = await settle()
  expect(tick.reminders).toEqual({ readyReminders: 1, expiryReminders: 1, windowStartReminders: 1, lastCallReminders: 1 })
  expect((await settle()).reminders).toEqual({ readyReminders: 0, expiryReminders: 0, windowStartReminders: 0, lastCallReminders: 0 })
  const sent = await readAll('outbox', { template: 'PICKUP_REMINDER' })
  expect(sent.filter((m) => m.page.endsWith(plain.orders[A]))).toHaveLength(2)
  expect(sent.filter((m) => m.page.endsWith(windowed.orders[B]))).toHaveLength(2)
})

it('every running group buy is checked within ceil(N/20) ticks, and more of them cost one write a tick, not four reads and a write each', async () => {
  const quiet = await measured(settle)
  for (let i = 0; i < 35; i++) await createGroupBuy(cloud, { title: `轮换 ${i}` })
  const all = await running()
  const n = all.length
  expect(n).toBeGreaterThan(40)
  // A join cut off on every one of them: each check leaves a sighting, so a check shows.
  const _ = database().command
  for (const gb of all) await setGroupBuy(gb._id, { reservedQuantity: _.inc(1), stockLeft: _.inc(-1) })
  const sighted = async () => (await running()).filter((g) => g.reconcile).length

  const ticks = Math.ceil(n / 20)
  const costs: number[] = []
  for (let t = 1; t <= ticks; t++) {
    const tick = await measured(settle)
    costs.push(tick.ops)
    expect(tick.result.reconciled.checked).toBe(20)
    expect(await sighted()).toBe(Math.min(n, 20 * t))
  }
  // Each tick: one write turns the queue, one per new sighting; the recount itself costs what an idle tick's does.
  expect(costs[0]).toBe(quiet.ops + 1 + 20)

  // Put back: nothing is left for the heal.
  for (const gb of all) await setGroupBuy(gb._id, { reservedQuantity: _.inc(-1), stockLeft: _.inc(1), reconcile: null })
  const busy = await measured(settle)
  expect(busy.ops).toBeLessThanOrEqual(quiet.ops + 1)
  expect(busy.writes.filter((w) => w.endsWith(' groupBuys'))).toEqual(['database.modifyDocument groupBuys'])
})
