/**
 * #23, what an order costs: the pickup code is drawn with the payment (inside its transaction), the sign-off readies
 * a whole group in one write and adds it to the 待提货 count once, and each order carries where and when it is
 * collected, so the pickup-code page reads the order alone. The attacks: a code used before the goods are in, a
 * sign-off repeated or racing payments, and a point's details changed after the orders were readied.
 */
import { moveOrder } from '@server/orders/moves'
import { finishPayment } from '@server/payments/payment-flow'
import { queueShipping } from '@server/payments/shipping'
import { readyCountOf } from '@server/pickup/ready-count'
import { DEMO, createGroupBuy, database, join, readAll, readDoc, testCloudForThisFile, type Doc } from './support/cloud'
import { paidOrder } from './support/ledger'

jest.setTimeout(120_000)
const cloud = testCloudForThisFile()

async function paidOrders(groupBuyId: string, n: number, tag: string): Promise<Array<{ orderId: string; openid: string }>> {
  const out: Array<{ orderId: string; openid: string }> = []
  for (let i = 0; i < n; i++) {
    const openid = `cost-${tag}-${i}`
    out.push({ orderId: await paidOrder(cloud, openid, groupBuyId, 1), openid })
  }
  return out
}

const orderView = async (openid: string, orderId: string) => (await cloud.call<{ order: Doc }>('order', openid, { action: 'get', orderId })).data.order

async function expectCountWhole(): Promise<void> {
  const waiting = (await readAll('orders', { pickupPointId: cloud.pickupPointId, status: 'READY_FOR_PICKUP' })).length
  expect(await readyCountOf(database(), cloud.pickupPointId)).toBe(waiting)
}

it('the code drawn with the payment is not shown, and not accepted at the counter, before the goods arrive', async () => {
  const groupBuyId = await createGroupBuy(cloud, { minParticipants: 1 })
  const [o] = await paidOrders(groupBuyId, 1, 'early')
  const stored = (await readDoc('orders', o.orderId))!
  expect(stored.status).toBe('PAID')
  expect(stored.pickupCode).toMatch(/^\d{8}$/)
  expect((await readDoc('pickupCodes', stored.pickupCode))!.orderId).toBe(o.orderId)
  // The resident does not see it yet …
  expect((await orderView(o.openid, o.orderId)).pickupCode).toBeNull()
  // … and someone who learnt it anyway gets nothing for it at the counter.
  const early = await cloud.call('pickup', DEMO.clerk, { action: 'verify', code: stored.pickupCode })
  expect(early.error?.code).toBe('PICKUP.NOT_READY')
  expect((await readDoc('orders', o.orderId))!.status).toBe('PAID')
  // Once the goods are in, the same code is the order's and works once.
  expect((await cloud.call('groupBuy', DEMO.leader, { action: 'markArrived', groupBuyId })).ok).toBe(true)
  expect((await orderView(o.openid, o.orderId)).pickupCode).toBe(stored.pickupCode)
  expect((await cloud.call('pickup', DEMO.clerk, { action: 'verify', code: stored.pickupCode })).ok).toBe(true)
  expect((await cloud.call('pickup', DEMO.clerk, { action: 'verify', code: stored.pickupCode })).error?.code).toBe('PICKUP.ALREADY_USED')
  await expectCountWhole()
})

it('a sign-off readies the group in one write, counts it once and tells each once, however often it is repeated', async () => {
  const groupBuyId = await createGroupBuy(cloud, { minParticipants: 1, stock: 50 })
  const orders = await paidOrders(groupBuyId, 12, 'bulk')
  const before = await readyCountOf(database(), cloud.pickupPointId)
  const writes = cloud.db.stats.byAction['database.modifyDocument'] ?? 0
  expect((await cloud.call('groupBuy', DEMO.leader, { action: 'markArrived', groupBuyId })).ok).toBe(true)
  // One write for the twelve orders, then the arrival record (group buy, count and record writes are a handful).
  expect((cloud.db.stats.byAction['database.modifyDocument'] ?? 0) - writes).toBeLessThan(8)
  for (const rep of [1, 2]) {
    if (rep === 2) expect((await cloud.call('groupBuy', DEMO.leader, { action: 'markArrived', groupBuyId })).ok).toBe(true)
    for (const o of orders) {
      const doc = (await readDoc('orders', o.orderId))!
      expect({ status: doc.status, batch: doc.readyBatch }).toEqual({ status: 'READY_FOR_PICKUP', batch: groupBuyId })
      expect((await readAll('outbox', { _id: `arrived_${o.orderId}` })).map((m) => m.toOpenid)).toEqual([o.openid])
    }
    expect(await readyCountOf(database(), cloud.pickupPointId)).toBe(before + 12)
    await cloud.fireTimer('settle')
    await expectCountWhole()
  }
})

