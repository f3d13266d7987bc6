/**
 * #24 ROLL_OVER: a resident who chose it at join keeps their paid order when the group fails; it moves once to
 * the leader's next group of the same product at the same point (the cheaper price's difference refunded once),
 * or is refunded once when no group opens in 7 days; a rolled-over order cancelled before 成团 is refunded once.
 */
import { createGroupBuy, database, DEMO, newRequestId, readAll, readDoc, sleep, testCloudForThisFile } from './support/cloud'

jest.setTimeout(120_000)

const cloud = testCloudForThisFile()

async function paid(openid: string, groupBuyId: string, quantity: number, onFail?: 'ROLL_OVER' | 'REFUND'): Promise<string> {
  const res = await cloud.call<{ orderId: string }>('groupBuy', openid, { action: 'join', groupBuyId, quantity, requestId: newRequestId(), ...(onFail ? { onFail } : {}) })
  if (!res.ok) throw new Error(`join: ${res.error?.code} ${res.error?.message}`)
  if (!(await cloud.pay.pay(res.data.orderId)).ok) throw new Error('pay failed')
  return res.data.orderId
}

async function endAndSettle(groupBuyId: string, runs: number) {
  await database().collection('groupBuys').doc(groupBuyId).update({ data: { endAt: Date.now() - 1 } })
  const out = (await Promise.all(Array.from({ length: runs }, () => cloud.fireTimer('settle')))) as Array<{ ok: boolean }>
  for (const r of out) expect(r.ok).toBe(true)
  await cloud.fireTimer('settle')
}

const refundsOf = (orderId: string) => readAll('refunds', { orderId })
const simRefundsOf = (orderId: string) => cloud.pay.listRefunds().filter((r) => r.outTradeNo === orderId)

it('moves a ROLL_OVER order once to the next group (difference refunded once); a REFUND order is refunded; cancelling the moved order refunds the rest once', async () => {
  const failing = await createGroupBuy(cloud, { title: '保留测试 脐橙', priceFen: 1000, minParticipants: 3, limitPerUser: 5 })
  const next = await createGroupBuy(cloud, { title: '保留测试 脐橙', priceFen: 900, minParticipants: 3, limitPerUser: 5, stock: 20 })
  const kept = await paid(DEMO.residents[0], failing, 2, 'ROLL_OVER')
  const plain = await paid(DEMO.residents[1], failing, 1)

  await endAndSettle(failing, 8)
  expect((await readDoc('groupBuys', failing))?.status).toBe('FAILED')

  const moved = await readDoc('orders', kept)
  expect(moved).toMatchObject({ status: 'PAID', groupBuyId: next, priceFen: 900, rolledFromGroupBuyId: failing, rollOverRefundFen: 200, rollOverUntil: 0 })
  const diff = await refundsOf(kept)
  expect(diff).toEqual([expect.objectContaining({ _id: expect.stringMatching(/^rr/), amountFen: 200, partial: true, status: 'DONE' })])
  expect(simRefundsOf(kept)).toHaveLength(1)
  expect((await readDoc('orders', plain))?.status).toBe('REFUNDED')
  const nextGb = await readDoc('groupBuys', next)
  expect(nextGb).toMatchObject({ stockLeft: 18, soldQuantity: 2, paidParticipants: 1 })

  const view = await cloud.call<{ order: { rollOver: { state: string; groupBuyEndAt: number; cancellable: boolean; refundFen: number } } }>('order', DEMO.residents[0], { action: 'get', orderId: kept })
  expect(view.data.order.rollOver).toMatchObject({ state: 'MOVED', groupBuyEndAt: nextGb!.endAt, cancellable: true, refundFen: 200 })

  // Cancelled twice at once before 成团: one full refund of what is left (¥20 paid − ¥2 already back), stock back once.
  const [c1, c2] = await Promise.all([
    cloud.call('order', DEMO.residents[0], { action: 'cancel', orderId: kept }),
    cloud.call('order', DEMO.residents[0], { action: 'cancel', orderId: kept }),
  ])
  expect([c1.ok, c2.ok]).toContain(true)
  await cloud.fireTimer('settle')
  const all = await refundsOf(kept)
  expect(all.map((r) => r.amountFen).sort((a, b) => a - b)).toEqual([200, 1800])
  expect(all.reduce((s, r) => s + r.amountFen, 0)).toBe(2000)
  expect(simRefundsOf(kept)).toHaveLength(2)
  expect(await readDoc('orders', kept)).toMatchObject({ status: 'REFUNDED', refundedFen: 2000 })
  expect(await readDoc('groupBuys', next)).toMatchObject({ stockLeft: 20, soldQuantity: 0 })
})

it('refunds a held order once when no next group opens in 7 days, and a moved order cannot be cancelled after 成团', async () => {
  const failing = await createGroupBuy(cloud, { title: '保留测试 无新团', priceFen: 1000, minParticipants: 3 })
  const held = await paid(DEMO.residents[0], failing, 1, 'ROLL_OVER')
  await endAndSettle(failing, 3)
  const waiting = await readDoc('orders', held)
  expect(waiting?.status).toBe('PAID')
  expect(waiting?.rollOverUntil).toBeGreaterThan(Date.now() + 6 * 86_400_000)
  expect(await refundsOf(held)).toEqual([])
  const view = await cloud.call<{ order: { rollOver: { state: string } } }>('order', DEMO.residents[0], { action: 'get', orderId: held })
  expect(view.data.order.rollOver.state).toBe('HELD')

  // Seven days pass (the hold's deadline is now), with settle runs racing.
  await database().collection('orders').doc(held).update({ data: { rollOverUntil: Date.now() - 1 } })
  await Promise.all(Array.from({ length: 5 }, () => cloud.fireTimer('settle')))
  await cloud.fireTimer('settle')
  expect(await refundsOf(held)).toEqual([expect.objectContaining({ amountFen: 1000, status: 'DONE' })])
  expect(simRefundsOf(held)).toHaveLength(1)
  expect((await readDoc('orders', held))?.status).toBe('REFUNDED')

  // A moved order whose new group has reached 成团 stays.
  const failing2 = await createGroupBuy(cloud, { title: '保留测试 已成团', priceFen: 1000, minParticipants: 3 })
  const next2 = await createGroupBuy(cloud, { title: '保留测试 已成团', priceFen: 1000, minParticipants: 1 })
  const kept2 = await paid(DEMO.residents[2], failing2, 1, 'ROLL_OVER')
  await endAndSettle(failing2, 1)
  expect((await readDoc('orders', kept2))?.groupBuyId).toBe(next2)
  await paid(DEMO.residents[1], next2, 1) // 成团
  await sleep(10)
  expect((await readDoc('groupBuys', next2))?.status).toBe('SUCCEEDED')
  expect(await cloud.call('order', DEMO.residents[2], { action: 'cancel', orderId: kept2 })).toMatchObject({ ok: false, error: { code: 'ORDER.NOT_CANCELLABLE' } })
})
