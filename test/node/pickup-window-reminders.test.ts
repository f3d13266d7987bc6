/**
 * Issue #22: pickup reminders follow the group buy's 提货时间 — when the window opens and an hour before it closes,
 * each waiting order hears once (also under concurrent settle runs), never after pickup, and goods that came a day
 * or more before their window are reminded when it opens, not 24 h after arrival.
 */
import { DEMO, database, readAll, testCloudForThisFile, type Doc } from './support/cloud'
import { pickedUpGroupBuy, pickUp } from './support/after-pickup'

jest.setTimeout(60_000)

const cloud = testCloudForThisFile()
const [A, B, C] = DEMO.residents
const MIN = 60_000
const H = 60 * MIN

async function settleConcurrently(n: number): Promise<Doc[]> {
  const runs = (await Promise.all(Array.from({ length: n }, () => cloud.fireTimer('settle')))) as Array<{ ok: boolean; data: Doc }>
  for (const r of runs) expect(r.ok).toBe(true)
  return runs.map((r) => r.data)
}
const sum = (runs: Doc[], key: string) => runs.reduce((n, r) => n + (r.reminders[key] as number), 0)
const setGroupBuy = (id: string, data: Doc) => database().collection('groupBuys').doc(id).update({ data })
const setOrder = (id: string, data: Doc) => database().collection('orders').doc(id).update({ data })
async function remindersTo(orderId: string): Promise<Doc[]> {
  return (await readAll('outbox', { template: 'PICKUP_REMINDER' })).filter((m) => m.page.endsWith(orderId))
}

it('reminds each waiting order once when the window opens and once before it closes, under 5 concurrent settle runs', async () => {
  const { groupBuyId, orders } = await pickedUpGroupBuy(cloud, { [A]: 1, [B]: 1, [C]: 1 }, { pickers: [C] })
  const now = Date.now()
  // The window opened a minute ago and runs 3 h. A's goods came before it; B's came inside it (B's arrival notice,
  // naming the 提货时间, was the reminder); C has picked up.
  await setGroupBuy(groupBuyId, { pickupStartAt: now - MIN, pickupEndAt: now + 3 * H })
  await setOrder(orders[A], { readyAt: now - 3 * H })
  await setOrder(orders[B], { readyAt: now - 30_000 })

  const opened = await settleConcurrently(5)
  expect(sum(opened, 'windowStartReminders')).toBe(1)
  expect(sum(opened, 'lastCallReminders')).toBe(0)
  expect((await remindersTo(orders[A])).map((m) => m.data.thing3.value)).toEqual([`提货时间到了，${clock(now + 3 * H)} 前可取`])
  expect(await remindersTo(orders[B])).toHaveLength(0)
  expect(await remindersTo(orders[C])).toHaveLength(0)
  // Not at a fixed time: A's goods have waited 3 h, far from the old 24 h mark, and A is not reminded again by it.
  expect(sum(await settleConcurrently(2), 'readyReminders')).toBe(0)

  // Half an hour before the end: the last call, to both still waiting (B's goods came before the last-call moment).
  const later = Date.now()
  await setGroupBuy(groupBuyId, { pickupEndAt: later + 30 * MIN })
  await setOrder(orders[B], { readyAt: later - 45 * MIN })
  const closing = await settleConcurrently(5)
  expect(sum(closing, 'lastCallReminders')).toBe(2)
  expect(sum(closing, 'windowStartReminders')).toBe(0)
  expect((await remindersTo(orders[A])).map((m) => m.data.thing3.value)).toEqual([`提货时间到了，${clock(now + 3 * H)} 前可取`, `${clock(later + 30 * MIN)} 提货结束，请尽快取货`])
  expect(await remindersTo(orders[B])).toHaveLength(1)
  expect(await remindersTo(orders[C])).toHaveLength(0)
  const notices = (await cloud.call<{ items: Doc[] }>('user', A, { action: 'notices' })).data.items.filter((n) => n.kind === 'PICKUP_REMINDER')
  expect(notices.map((n) => n.body).join('\n')).toMatch(/提货结束，请尽快取货；自提点：.+；提货时间：/)

  // Once each: more runs send nothing more.
  const again = await settleConcurrently(3)
  expect(sum(again, 'lastCallReminders') + sum(again, 'windowStartReminders') + sum(again, 'readyReminders')).toBe(0)
  expect(await remindersTo(orders[A])).toHaveLength(2)
})

