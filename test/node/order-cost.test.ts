/**
 * #23, what an order costs: the pickup code is drawn with the payment (on the order's write inside its transaction,
 * reserved with its group's at the sign-off), the sign-off readies
 * a whole group in one write and adds it to the 待提货 count once, and each order carries where and when it is
 * collected, so the pickup-code page reads the order alone. The attacks: a code used before the goods are in, a
 * sign-off repeated or racing payments, and a point's details changed after the orders were readied.
 */
import { armCrash, disarmCrash } from '@server/crash-points'
import { moveOrder } from '@server/orders/moves'
import { dueSucceededMessages, finishPayment } from '@server/payments/payment-flow'
import { enqueueMany } from '@server/messages/outbox'
import { queueShipping } from '@server/payments/shipping'
import { requestRefund } from '@server/payments/refunds'
import { readyCountOf } from '@server/pickup/ready-count'
import { copyRidingSales, DEMO, atTheSeam, createGroupBuy, database, join, readAll, readDoc, readLedger, sleep, testCloudForThisFile, type Doc } from './support/cloud'
import { paidOrder } from './support/ledger'
import { pickedUpGroupBuy, pickedUpSupplyRound } from './support/after-pickup'
import { bookRelease } from '@server/ledger/ledger-flow'

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
  // Drawn, not reserved yet: the payment wrote no document for it.
  expect(stored.codeDueAt).toBeGreaterThan(0)
  expect(await readDoc('pickupCodes', stored.pickupCode)).toBeNull()
  // The resident does not see it yet …
  expect((await orderView(o.openid, o.orderId)).pickupCode).toBeNull()
  // … and someone who learnt it anyway gets nothing for it at the counter (the attempt is audited).
  const early = await cloud.call('pickup', DEMO.clerk, { action: 'verify', code: stored.pickupCode })
  expect(early.error?.code).toBe('PICKUP.CODE_NOT_FOUND')
  expect(await readAll('verifications', { code: stored.pickupCode, outcome: 'PICKUP.CODE_NOT_FOUND' })).toHaveLength(1)
  expect((await readDoc('orders', o.orderId))!.status).toBe('PAID')
  // Once the goods are in, the same code is reserved for the order and works once.
  expect((await cloud.call('groupBuy', DEMO.leader, { action: 'markArrived', groupBuyId })).ok).toBe(true)
  expect((await readDoc('pickupCodes', stored.pickupCode))).toMatchObject({ orderId: o.orderId, openid: o.openid, pickupPointId: cloud.pickupPointId })
  expect((await readDoc('orders', o.orderId))!.codeDueAt).toBeUndefined()
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

it('the payment writes no code document: the sign-off reserves the group’s codes in one insert', async () => {
  const groupBuyId = await createGroupBuy(cloud, { minParticipants: 1, stock: 50 })
  const orders = await paidOrders(groupBuyId, 12, 'reserve')
  const paid = await readAll('orders', { groupBuyId })
  expect(paid.every((o) => o.codeDueAt > 0)).toBe(true)
  expect(await readAll('pickupCodes', { orderId: database().command.in(orders.map((o) => o.orderId)) })).toEqual([])
  const seen = await atTheSeam(cloud, () => cloud.call('groupBuy', DEMO.leader, { action: 'markArrived', groupBuyId }))
  expect(seen.calls.filter((c) => c.action === 'database.insertDocument' && c.collection === 'pickupCodes')).toHaveLength(1)
  for (const o of await readAll('orders', { groupBuyId })) {
    expect({ status: o.status, due: o.codeDueAt }).toEqual({ status: 'READY_FOR_PICKUP', due: undefined })
    expect(await readDoc('pickupCodes', o.pickupCode)).toMatchObject({ orderId: o._id, openid: o.openid })
  }
})