it('payments racing the sign-off: every paid order readied once, the count whole', async () => {
  const groupBuyId = await createGroupBuy(cloud, { minParticipants: 1, stock: 50 })
  await paidOrders(groupBuyId, 5, 'race-early')
  const late: string[] = []
  for (let i = 0; i < 15; i++) {
    const joined = await join(cloud, `cost-race-late-${i}`, groupBuyId, 1)
    expect((await cloud.pay.pay(joined.data.orderId, { deliver: false })).ok).toBe(true)
    late.push(joined.data.orderId)
  }
  await Promise.all([
    cloud.call('groupBuy', DEMO.leader, { action: 'markArrived', groupBuyId }),
    ...late.map((id) => cloud.pay.notify(id, 1)),
  ])
  await cloud.fireTimer('settle')
  const all = await readAll('orders', { groupBuyId })
  expect(all.map((o) => o.status)).toEqual(Array(20).fill('READY_FOR_PICKUP'))
  // Each its own code, bound to it.
  expect(new Set(all.map((o) => o.pickupCode)).size).toBe(20)
  for (const o of all) expect((await readDoc('pickupCodes', o.pickupCode))!.orderId).toBe(o._id)
  await expectCountWhole()
})

it('the pickup-code page reads the order alone, and shows a point’s new address once it changes', async () => {
  const groupBuyId = await createGroupBuy(cloud, { minParticipants: 1 })
  const [o] = await paidOrders(groupBuyId, 1, 'place')
  expect((await cloud.call('groupBuy', DEMO.leader, { action: 'markArrived', groupBuyId })).ok).toBe(true)
  const point = (await readDoc('pickupPoints', cloud.pickupPointId))!
  const reads = cloud.db.stats.operations
  const shown = await orderView(o.openid, o.orderId)
  expect(cloud.db.stats.operations - reads).toBe(1)
  expect(shown.pickup.place).toMatchObject({ pickupPointId: cloud.pickupPointId, name: point.name, address: point.address })
  const gb = (await readDoc('groupBuys', groupBuyId))!
  expect({ start: shown.pickup.pickupStartAt, end: shown.pickup.pickupEndAt }).toEqual({ start: gb.pickupStartAt ?? null, end: gb.pickupEndAt ?? null })
  // The leader moves the point next door: the waiting order shows the new address.
  const moved = await cloud.call('admin', DEMO.leader, { action: 'updatePickupPoint', pickupPointId: cloud.pickupPointId, address: '幸福路 3 号（原址隔壁）' })
  expect(moved.ok).toBe(true)
  expect((await orderView(o.openid, o.orderId)).pickup.place.address).toBe('幸福路 3 号（原址隔壁）')
})

it('a handling fee changed mid-sale moves no sale’s shares: the fee the group buy opened with is the one it is split with', async () => {
  const setFee = async (fen: number) => expect((await cloud.call('admin', DEMO.admin, { action: 'setHandlingFee', pickupPointId: cloud.pickupPointId, handlingFeeFen: fen })).ok).toBe(true)
  await setFee(50)
  try {
    const groupBuyId = await createGroupBuy(cloud, { minParticipants: 1, priceFen: 1000 })
    expect((await readDoc('groupBuys', groupBuyId))!.handlingFeeFen).toBe(50)
    // The store's fee is raised after the group buy opened: its payments are split as agreed, without reading the point.
    await setFee(400)
    const [o] = await paidOrders(groupBuyId, 1, 'fee')
    const store = (await readAll('ledgerEntries', { orderId: o.orderId, kind: 'SALE', party: 'store' })).reduce((s, e) => s + e.amountFen, 0)
    expect(store).toBe(50)
    expect((await readDoc('ledgerOrders', o.orderId))!.terms.handlingFeeFen).toBe(50)
    // A group buy opened after the change takes the new fee.
    const later = await createGroupBuy(cloud, { minParticipants: 1, priceFen: 1000 })
    const [p] = await paidOrders(later, 1, 'fee-later')
    expect((await readDoc('ledgerOrders', p.orderId))!.terms.handlingFeeFen).toBe(400)
  } finally {
    await setFee(0)
  }
})

it('one payment notified ten times at once, racing the resident’s cancel: paid and counted once, or cancelled and refunded — never both', async () => {
  for (let round = 0; round < 4; round++) {
    const groupBuyId = await createGroupBuy(cloud, { minParticipants: 5 })
    const openid = `cost-race-cancel-${round}`
    const joined = await join(cloud, openid, groupBuyId, 1)
    const orderId = joined.data.orderId
    expect((await cloud.pay.pay(orderId, { deliver: false })).ok).toBe(true)
    await Promise.all([
      ...Array.from({ length: 10 }, () => cloud.pay.notify(orderId, 1)),
      cloud.call('order', openid, { action: 'cancel', orderId }),
    ])
    await cloud.fireTimer('settle')
    const order = (await readDoc('orders', orderId))!
    const gb = (await readDoc('groupBuys', groupBuyId))!
    const refunds = await readAll('refunds', { orderId })
    if (order.status === 'PAID') {
      expect({ paid: gb.paidParticipants, sold: gb.soldQuantity, refunds: refunds.length, sales: !!(await readDoc('ledgerOrders', orderId)) }).toEqual({ paid: 1, sold: 1, refunds: 0, sales: true })
    } else {
      // Cancelled first: the money that still arrived goes back, once, and the payer is never counted.
      expect(['CANCELLED', 'REFUNDED']).toContain(order.status)
      expect({ paid: gb.paidParticipants, sold: gb.soldQuantity, refunds: refunds.map((r) => r.amountFen) }).toEqual({ paid: 0, sold: 0, refunds: [order.amountFen] })
    }
  }
})