it('never reminds an order picked up before its window opens; goods that came early wait for the window, not 24 h', async () => {
  const { groupBuyId, orders } = await pickedUpGroupBuy(cloud, { [A]: 1, [B]: 1 }, { pickers: [] })
  const now = Date.now()
  // Arrived 25 h ago; the window opens tomorrow.
  await setGroupBuy(groupBuyId, { pickupStartAt: now + 24 * H, pickupEndAt: now + 28 * H })
  for (const id of Object.values(orders)) await setOrder(id, { readyAt: now - 25 * H })
  await settleConcurrently(2)
  expect(await remindersTo(orders[A])).toHaveLength(0)
  expect(await remindersTo(orders[B])).toHaveLength(0)

  // B picks up early; then the window opens: only A hears, once.
  await pickUp(cloud, B, orders[B])
  await setGroupBuy(groupBuyId, { pickupStartAt: Date.now() - MIN })
  const opened = await settleConcurrently(4)
  expect(sum(opened, 'windowStartReminders') + sum(opened, 'readyReminders')).toBe(1)
  expect(await remindersTo(orders[A])).toHaveLength(1)
  expect(await remindersTo(orders[B])).toHaveLength(0)
})

/** 'HH:mm' China time, as the reminder prints the window's end. */
function clock(ms: number): string {
  return new Date(ms + 8 * H).toISOString().slice(11, 16)
}

it('a page full of orders waiting for their window, or past their code, does not stop the 24 h reminder of the order behind them', async () => {
  const now = Date.now()
  // 120 orders whose goods have waited more than a day: half in a group buy whose window opens in two days (their goods
  // came early), half with their codes expired …
  const early = await pickedUpGroupBuy(cloud, { [B]: 1 }, { pickers: [] })
  await setGroupBuy(early.groupBuyId, { pickupStartAt: now + 48 * H, pickupEndAt: now + 50 * H })
  const template = (await readAll('orders', { _id: early.orders[B] }))[0]
  const ids = Array.from({ length: 120 }, (_, i) => `waiting-${i}`)
  for (const [i, _id] of ids.entries()) {
    const expired = i % 2 === 1
    await database().collection('orders').add({
      data: { ...template, _id, requestId: _id, pickupCode: null, readyAt: now - 30 * H, ...(expired ? { groupBuyId: 'gone-group', pickupExpiresAt: now - H } : {}) },
    })
  }
  await setOrder(early.orders[B], { readyAt: now - 30 * H })
  // … and, written after them, one order whose goods have waited a day in a group buy with no window.
  const { orders } = await pickedUpGroupBuy(cloud, { [A]: 1 }, { pickers: [] })
  await setOrder(orders[A], { readyAt: now - 25 * H })

  const runs = [...(await settleConcurrently(1)), ...(await settleConcurrently(1))]
  expect(sum(runs, 'readyReminders')).toBe(1)
  expect(await remindersTo(orders[A])).toHaveLength(1)
  // The early ones wait for their window (deferred once), the expired ones are not reminded at all.
  const waiting = await readAll('orders', { _id: database().command.in([...ids, early.orders[B]]) })
  expect(waiting.filter((o) => o.remindedReadyAt)).toHaveLength(0)
  expect(waiting.filter((o) => o.readyRemindAfter === now + 48 * H)).toHaveLength(61)
})