it('a drawn code another order already holds is drawn again at the sign-off; the holder keeps its own', async () => {
  const groupBuyId = await createGroupBuy(cloud, { minParticipants: 1, stock: 50 })
  const orders = await paidOrders(groupBuyId, 3, 'collide')
  const victim = (await readDoc('orders', orders[1].orderId))!
  // Someone else's live code equal to the one drawn for this order (random draws collide now and then).
  const holder = { _id: victim.pickupCode, orderId: 'another-order', openid: 'another-resident', pickupPointId: cloud.pickupPointId, createdAt: 1 }
  await database().collection('pickupCodes').add({ data: holder })
  // And a code a cut-off run already reserved for its own order: kept as it is.
  const own = (await readDoc('orders', orders[2].orderId))!
  await database().collection('pickupCodes').add({ data: { _id: own.pickupCode, orderId: own._id, openid: own.openid, pickupPointId: cloud.pickupPointId, createdAt: 2 } })
  expect((await cloud.call('groupBuy', DEMO.leader, { action: 'markArrived', groupBuyId })).ok).toBe(true)
  const after = (await readDoc('orders', victim._id))!
  expect(after.status).toBe('READY_FOR_PICKUP')
  expect(after.pickupCode).toMatch(/^\d{8}$/)
  expect(after.pickupCode).not.toBe(victim.pickupCode)
  expect(await readDoc('pickupCodes', after.pickupCode)).toMatchObject({ orderId: victim._id })
  expect(await readDoc('pickupCodes', victim.pickupCode)).toMatchObject({ orderId: 'another-order', openid: 'another-resident' })
  expect((await readDoc('orders', own._id))!.pickupCode).toBe(own.pickupCode)
  // The resident is shown the new code, which works; the colliding one hands nothing of theirs over.
  expect((await orderView(orders[1].openid, victim._id)).pickupCode).toBe(after.pickupCode)
  expect((await cloud.call('pickup', DEMO.clerk, { action: 'verify', code: victim.pickupCode })).ok).toBe(false)
  expect((await readDoc('orders', victim._id))!.status).toBe('READY_FOR_PICKUP')
  expect((await cloud.call('pickup', DEMO.clerk, { action: 'verify', code: after.pickupCode })).ok).toBe(true)
  expect((await cloud.call('pickup', DEMO.clerk, { action: 'verify', code: own.pickupCode })).ok).toBe(true)
  await expectCountWhole()
})

it('a sign-off cut off after reserving the codes, and a payment after the goods arrived: each readied with a reserved code', async () => {
  const groupBuyId = await createGroupBuy(cloud, { minParticipants: 1, stock: 50 })
  await paidOrders(groupBuyId, 4, 'cut')
  armCrash('arrival:after-codes')
  await cloud.call('groupBuy', DEMO.leader, { action: 'markArrived', groupBuyId }).catch(() => undefined)
  expect(disarmCrash()).toBe(true)
  // Reserved, not readied yet.
  for (const o of await readAll('orders', { groupBuyId })) {
    expect({ status: o.status, due: o.codeDueAt }).toEqual({ status: 'PAID', due: undefined })
    expect((await readDoc('pickupCodes', o.pickupCode))!.orderId).toBe(o._id)
  }
  // settle finishes the sign-off; a payment after arrival is readied at once, its code reserved first.
  await cloud.fireTimer('settle')
  const [late] = await paidOrders(groupBuyId, 1, 'cut-late')
  const all = await readAll('orders', { groupBuyId })
  expect(all.map((o) => o.status)).toEqual(Array(5).fill('READY_FOR_PICKUP'))
  for (const o of all) {
    expect(o.codeDueAt).toBeUndefined()
    expect((await readDoc('pickupCodes', o.pickupCode))!.orderId).toBe(o._id)
  }
  expect((await cloud.call('pickup', DEMO.clerk, { action: 'verify', code: (await readDoc('orders', late.orderId))!.pickupCode })).ok).toBe(true)
  await expectCountWhole()
})

