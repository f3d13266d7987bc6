/**
 * Issue #25, 配送到家: a pickup point's store delivers to the door. The fee is part of the order's amount (free over
 * the threshold), goes to the store in the ledger, and goes back with the order on failure or a full shortage —
 * to the fen; the 配送单 lists the point's deliveries by building and room; the code is verified at the door by the
 * same exactly-once, store-bound, audited path as the counter, and the resident is told 已送达.
 */
import { splitShares } from '@shared/domain/ledger'
import { copyHandoverRecords, DEMO, createGroupBuy, database, newRequestId, readAll, readDoc, readLedger, testCloudForThisFile, type Doc, type Reply } from './support/cloud'
import { netByParty, orderEntries } from './support/ledger'

jest.setTimeout(180_000)

const cloud = testCloudForThisFile()

const FEE = 300
const FREE_OVER = 5000
const HOUR = 3600_000
let slot = { startAt: 0, endAt: 0 }

async function setDelivery(patch: Record<string, unknown> = {}, as: string = DEMO.admin): Promise<Reply> {
  return cloud.call('admin', as, {
    action: 'setDelivery', pickupPointId: cloud.pickupPointId, enabled: true, feeFen: FEE, freeOverFen: FREE_OVER,
    buildings: ['1栋', '2栋', '10栋'], slots: [slot], ...patch,
  })
}

function joinDelivery(openid: string, groupBuyId: string, quantity: number, patch: Record<string, unknown> = {}) {
  return cloud.call<{ orderId: string; amountFen: number }>('groupBuy', openid, {
    action: 'join', groupBuyId, quantity, requestId: newRequestId('dl'), fulfilment: 'DELIVERY', building: '2栋', room: '101', slot, ...patch,
  })
}

async function pay(orderId: string) {
  const paid = await cloud.pay.pay(orderId)
  if (!paid.ok) throw new Error(`pay: ${paid.reason}`)
}

async function paidDelivery(openid: string, groupBuyId: string, quantity: number, patch: Record<string, unknown> = {}): Promise<string> {
  const res = await joinDelivery(openid, groupBuyId, quantity, patch)
  if (!res.ok) throw new Error(`join: ${res.error?.code} ${res.error?.message}`)
  await pay(res.data.orderId)
  return res.data.orderId
}

async function settleUntil(done: () => Promise<boolean>) {
  for (let i = 0; i < 10; i++) {
    if (await done()) return
    await cloud.fireTimer('settle')
  }
  throw new Error('settle did not get there')
}

async function arrive(groupBuyId: string, receivedQuantity?: number) {
  const res = await cloud.call('groupBuy', DEMO.leader, { action: 'markArrived', groupBuyId, ...(receivedQuantity === undefined ? {} : { receivedQuantity }) })
  if (!res.ok) throw new Error(`markArrived: ${res.error?.code}`)
}

const codeOf = async (openid: string, orderId: string): Promise<string> =>
  (await cloud.call<{ order: { pickupCode: string } }>('order', openid, { action: 'get', orderId })).data.order.pickupCode

beforeAll(async () => {
  const now = Date.now()
  slot = { startAt: now + 2 * HOUR, endAt: now + 4 * HOUR }
  expect((await setDelivery()).ok).toBe(true)
})