it('the shipping record rides on the hand-over’s write of the order; settle queues it once, also after a run cut off between the insert and the unmarking', async () => {
  const groupBuyId = await createGroupBuy(cloud, { minParticipants: 1 })
  const orders = await paidOrders(groupBuyId, 3, 'ship')
  expect((await cloud.call('groupBuy', DEMO.leader, { action: 'markArrived', groupBuyId })).ok).toBe(true)
  for (const o of orders) {
    const code = (await orderView(o.openid, o.orderId)).pickupCode
    expect((await cloud.call('pickup', DEMO.clerk, { action: 'verify', code })).ok).toBe(true)
  }
  // A settle run that queued one record and died before it unmarked the order: the mark is still there.
  const cut = (await readDoc('orders', orders[0].orderId))!
  expect(await queueShipping(database(), cut as never, cut.shippingDueAt)).toBe(true)
  await cloud.fireTimer('settle')
  for (const o of orders) {
    expect(await readAll('shippingUploads', { orderId: o.orderId })).toHaveLength(1)
    expect((await readDoc('orders', o.orderId))!.shippingDueAt).toBe(0)
    expect(cloud.shipping.uploadsFor(o.orderId)).toBe(1)
  }
  await cloud.fireTimer('settle')
  for (const o of orders) expect(cloud.shipping.uploadsFor(o.orderId)).toBe(1)
})

it('each queued message becomes one in-app notice at settle, in batches — also after a run cut off between the insert and the marking', async () => {
  const groupBuyId = await createGroupBuy(cloud, { minParticipants: 3 })
  const orders = await paidOrders(groupBuyId, 3, 'notice')
  // 成团 queued a message per payer; their notices come with settle's next run.
  for (const o of orders) expect(await readDoc('outbox', `succeeded_${o.orderId}`)).toMatchObject({ noticedAt: 0 })
  expect(await readAll('notices', { openid: orders[0].openid })).toEqual([])
  // A run that wrote one notice and died before it marked the messages.
  await database().collection('notices').add({ data: { _id: `succeeded_${orders[0].orderId}`, openid: orders[0].openid, kind: 'GROUP_SUCCEEDED', title: '拼团成功', body: '…', page: '', createdAt: Date.now() } })
  await cloud.fireTimer('settle')
  await cloud.fireTimer('settle')
  for (const o of orders) {
    expect((await readAll('notices', { openid: o.openid })).map((n) => n.kind)).toEqual(['GROUP_SUCCEEDED'])
    expect((await readDoc('outbox', `succeeded_${o.orderId}`))!.noticedAt).toBeGreaterThan(0)
    // New to the resident: the 我的 badge counts it.
    expect((await cloud.call<{ unread: number }>('user', o.openid, { action: 'notices' })).data.unread).toBe(1)
  }
})

it('a sign-off over orders paid both ways: those with a code readied in bulk, one paid the ordinary way gets its code then — each once, the count whole', async () => {
  const groupBuyId = await createGroupBuy(cloud, { minParticipants: 1 })
  const usual = await paidOrders(groupBuyId, 2, 'mixed')
  // A payment that took the ordinary steps (its transaction found a keyed write taken): PAID and counted, no code.
  const joined = await join(cloud, 'cost-mixed-slow', groupBuyId, 1)
  const slowId = joined.data.orderId
  expect((await cloud.pay.pay(slowId, { deliver: false })).ok).toBe(true)
  expect(await moveOrder(database(), slowId, 'PENDING_PAYMENT', 'PAID', { paidAt: Date.now(), transactionId: `by-hand-${slowId}`, paymentFinishedAt: 0, paidIn: groupBuyId })).toBe(true)
  expect(await finishPayment(database(), (await readDoc('orders', slowId)) as never, Date.now())).toBe('PAID')
  expect((await readDoc('orders', slowId))!.pickupCode).toBeNull()
  const before = await readyCountOf(database(), cloud.pickupPointId)
  expect((await cloud.call<{ readyOrders: number }>('groupBuy', DEMO.leader, { action: 'markArrived', groupBuyId })).data.readyOrders).toBe(3)
  const all = await readAll('orders', { groupBuyId })
  expect(all.map((o) => ({ status: o.status, bulk: o.readyBatch === groupBuyId })).sort((a, b) => Number(a.bulk) - Number(b.bulk)))
    .toEqual([{ status: 'READY_FOR_PICKUP', bulk: false }, { status: 'READY_FOR_PICKUP', bulk: true }, { status: 'READY_FOR_PICKUP', bulk: true }])
  for (const o of all) expect((await readDoc('pickupCodes', o.pickupCode))!.orderId).toBe(o._id)
  expect(await readyCountOf(database(), cloud.pickupPointId)).toBe(before + 3)
  for (const o of [...usual.map((u) => u.orderId), slowId]) expect(await readAll('outbox', { _id: `arrived_${o}` })).toHaveLength(1)
})