it('a payment landing between the sign-off’s reservation and its bulk write is not readied with its code unreserved', async () => {
  const groupBuyId = await createGroupBuy(cloud, { minParticipants: 1, stock: 50 })
  const [a, b] = await paidOrders(groupBuyId, 2, 'unreserved')
  const bCode = (await readDoc('orders', b.orderId))!.pickupCode
  // b stands for a payment whose transaction commits right after the reservation: at the moment the bulk write
  // reaches the database, b carries a freshly drawn code no one has reserved.
  const db = cloud.db as unknown as { handle(action: string, params?: Record<string, unknown>): unknown }
  const original = db.handle.bind(db)
  const spy = jest.spyOn(db, 'handle').mockImplementation((action, params = {}) => {
    if (action === 'database.modifyDocument' && params.collectionName === 'orders' && JSON.stringify(params).includes('readyBatch')) {
      spy.mockRestore()
      original('database.removeDocument', { collectionName: 'pickupCodes', query: JSON.stringify({ _id: bCode }), multi: false })
      original('database.modifyDocument', { collectionName: 'orders', query: JSON.stringify({ _id: b.orderId }), data: JSON.stringify({ $set: { codeDueAt: Date.now() } }), multi: false, merge: true })
    }
    return original(action, params)
  })
  try {
    expect((await cloud.call('groupBuy', DEMO.leader, { action: 'markArrived', groupBuyId })).ok).toBe(true)
  } finally {
    spy.mockRestore()
  }
  // The bulk write took only a; b was readied one by one after its code was reserved.
  expect((await readDoc('orders', a.orderId))!.readyBatch).toBe(groupBuyId)
  expect((await readDoc('orders', b.orderId))!.readyBatch).toBeUndefined()
  for (const o of [a, b]) {
    const doc = (await readDoc('orders', o.orderId))!
    expect({ status: doc.status, due: doc.codeDueAt }).toEqual({ status: 'READY_FOR_PICKUP', due: undefined })
    expect((await readDoc('pickupCodes', doc.pickupCode))!.orderId).toBe(o.orderId)
  }
  await expectCountWhole()
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
    // The sale's entries ride on the order until settle copies them (#23).
    await copyRidingSales()
    const store = (await readAll('ledgerEntries', { orderId: o.orderId, kind: 'SALE', party: 'store' })).reduce((s, e) => s + e.amountFen, 0)
    expect(store).toBe(50)
    expect((await readLedger(o.orderId))!.terms.handlingFeeFen).toBe(50)
    // A group buy opened after the change takes the new fee.
    const later = await createGroupBuy(cloud, { minParticipants: 1, priceFen: 1000 })
    const [p] = await paidOrders(later, 1, 'fee-later')
    expect((await readLedger(p.orderId))!.terms.handlingFeeFen).toBe(400)
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
      expect({ paid: gb.paidParticipants, sold: gb.soldQuantity, refunds: refunds.length, sales: !!(await readLedger(orderId)) }).toEqual({ paid: 1, sold: 1, refunds: 0, sales: true })
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

it('a notice written by a later settle tick keeps its event’s time: listed in the order things happened, before a notice written at once after them', async () => {
  const groupBuyId = await createGroupBuy(cloud, { minParticipants: 1 })
  const [o] = await paidOrders(groupBuyId, 1, 'dated')
  const succeededAt = (await readDoc('outbox', `succeeded_${o.orderId}`))!.createdAt as number
  expect((await cloud.call('groupBuy', DEMO.leader, { action: 'markArrived', groupBuyId })).ok).toBe(true)
  const arrivedAt = (await readAll('outbox', { toOpenid: o.openid, template: 'GOODS_ARRIVED' }))[0]?.createdAt as number
  expect(arrivedAt).toBeGreaterThanOrEqual(succeededAt)
  // The hand-over, then a notice written at once (as 已送达 is), and only then the tick that writes the queued ones.
  expect((await cloud.call('pickup', DEMO.clerk, { action: 'verify', code: (await orderView(o.openid, o.orderId)).pickupCode })).ok).toBe(true)
  await sleep(5)
  const at = Date.now()
  await database().collection('notices').add({ data: { _id: `now_${o.orderId}`, openid: o.openid, kind: 'DELIVERED', title: '已送达', body: '…', page: '', createdAt: at } })
  await sleep(5)
  await cloud.fireTimer('settle')
  const notices = await readAll('notices', { openid: o.openid })
  expect(notices.find((n) => n._id === `succeeded_${o.orderId}`)!.createdAt).toBe(succeededAt)
  expect(notices.filter((n) => n.kind === 'GOODS_ARRIVED').map((n) => n.createdAt)).toEqual([arrivedAt])
  // 通知 lists newest first: the notice written at once on top, then 到货, then 成团 — not the tick's order.
  const listed = (await cloud.call<{ items: Array<{ title: string }> }>('user', o.openid, { action: 'notices' })).data.items.map((n) => n.title)
  expect(listed[0]).toBe('已送达')
  expect(listed.indexOf('拼团成功')).toBeGreaterThan(listed.indexOf('商品已到货'))
})

it('a resident who read 通知 between 成团 and the tick still finds its notice new: dated at 成团, counted as written after the reading', async () => {
  const groupBuyId = await createGroupBuy(cloud, { minParticipants: 1 })
  const [o] = await paidOrders(groupBuyId, 1, 'unread')
  await sleep(5)
  expect((await cloud.call('user', o.openid, { action: 'markNoticesRead' })).ok).toBe(true)
  await sleep(5)
  await cloud.fireTimer('settle')
  const seen = (await cloud.call<{ unread: number; items: Array<{ title: string; read: boolean; createdAt: number }> }>('user', o.openid, { action: 'notices' })).data
  expect(seen.unread).toBe(1)
  expect(seen.items).toEqual([expect.objectContaining({ title: '拼团成功', read: false })])
  expect(seen.items[0].createdAt).toBeLessThan((await readDoc('users', o.openid))!.noticesReadAt)
  // Read once more: nothing new.
  expect((await cloud.call('user', o.openid, { action: 'markNoticesRead' })).ok).toBe(true)
  expect((await cloud.call<{ unread: number }>('user', o.openid, { action: 'notices' })).data.unread).toBe(0)
})

it('a late payer’s 成团 message, queued by settle, is dated at its payment', async () => {
  const groupBuyId = await createGroupBuy(cloud, { minParticipants: 1 })
  await paidOrders(groupBuyId, 1, 'late-first')
  const [late] = await paidOrders(groupBuyId, 1, 'late-second')
  const paidAt = (await readDoc('orders', late.orderId))!.succeededDueAt as number
  expect(paidAt).toBeGreaterThan(0)
  await sleep(5)
  await cloud.fireTimer('settle')
  expect((await readDoc('outbox', `succeeded_${late.orderId}`))!.createdAt).toBe(paidAt)
  expect((await readDoc('notices', `succeeded_${late.orderId}`))!.createdAt).toBe(paidAt)
})

describe('a payment into a group that has succeeded: its 成团 message rides on the order’s write, settle queues it (#23)', () => {
  /** The collections a call inserts into, seen at the database seam, and its operations. */
  async function insertsOf<T>(fn: () => Promise<T>): Promise<{ result: T; inserts: string[]; ops: number }> {
    const { result, ops, calls } = await atTheSeam(cloud, fn)
    return { result, ops, inserts: calls.filter((c) => c.action === 'database.insertDocument').map((c) => c.collection) }
  }

  /** A group buy 成团 by its first payer (minParticipants 1). */
  async function succeededGroup(tag: string): Promise<string> {
    const groupBuyId = await createGroupBuy(cloud, { minParticipants: 1, stock: 20 })
    await paidOrders(groupBuyId, 1, `${tag}-first`)
    expect((await readDoc('groupBuys', groupBuyId))!.status).toBe('SUCCEEDED')
    return groupBuyId
  }

  /** What one resident was told of 成团: queued messages, in-app notices, pushes. */
  async function toldOf(openid: string) {
    return {
      messages: (await readAll('outbox', { toOpenid: openid, template: 'GROUP_SUCCEEDED' })).length,
      notices: (await readAll('notices', { openid, kind: 'GROUP_SUCCEEDED' })).length,
      pushes: cloud.sent.filter((m) => m.touser === openid && m.templateId === 'GROUP_SUCCEEDED').length,
    }
  }

  it('the payment inserts nothing into outbox and costs what a payment below the threshold does; one settle run queues, notices and sends the message', async () => {
    const groupBuyId = await succeededGroup('due-one')
    const below = await createGroupBuy(cloud, { minParticipants: 5, stock: 20 })
    await paidOrders(below, 1, 'due-one-below-warm')
    const payIn = async (gb: string, openid: string) => {
      const joined = await join(cloud, openid, gb, 1)
      await cloud.call('user', openid, { action: 'recordConsent', templates: ['GROUP_SUCCEEDED'] })
      return { orderId: joined.data.orderId as string, ...(await insertsOf(() => cloud.pay.pay(joined.data.orderId))) }
    }
    const open = await payIn(below, 'due-one-below')
    const late = await payIn(groupBuyId, 'due-one-late')
    expect(late.result.ok).toBe(true)
    // Before the mark, the late payer's payment also inserted its 成团 message: one operation more than this.
    expect(late.inserts).not.toContain('outbox')
    expect(late.ops).toBe(open.ops)
    const order = (await readDoc('orders', late.orderId))!
    expect({ status: order.status, markedWithCount: order.succeededDueAt === order.countedAt && order.countedAt > 0, finished: order.paymentFinishedAt > 0 }).toEqual({ status: 'PAID', markedWithCount: true, finished: true })
    expect(await readDoc('outbox', `succeeded_${late.orderId}`)).toBeNull()
    // The payment below the threshold owes nothing.
    expect((await readDoc('orders', open.orderId))!.succeededDueAt).toBeUndefined()
    await cloud.fireTimer('settle')
    expect(await toldOf('due-one-late')).toEqual({ messages: 1, notices: 1, pushes: 1 })
    expect(await readDoc('outbox', `succeeded_${late.orderId}`)).toMatchObject({ toOpenid: 'due-one-late', page: `pages/resident/order/index?orderId=${late.orderId}`, data: { number2: { value: '1' } }, where: { place: expect.any(String) } })
    expect((await readDoc('orders', late.orderId))!.succeededDueAt).toBe(0)
    await cloud.fireTimer('settle')
    expect(await toldOf('due-one-late')).toEqual({ messages: 1, notices: 1, pushes: 1 })
    expect(await toldOf('due-one-below')).toEqual({ messages: 0, notices: 0, pushes: 0 })
  })

  it('settle run twice, and a run cut off between the insert and the unmarking: one message each; an order refunded meanwhile is not told', async () => {
    const groupBuyId = await succeededGroup('due-cut')
    const late = await paidOrders(groupBuyId, 4, 'due-cut')
    for (const o of late) await cloud.call('user', o.openid, { action: 'recordConsent', templates: ['GROUP_SUCCEEDED'] })
    // The goods came short for the last one before the next tick: its money goes back.
    const refunded = late[3]
    await requestRefund(database(), (await readDoc('orders', refunded.orderId)) as never, '到货不足退款', Date.now())
    expect((await readDoc('orders', refunded.orderId))!.status).toBe('REFUNDING')
    // A settle run that inserted the messages and died before it cleared the marks.
    const marked = await readAll('orders', { groupBuyId, succeededDueAt: database().command.gt(0) })
    expect(marked.map((o) => o._id).sort()).toEqual(late.map((o) => o.orderId).sort())
    await enqueueMany(database(), await dueSucceededMessages(database(), marked as never), Date.now())
    expect((await readDoc('orders', late[0].orderId))!.succeededDueAt).toBeGreaterThan(0)
    await cloud.fireTimer('settle')
    await cloud.fireTimer('settle')
    for (const o of late.slice(0, 3)) expect(await toldOf(o.openid)).toEqual({ messages: 1, notices: 1, pushes: 1 })
    expect(await toldOf(refunded.openid)).toEqual({ messages: 0, notices: 0, pushes: 0 })
    for (const o of late) expect((await readDoc('orders', o.orderId))!.succeededDueAt).toBe(0)
  })

  it('paid before 成团, paid after it, and paid before but counted after (told by both paths): each told once', async () => {
    const groupBuyId = await createGroupBuy(cloud, { minParticipants: 2, stock: 20 })
    const [before] = await paidOrders(groupBuyId, 1, 'due-both-before')
    expect((await readDoc('groupBuys', groupBuyId))!.status).toBe('OPEN')
    // Moved to PAID the ordinary way and not counted yet when the threshold's payer tells every PAID order.
    const slow = await join(cloud, 'due-both-slow', groupBuyId, 1)
    const slowId = slow.data.orderId as string
    expect((await cloud.pay.pay(slowId, { deliver: false })).ok).toBe(true)
    expect(await moveOrder(database(), slowId, 'PENDING_PAYMENT', 'PAID', { paidAt: Date.now(), transactionId: `by-hand-${slowId}`, paymentFinishedAt: 0, paidIn: groupBuyId })).toBe(true)
    const [crossing] = await paidOrders(groupBuyId, 1, 'due-both-crossing')
    expect((await readDoc('groupBuys', groupBuyId))!.status).toBe('SUCCEEDED')
    expect(await readDoc('outbox', `succeeded_${slowId}`)).not.toBeNull()
    expect(await finishPayment(database(), (await readDoc('orders', slowId)) as never, Date.now(), { justPaid: true })).toBe('PAID')
    const [after] = await paidOrders(groupBuyId, 1, 'due-both-after')
    expect((await readDoc('orders', after.orderId))!.succeededDueAt).toBeGreaterThan(0)
    const residents = [before.openid, 'due-both-slow', crossing.openid, after.openid]
    for (const openid of residents) await cloud.call('user', openid, { action: 'recordConsent', templates: ['GROUP_SUCCEEDED'] })
    await cloud.fireTimer('settle')
    await cloud.fireTimer('settle')
    for (const openid of residents) expect({ openid, ...(await toldOf(openid)) }).toEqual({ openid, messages: 1, notices: 1, pushes: 1 })
    expect(await readAll('orders', { groupBuyId, succeededDueAt: database().command.gt(0) })).toEqual([])
  })
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

describe('pickup.verify reads the clerk and the resident in one query (#23)', () => {
  const PHONE = '13800005678'
  const contactOf = { name: '钱阿姨', phoneTail: '5678', note: '放门口' }

  /** Every read of users a call makes (action and filter), seen at the database seam. */
  async function usersReads<T>(fn: () => Promise<T>): Promise<{ result: T; reads: string[]; ops: number }> {
    const { result, ops, calls } = await atTheSeam(cloud, fn)
    return { result, ops, reads: calls.filter((c) => c.collection === 'users').map((c) => `${c.action.replace('database.', '')} ${JSON.stringify(c.query)}`) }
  }

  /** Residents with a 收货人, each with a READY order at the demo clerk's point; their codes. */
  async function readyOrders(tag: string, n: number): Promise<Array<{ orderId: string; openid: string; code: string }>> {
    const groupBuyId = await createGroupBuy(cloud, { minParticipants: 1, stock: 20 })
    const orders = await paidOrders(groupBuyId, n, tag)
    for (const o of orders) expect((await cloud.call('user', o.openid, { action: 'setContact', name: contactOf.name, phone: PHONE, note: contactOf.note })).ok).toBe(true)
    expect((await cloud.call('groupBuy', DEMO.leader, { action: 'markArrived', groupBuyId })).ok).toBe(true)
    return Promise.all(orders.map(async (o) => ({ ...o, code: (await orderView(o.openid, o.orderId)).pickupCode as string })))
  }

  const stripOpenid = (code: string) => database().collection('pickupCodes').doc(code).update({ data: { openid: database().command.remove() } })

  it('an order’s code names its resident, and its verify reads users once instead of twice: one operation fewer', async () => {
    const [warm, legacy, usual] = await readyOrders('one-read', 3)
    expect(await readDoc('pickupCodes', usual.code)).toMatchObject({ orderId: usual.orderId, openid: usual.openid })
    expect((await cloud.call('pickup', DEMO.clerk, { action: 'verify', code: warm.code })).ok).toBe(true)
    // Before: the clerk by id, then the resident's contact after the hand-over (a binding written before #23).
    await stripOpenid(legacy.code)
    const before = await usersReads(() => cloud.call<Doc>('pickup', DEMO.clerk, { action: 'verify', code: legacy.code }))
    expect(before.result.data.contact).toEqual(contactOf)
    expect(before.reads).toHaveLength(2)
    const now = await usersReads(() => cloud.call<Doc>('pickup', DEMO.clerk, { action: 'verify', code: usual.code }))
    expect(now.result.data).toMatchObject({ orderId: usual.orderId, status: 'PICKED_UP', via: 'code', contact: contactOf })
    expect(now.reads).toHaveLength(1)
    expect(now.reads[0]).toContain(DEMO.clerk)
    expect(now.reads[0]).toContain(usual.openid)
    expect(now.ops).toBe(before.ops - 1)
  })

  it('a proxy code names its resident too: read with the clerk, the owner’s contact shown', async () => {
    const [o] = await readyOrders('one-read-proxy', 1)
    const proxy = await cloud.call<{ code: string }>('pickup', o.openid, { action: 'delegate', orderId: o.orderId })
    const { result, reads } = await usersReads(() => cloud.call<Doc>('pickup', DEMO.clerk, { action: 'verify', code: proxy.data.code }))
    expect(result.data).toMatchObject({ orderId: o.orderId, via: 'delegate', contact: contactOf })
    expect(reads).toHaveLength(1)
  })

  it('attacks: a resident and another point’s clerk with a valid code are refused and audited, nothing handed over, no contact in the reply', async () => {
    const [o] = await readyOrders('one-read-attack', 1)
    for (const [who, at] of [['cost-one-read-stranger', null], [DEMO.otherClerk, cloud.otherPickupPointId]] as const) {
      const reply = await cloud.call<Doc>('pickup', who, { action: 'verify', code: o.code })
      expect(reply.ok).toBe(false)
      expect(reply.error?.code).toBe('AUTH.FORBIDDEN')
      expect(JSON.stringify(reply)).not.toContain(contactOf.name)
      expect(JSON.stringify(reply)).not.toContain(contactOf.phoneTail)
      expect(await readAll('verifications', { code: o.code, clerkOpenid: who })).toEqual([expect.objectContaining({ kind: 'pickup', outcome: 'AUTH.FORBIDDEN', pickupPointId: at })])
      const order = (await readDoc('orders', o.orderId))!
      expect({ status: order.status, picked: order.pickedQuantity ?? 0 }).toEqual({ status: 'READY_FOR_PICKUP', picked: 0 })
    }
    // The order's own counter still hands it over, once, with the contact.
    expect((await cloud.call<Doc>('pickup', DEMO.clerk, { action: 'verify', code: o.code })).data.contact).toEqual(contactOf)
    expect((await readDoc('orders', o.orderId))!.status).toBe('PICKED_UP')
  })

  it('a binding without the resident (written before #23) still works and shows the contact; one naming someone else shows the order’s own', async () => {
    const [legacy, forged] = await readyOrders('one-read-legacy', 2)
    await stripOpenid(legacy.code)
    const old = await cloud.call<Doc>('pickup', DEMO.clerk, { action: 'verify', code: legacy.code })
    expect(old.data).toMatchObject({ orderId: legacy.orderId, status: 'PICKED_UP', contact: contactOf })
    await cloud.call('user', legacy.openid, { action: 'setContact', name: '别人' })
    await database().collection('pickupCodes').doc(forged.code).update({ data: { openid: legacy.openid } })
    const res = await cloud.call<Doc>('pickup', DEMO.clerk, { action: 'verify', code: forged.code })
    expect(res.data).toMatchObject({ orderId: forged.orderId, status: 'PICKED_UP', contact: contactOf })
  })
})

describe('the release reads what it needs only (#23)', () => {
  const LATER = () => Date.now() + 49 * 3600_000 // past the default 48 h after-sales window
  const commits = (calls: Array<{ action: string }>) => calls.filter((c) => c.action === 'database.commitTransaction').length

  it('an order with no case: its cases are not read and no debt transaction is opened — yet it is released once, split four ways', async () => {
    const { orders } = await pickedUpGroupBuy(cloud, { 'rel-a': 1 })
    const seen = await atTheSeam(cloud, () => bookRelease(database(), orders['rel-a'], LATER()))
    expect(seen.result).toBe('RELEASED')
    expect(seen.calls.filter((c) => c.collection === 'afterSalesCases')).toEqual([])
    // Nothing on the order says a refund may exist: none is read (#23).
    expect(seen.calls.filter((c) => c.collection === 'refunds')).toEqual([])
    expect(seen.calls.filter((c) => c.collection === 'ledgerBalances' && c.inTransaction)).toEqual([])
    expect(commits(seen.calls)).toBe(1)
    expect((await readLedger(orders['rel-a']))!.released).toBe(true)
    expect((await readAll('ledgerEntries', { orderId: orders['rel-a'], kind: 'RELEASE' })).length).toBeGreaterThan(0)
    expect(await bookRelease(database(), orders['rel-a'], LATER())).toBe('ALREADY')
  })

  it('an order whose resident asked for after-sales: the cases are read (the tally holds units) and the money waits', async () => {
    const { orders } = await pickedUpGroupBuy(cloud, { 'rel-b': 2 })
    const asked = await cloud.call('afterSales', 'rel-b', { action: 'request', orderId: orders['rel-b'], quantity: 1, reason: 'QUALITY', requestId: `as-rel-b-${Date.now()}` })
    expect(asked.ok).toBe(true)
    const seen = await atTheSeam(cloud, () => bookRelease(database(), orders['rel-b'], LATER()))
    expect(seen.result).toBe('NOT_YET')
    expect(seen.calls.filter((c) => c.collection === 'afterSalesCases').length).toBe(1)
    expect((await readLedger(orders['rel-b']))!.released).toBeFalsy()
    expect(await readAll('ledgerEntries', { orderId: orders['rel-b'], kind: 'RELEASE' })).toEqual([])
  })

  it('an order served short whose shortage refund WeChat Pay has not confirmed: the refunds are read and the money waits; once booked, the kept part is released', async () => {
    const { orders } = await pickedUpSupplyRound(cloud, { 'rel-s': 3 }, { short: 1 }) // served 2 of 3, the refund pending
    const id = orders['rel-s']
    expect((await readAll('refunds', { orderId: id })).map((r) => r.status)).toEqual(['PENDING'])
    const seen = await atTheSeam(cloud, () => bookRelease(database(), id, LATER()))
    expect(seen.result).toBe('NOT_YET')
    expect(seen.calls.filter((c) => c.collection === 'refunds')).toHaveLength(1)
    await cloud.fireTimer('settle')
    expect((await readAll('refunds', { orderId: id })).map((r) => r.status)).toEqual(['DONE'])
    expect(await bookRelease(database(), id, LATER())).toBe('RELEASED')
    const order = (await readDoc('orders', id))!
    const released = (await readAll('ledgerEntries', { orderId: id, kind: 'RELEASE', state: 'AVAILABLE' })).reduce((sum, e) => sum + e.amountFen, 0)
    expect(released).toBe(order.amountFen - order.refundedFen)
  })

  it('a release given an order read before its refund was booked still sees the refund (the transaction’s own read asks for them)', async () => {
    const { orders } = await pickedUpSupplyRound(cloud, { 'rel-t': 3 }, { short: 1 })
    const id = orders['rel-t']
    const before = (await readDoc('orders', id))!
    await cloud.fireTimer('settle') // the shortage refund confirmed and booked on the order's ledger position
    expect((await readDoc('orders', id))!.ledger.refundIds).toHaveLength(1)
    // As if read before all that, and before the shortage was written on it: nothing on it says a refund may exist.
    const stale = { ...before, servedQuantity: undefined, ledger: { ...before.ledger, refundIds: [] } }
    const seen = await atTheSeam(cloud, () => bookRelease(database(), id, LATER(), stale as never))
    expect(seen.result).toBe('RELEASED')
    expect(seen.calls.filter((c) => c.collection === 'refunds')).toHaveLength(1)
    const order = (await readDoc('orders', id))!
    const released = (await readAll('ledgerEntries', { orderId: id, kind: 'RELEASE', state: 'AVAILABLE' })).reduce((sum, e) => sum + e.amountFen, 0)
    expect(released).toBe(order.amountFen - order.refundedFen)
  })
})