describe('admin.setDelivery', () => {
  it('is stored on the point and residents of the point see fee, threshold, buildings and slots', async () => {
    const point = await readDoc('pickupPoints', cloud.pickupPointId)
    expect(point!.delivery).toMatchObject({ enabled: true, feeFen: FEE, freeOverFen: FREE_OVER, buildings: ['1栋', '2栋', '10栋'], slots: [slot] })
    const list = await cloud.call<{ items: Doc[] }>('user', 'dl-viewer', { action: 'listPickupPoints' })
    const seen = list.data.items.find((p) => p.pickupPointId === cloud.pickupPointId)
    expect(seen!.delivery).toEqual({ enabled: true, feeFen: FEE, freeOverFen: FREE_OVER, buildings: ['1栋', '2栋', '10栋'], slots: [slot] })
    // A point that does not deliver shows nothing.
    expect(list.data.items.find((p) => p.pickupPointId === cloud.otherPickupPointId)!.delivery).toBeUndefined()
    const gb = await createGroupBuy(cloud)
    const detail = await cloud.call<Doc>('groupBuy', 'dl-viewer', { action: 'get', groupBuyId: gb })
    expect(JSON.stringify(detail.data)).toContain('"feeFen":300')
  })

  it('refuses bad settings and non-admins with a clear code, and writes nothing', async () => {
    const before = await readDoc('pickupPoints', cloud.pickupPointId)
    const bad: Record<string, unknown>[] = [
      { feeFen: -1 },
      { feeFen: 1.5 },
      { feeFen: 1_000_000 },
      { buildings: ['2栋', '2栋'] },
      { slots: [{ startAt: slot.endAt, endAt: slot.startAt }] },
      { slots: [slot, slot] },
      { buildings: [] },
      { buildings: [''] },
      { extra: true },
    ]
    for (const patch of bad) expect((await setDelivery(patch)).error?.code).toBe('INPUT.INVALID')
    expect((await setDelivery({}, DEMO.leader)).error?.code).toBe('AUTH.FORBIDDEN')
    expect((await setDelivery({}, DEMO.clerk)).error?.code).toBe('AUTH.FORBIDDEN')
    expect((await cloud.call('admin', DEMO.admin, { action: 'setDelivery', pickupPointId: 'no-such-point', enabled: false, feeFen: 0, buildings: [], slots: [] })).error?.code).toBe('PICKUP_POINT.NOT_FOUND')
    expect(await readDoc('pickupPoints', cloud.pickupPointId)).toEqual(before)
  })
})

describe('groupBuy.join with fulfilment DELIVERY', () => {
  it('adds the fee to the amount, free at or over the threshold; PICKUP (the default) is unchanged', async () => {
    const gb = await createGroupBuy(cloud, { priceFen: 1000, limitPerUser: 10 })
    const plain = await cloud.call<Doc>('groupBuy', 'dl-fee-a', { action: 'join', groupBuyId: gb, quantity: 1, requestId: newRequestId() })
    expect(plain.data.amountFen).toBe(1000)
    expect((await readDoc('orders', plain.data.orderId))!.fulfilment).toBeUndefined()
    const one = await joinDelivery('dl-fee-b', gb, 1)
    expect(one.data.amountFen).toBe(1000 + FEE)
    expect(await readDoc('orders', one.data.orderId)).toMatchObject({ fulfilment: 'DELIVERY', amountFen: 1300, delivery: { building: '2栋', room: '101', slotStartAt: slot.startAt, slotEndAt: slot.endAt, feeFen: FEE } })
    const five = await joinDelivery('dl-fee-c', gb, 5)
    expect(five.data.amountFen).toBe(5000)
    const order = await cloud.call<{ order: Doc }>('order', 'dl-fee-b', { action: 'get', orderId: one.data.orderId })
    expect(order.data.order.delivery).toEqual({ building: '2栋', room: '101', slotStartAt: slot.startAt, slotEndAt: slot.endAt, feeFen: FEE })
  })

  it('takes building and room from the 收货人 when left out, and saves newly typed ones onto it', async () => {
    const gb = await createGroupBuy(cloud, { limitPerUser: 10 })
    expect((await cloud.call('user', 'dl-addr', { action: 'setContact', name: '李叔', building: '10栋', room: '1201' })).ok).toBe(true)
    const fromContact = await cloud.call<{ orderId: string }>('groupBuy', 'dl-addr', { action: 'join', groupBuyId: gb, quantity: 1, requestId: newRequestId(), fulfilment: 'DELIVERY', slot })
    expect((await readDoc('orders', fromContact.data.orderId))!.delivery).toMatchObject({ building: '10栋', room: '1201' })
    expect((await joinDelivery('dl-addr', gb, 1, { building: '1栋', room: '302' })).ok).toBe(true)
    const me = await cloud.call<Doc>('user', 'dl-addr', { action: 'me' })
    expect(me.data.contact).toEqual({ name: '李叔', phoneMasked: null, note: null, building: '1栋', room: '302' })
  })

  it('refuses bad delivery input with a clear code, and takes no stock, quota or order', async () => {
    const gb = await createGroupBuy(cloud, { stock: 20 })
    const other = await cloud.call<{ groupBuyId: string }>('groupBuy', DEMO.admin, {
      action: 'create', title: '别的点', priceFen: 500, stock: 5, minParticipants: 1, limitPerUser: 2, startAt: Date.now() - 1000, endAt: Date.now() + HOUR, pickupPointId: cloud.otherPickupPointId,
    })
    expect(other.ok).toBe(true)
    const cases: [Record<string, unknown>, string, string?][] = [
      [{ building: '99栋' }, 'DELIVERY.BUILDING_NOT_SERVED'],
      [{ slot: { startAt: slot.startAt + 1, endAt: slot.endAt } }, 'DELIVERY.SLOT_INVALID'],
      [{ slot: undefined }, 'INPUT.INVALID'],
      [{ building: undefined }, 'INPUT.INVALID'],
      [{ room: 'x'.repeat(13) }, 'INPUT.INVALID'],
      [{ onFail: 'ROLL_OVER' }, 'INPUT.INVALID'],
      [{ slotIndex: 0 }, 'INPUT.INVALID'], // a service's slot: a service is never delivered
      [{ fulfilment: 'PICKUP' }, 'INPUT.INVALID'],
      [{ fulfilment: 'DRONE' }, 'INPUT.INVALID'],
      [{ building: undefined, room: undefined }, 'DELIVERY.ADDRESS_REQUIRED'],
      [{}, 'DELIVERY.NOT_OFFERED', other.data.groupBuyId],
    ]
    for (const [patch, code, groupBuyId] of cases) {
      const res = await joinDelivery('dl-bad', groupBuyId ?? gb, 1, patch)
      expect([JSON.stringify(patch), res.error?.code]).toEqual([JSON.stringify(patch), code])
    }
    expect(await readAll('orders', { openid: 'dl-bad' })).toHaveLength(0)
    expect(await readDoc('groupBuys', gb)).toMatchObject({ stockLeft: 20, reservedQuantity: 0 })
    expect(await readAll('participations', { openid: 'dl-bad' })).toHaveLength(0)
    expect(await readDoc('users', 'dl-bad')).toBeNull()
  })
})

