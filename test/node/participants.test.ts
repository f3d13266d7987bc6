/**
 * 跟团号 (one home: server/group-buys/join-order.ts): an order is numbered when its payment is counted, from the
 * group buy's own counter — 1, 2, 3… in payment order, no gaps for holds that expired, no number while unpaid. The
 * leader's participants list shows each order's own number (in join order, across pages); each resident sees the
 * same number on their own order; residents cannot read the list. `BUG (fixed)`: an order rolled over into a next
 * group was numbered by its first join there — the same 跟团号 as an order paid there before it, and the leader's
 * list (numbered by position) gave it yet another.
 */
import { createGroupBuy, database, DEMO, join, newRequestId, readDoc, sleep, testCloudForThisFile } from './support/cloud'

jest.setTimeout(60_000)

const cloud = testCloudForThisFile()

type Participants = { items: Array<{ seq: number | null; maskedName: string; status: string }>; nextCursor: string | null }
const seqOnOrder = async (openid: string, orderId: string) => (await cloud.call<{ order: { seq: number | null } }>('order', openid, { action: 'get', orderId })).data.order.seq

it('numbers paid orders 1, 2, 3… in payment order across pages, none for an unpaid hold, masked; each resident sees their own number', async () => {
  const groupBuyId = await createGroupBuy(cloud, { stock: 200, limitPerUser: 1 })
  const joiners = Array.from({ length: 55 }, (_, i) => `seq-resident-${i}`)
  const orderOf: Record<string, string> = {}
  for (const r of joiners) {
    const res = await join(cloud, r, groupBuyId, 1)
    if (!res.ok) throw new Error(res.error?.code)
    orderOf[r] = res.data.orderId
    // Joins in the same millisecond are ordered by order id, not arrival: keep these one millisecond apart so
    // "the i-th to join" is well defined for the assertions below.
    await sleep(2)
  }
  // Paid last-joined first; every fifth never pays (its hold just waits): numbers follow the payments, densely.
  const payers = joiners.filter((_, i) => i % 5 !== 4).reverse()
  for (const r of payers) expect((await cloud.pay.pay(orderOf[r])).ok).toBe(true)

  const first = await cloud.call<Participants>('groupBuy', DEMO.leader, { action: 'participants', groupBuyId })
  expect(first.ok).toBe(true)
  for (const p of first.data.items) expect(p.maskedName).toMatch(/\*\*$/)
  expect(JSON.stringify(first.data)).not.toContain('seq-resident') // no openids leak to the leader
  const second = await cloud.call<Participants>('groupBuy', DEMO.leader, { action: 'participants', groupBuyId, cursor: first.data.nextCursor })
  expect(second.data.nextCursor).toBeNull()
  const listed = [...first.data.items, ...second.data.items]
  // Listed in join order: the i-th joiner's number is its place among the payments.
  expect(listed.map((p) => p.seq)).toEqual(joiners.map((r, i) => (i % 5 === 4 ? null : payers.indexOf(r) + 1)))
  expect(listed.filter((p) => p.seq === null).every((p) => p.status === 'PENDING_PAYMENT')).toBe(true)

  for (const i of [0, 3, 4, 49, 54]) {
    const r = joiners[i]
    expect(await seqOnOrder(r, orderOf[r])).toBe(listed[i].seq)
  }

  const asResident = await cloud.call('groupBuy', DEMO.residents[0], { action: 'participants', groupBuyId })
  expect(asResident).toMatchObject({ ok: false, error: { code: 'AUTH.FORBIDDEN' } })
})

it('numbers payments racing each other once each: 20 at once get 1…20, and the group buy keeps the last', async () => {
  const groupBuyId = await createGroupBuy(cloud, { stock: 200, limitPerUser: 1 })
  const orders: Record<string, string> = {}
  for (let i = 0; i < 20; i++) {
    const r = `seq-race-${i}`
    const res = await join(cloud, r, groupBuyId, 1)
    if (!res.ok) throw new Error(res.error?.code)
    orders[r] = res.data.orderId
  }
  const paid = await Promise.all(Object.values(orders).map((id) => cloud.pay.pay(id)))
  expect(paid.every((p) => p.ok)).toBe(true)
  const seqs = await Promise.all(Object.entries(orders).map(([r, id]) => seqOnOrder(r, id)))
  expect([...seqs].sort((a, b) => a! - b!)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1))
  expect(await readDoc('groupBuys', groupBuyId)).toMatchObject({ paidSeq: 20 })
})

it('BUG (fixed): an order rolled over into a next group takes the next number there, never one an order paid there already has', async () => {
  const failing = await createGroupBuy(cloud, { title: '跟团号 保留', priceFen: 1000, minParticipants: 3, limitPerUser: 5 })
  const res = await cloud.call<{ orderId: string }>('groupBuy', DEMO.residents[0], { action: 'join', groupBuyId: failing, quantity: 1, requestId: newRequestId(), onFail: 'ROLL_OVER' })
  expect((await cloud.pay.pay(res.data.orderId)).ok).toBe(true)
  const kept = res.data.orderId
  const next = await createGroupBuy(cloud, { title: '跟团号 保留', priceFen: 1000, minParticipants: 3, limitPerUser: 5, stock: 20 })
  const early = await join(cloud, DEMO.residents[1], next, 1)
  expect((await cloud.pay.pay(early.data.orderId)).ok).toBe(true)
  await database().collection('groupBuys').doc(failing).update({ data: { endAt: Date.now() - 1 } })
  for (let i = 0; i < 4; i++) await cloud.fireTimer('settle')
  expect((await readDoc('orders', kept))?.groupBuyId).toBe(next)

  // The order paid into the next group first is #1 there; the one moved in after it is #2 — on both orders' pages and
  // in the leader's list (before: both pages said #1, and the list said #1 for the moved order and #2 for the other).
  expect(await seqOnOrder(DEMO.residents[1], early.data.orderId)).toBe(1)
  expect(await seqOnOrder(DEMO.residents[0], kept)).toBe(2)
  const list = await cloud.call<Participants>('groupBuy', DEMO.leader, { action: 'participants', groupBuyId: next })
  expect(list.data.items.map((p) => p.seq).sort()).toEqual([1, 2])
})