describe('the fee in the books', () => {
  it('is booked to the store on payment; the four shares add up to the amount', async () => {
    const gb = await createGroupBuy(cloud, { priceFen: 1000, minParticipants: 1 })
    const orderId = await paidDelivery('dl-book', gb, 1)
    const entries = await orderEntries(cloud, orderId)
    const lo = await readLedger(orderId)
    expect(lo!.terms.deliveryFeeFen).toBe(FEE)
    const goods = splitShares(1000, 1, { ...lo!.terms, deliveryFeeFen: 0 })
    expect(netByParty(entries)).toEqual({ ...goods, store: goods.store + FEE })
    expect(Object.values(netByParty(entries)).reduce((a, b) => a + b, 0)).toBe(1000 + FEE)
  })

  it('a failed group refunds the fee with the order, to the fen, and the books go to zero', async () => {
    const gb = await createGroupBuy(cloud, { priceFen: 1234, minParticipants: 5 })
    const orderId = await paidDelivery('dl-fail', gb, 1)
    await database().collection('groupBuys').doc(gb).update({ data: { endAt: Date.now() - 1 } })
    await settleUntil(async () => (await readDoc('orders', orderId))!.status === 'REFUNDED')
    const refunds = await readAll('refunds', { orderId })
    expect(refunds.map((r) => [r.status, r.amountFen])).toEqual([['DONE', 1234 + FEE]])
    expect((await readDoc('orders', orderId))!.refundedFen).toBe(1234 + FEE)
    expect(cloud.pay.refundedFor(orderId)).toBe(1234 + FEE)
    expect(netByParty(await orderEntries(cloud, orderId))).toEqual({ merchant: 0, leader: 0, store: 0, platform: 0 })
  })

  it('a shortage: the order with nothing served gets goods and fee back; a partly served one keeps the fee (the store still delivers)', async () => {
    const gb = await createGroupBuy(cloud, { priceFen: 1000, minParticipants: 1, limitPerUser: 3 })
    const first = await paidDelivery('dl-short-a', gb, 3)
    const second = await paidDelivery('dl-short-b', gb, 2)
    await database().collection('groupBuys').doc(gb).update({ data: { endAt: Date.now() - 1 } })
    await cloud.fireTimer('settle')
    await arrive(gb, 2) // the first is served 2 of 3, the second nothing
    await settleUntil(async () => (await readDoc('orders', second))!.status === 'REFUNDED' && ((await readDoc('orders', first))!.refundedFen ?? 0) > 0)
    expect((await readDoc('orders', second))!.refundedFen).toBe(2000 + FEE)
    expect(cloud.pay.refundedFor(second)).toBe(2000 + FEE)
    expect(netByParty(await orderEntries(cloud, second))).toEqual({ merchant: 0, leader: 0, store: 0, platform: 0 })
    expect((await readDoc('orders', first))!.refundedFen).toBe(1000)
    expect(cloud.pay.refundedFor(first)).toBe(1000)
    const kept = netByParty(await orderEntries(cloud, first))
    const terms = (await readLedger(first))!.terms
    const goods = splitShares(2000, 2, { ...terms, deliveryFeeFen: 0 })
    expect(kept).toEqual({ ...goods, store: goods.store + FEE })
  })
})

describe('配送单 and the hand-over at the door', () => {
  let gb = ''
  const stops: [string, string, string][] = [
    ['dl-s1', '10栋', '101'],
    ['dl-s2', '2栋', '1201'],
    ['dl-s3', '2栋', '101'],
    ['dl-s4', '1栋', '202'],
    ['dl-s5', '2栋', '201'],
  ]
  const orders = new Map<string, string>()

  beforeAll(async () => {
    gb = await createGroupBuy(cloud, { priceFen: 800, minParticipants: 1, limitPerUser: 5, title: '配送单测试' })
    await cloud.call('user', 'dl-s2', { action: 'setContact', name: '王阿姨', phone: '13812345678' })
    for (const [openid, building, room] of stops) orders.set(openid, await paidDelivery(openid, gb, 2, { building, room }))
    await paidOrder('dl-pickup', gb)
    await database().collection('groupBuys').doc(gb).update({ data: { endAt: Date.now() - 1 } })
    await cloud.fireTimer('settle')
    await arrive(gb)
  })

  async function paidOrder(openid: string, groupBuyId: string) {
    const res = await cloud.call<{ orderId: string }>('groupBuy', openid, { action: 'join', groupBuyId, quantity: 1, requestId: newRequestId() })
    await pay(res.data.orderId)
  }

  it('lists the point’s delivery orders by building, then room, in natural order (2栋 before 10栋, 101 before 1201), CSV too', async () => {
    const res = await cloud.call<{ items: Doc[]; tempFileURL: string }>('pickup', DEMO.leader, { action: 'deliveryList', pickupPointId: cloud.pickupPointId, format: 'csv' })
    expect(res.ok).toBe(true)
    const mine = res.data.items.filter((i) => i.groupBuyId === gb)
    expect(mine.map((i) => `${i.building}-${i.room}`)).toEqual(['1栋-202', '2栋-101', '2栋-201', '2栋-1201', '10栋-101'])
    expect(mine.every((i) => i.leftQuantity === 2)).toBe(true)
    expect(mine.find((i) => i.room === '1201')!.contact).toEqual({ name: '王阿姨', phoneTail: '5678', note: null })
    const bytes = Buffer.from(await (await fetch(res.data.tempFileURL)).arrayBuffer())
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]) // UTF-8 BOM: Excel shows the Chinese
    const csv = bytes.subarray(3).toString('utf8')
    const lines = csv.trim().split('\r\n')
    expect(lines[0]).toBe('楼栋,门牌,配送时段,商品,件数,昵称,收货人')
    const rows = lines.slice(1).filter((l) => l.includes('配送单测试'))
    expect(rows.map((l) => l.split(',').slice(0, 2).join('-'))).toEqual(['1栋-202', '2栋-101', '2栋-201', '2栋-1201', '10栋-101'])
    expect(csv).toContain('王阿姨 · 尾号5678')
    expect(csv).not.toContain('13812345678')
    const clerk = await cloud.call<{ items: Doc[] }>('pickup', DEMO.clerk, { action: 'deliveryList', pickupPointId: cloud.pickupPointId })
    expect(clerk.data.items.filter((i) => i.groupBuyId === gb)).toHaveLength(5)
  })

  it('is refused to another point’s clerk, a merchant and residents; bad input is a clear code', async () => {
    expect((await cloud.call('pickup', DEMO.otherClerk, { action: 'deliveryList', pickupPointId: cloud.pickupPointId })).error?.code).toBe('AUTH.FORBIDDEN')
    expect((await cloud.call('pickup', DEMO.merchant, { action: 'deliveryList', pickupPointId: cloud.pickupPointId })).error?.code).toBe('AUTH.FORBIDDEN')
    expect((await cloud.call('pickup', 'dl-s1', { action: 'deliveryList', pickupPointId: cloud.pickupPointId })).error?.code).toBe('AUTH.FORBIDDEN')
    expect((await cloud.call('pickup', DEMO.clerk, { action: 'deliveryList', pickupPointId: cloud.pickupPointId, format: 'pdf' })).error?.code).toBe('INPUT.INVALID')
  })

  it('20 concurrent verifications of one code at the door → one hand-over, one 已送达, one shipping record as 同城配送', async () => {
    const orderId = orders.get('dl-s3')!
    const code = await codeOf('dl-s3', orderId)
    const replies = await Promise.all(Array.from({ length: 20 }, () => cloud.call('pickup', DEMO.clerk, { action: 'verify', code })))
    expect(replies.filter((r) => r.ok)).toHaveLength(1)
    expect(replies.filter((r) => !r.ok).map((r) => r.error?.code)).toEqual(Array(19).fill('PICKUP.ALREADY_USED'))
    expect(await readDoc('orders', orderId)).toMatchObject({ status: 'PICKED_UP', pickedQuantity: 2 })
    const notices = await readAll('notices', { openid: 'dl-s3', kind: 'DELIVERED' })
    expect(notices).toHaveLength(1)
    expect(notices[0]).toMatchObject({ title: '已送达' })
    expect(notices[0].body).toContain('2栋 101')
    // The hand-over's own line rode on the order until settle copied it (#23).
    await copyHandoverRecords()
    expect(await readAll('verifications', { code })).toHaveLength(20)
    await cloud.fireTimer('settle')
    expect(await readAll('shippingUploads', { orderId })).toHaveLength(1)
    expect(cloud.shipping.list().filter((i) => i.outTradeNo === orderId).map((i) => i.logisticsType)).toEqual([2])
    // Handed over: off the 配送单.
    const list = await cloud.call<{ items: Doc[] }>('pickup', DEMO.clerk, { action: 'deliveryList', pickupPointId: cloud.pickupPointId })
    expect(list.data.items.some((i) => i.orderId === orderId)).toBe(false)
  })

  it('a part at the door: the rest stays on the 配送单 and the resident is told what is still to come', async () => {
    const orderId = orders.get('dl-s4')!
    const code = await codeOf('dl-s4', orderId)
    const part = await cloud.call<Doc>('pickup', DEMO.clerk, { action: 'verify', code, quantity: 1 })
    expect(part.data).toMatchObject({ quantity: 1, leftQuantity: 1, status: 'READY_FOR_PICKUP' })
    const list = await cloud.call<{ items: Doc[] }>('pickup', DEMO.clerk, { action: 'deliveryList', pickupPointId: cloud.pickupPointId })
    expect(list.data.items.find((i) => i.orderId === orderId)).toMatchObject({ leftQuantity: 1 })
    expect((await cloud.call('pickup', DEMO.clerk, { action: 'verify', code, quantity: 2 })).error?.code).toBe('PICKUP.QUANTITY_TOO_MANY')
    expect((await cloud.call('pickup', DEMO.clerk, { action: 'verify', code })).ok).toBe(true)
    const bodies = (await readAll('notices', { openid: 'dl-s4', kind: 'DELIVERED' })).map((n) => n.body).sort()
    expect(bodies).toHaveLength(2)
    expect(bodies.some((b) => b.includes('还有 1 件待送'))).toBe(true)
  })

  it('a clerk of another point cannot hand over at the door (refused, audited, nothing moves)', async () => {
    const orderId = orders.get('dl-s1')!
    const code = await codeOf('dl-s1', orderId)
    const res = await cloud.call('pickup', DEMO.otherClerk, { action: 'verify', code })
    expect(res.error?.code).toBe('AUTH.FORBIDDEN')
    expect(await readDoc('orders', orderId)).toMatchObject({ status: 'READY_FOR_PICKUP' })
    expect((await readAll('verifications', { code })).map((v) => v.outcome)).toEqual(['AUTH.FORBIDDEN'])
    expect(await readAll('notices', { openid: 'dl-s1', kind: 'DELIVERED' })).toHaveLength(0)
  })

  it('a pickup order at the counter gets no 已送达 and its shipping record stays 用户自提', async () => {
    const [order] = await readAll('orders', { openid: 'dl-pickup', groupBuyId: gb })
    expect((await cloud.call('pickup', DEMO.clerk, { action: 'verify', code: order.pickupCode })).ok).toBe(true)
    expect(await readAll('notices', { openid: 'dl-pickup', kind: 'DELIVERED' })).toHaveLength(0)
    await cloud.fireTimer('settle')
    expect((await readDoc('shippingUploads', `sh_${order._id}`))!.logisticsType).toBe(4)
  })
})
