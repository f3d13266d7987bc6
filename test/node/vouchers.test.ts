/**
 * Issue #25, services half: a service (家政, 维修, 宠物护理) sold as vouchers for appointment slots, on the local
 * cloud's real SQLite. Each money rule is written as the attack or race it prevents: overbooking a slot, redeeming a
 * voucher twice or someone else's, refunding a cancel or an expiry twice, moving two vouchers into the last place.
 */
import type { OrderView } from '@shared/contracts/order'
import type { SlotView } from '@shared/contracts/voucher'
import { chinaMidnight, DAY_MS } from '@shared/domain/calendar'
import { processDueRefunds } from '@server/payments/refunds'
import { copyHandoverRecords, copyRidingSales, DEMO, atTheSeam, database, newRequestId, readAll, readDoc, readLedger, testCloudForThisFile, type Reply, type TestCloud } from './support/cloud'
import { PNG_1PX } from './support/images'

jest.setTimeout(180_000)

const cloud = testCloudForThisFile()
const otherMerchant = 'svc-merchant-2'
const MIN = 60_000

beforeAll(async () => {
  process.env.AFTER_SALES_WINDOW_MS = '0'
  expect((await cloud.call('admin', DEMO.admin, { action: 'grantRole', openid: otherMerchant, role: 'merchant' })).ok).toBe(true)
})
afterAll(() => {
  delete process.env.AFTER_SALES_WINDOW_MS
})

let seq = 0
async function upload(c: TestCloud, merchant: string): Promise<string> {
  const up = await fetch(`${c.url}/storage/upload?cloudPath=${encodeURIComponent(`products/svc-${++seq}.png`)}`, { method: 'POST', headers: { 'X-WX-OPENID': merchant }, body: new Uint8Array(PNG_1PX) })
  return ((await up.json()) as { data: { fileID: string } }).data.fileID
}

async function serviceProduct(merchant: string = DEMO.merchant, servingPointIds: string[] = [cloud.pickupPointId]): Promise<string> {
  const res = await cloud.call<{ productId: string }>('catalog', merchant, {
    action: 'createProduct', kind: 'SERVICE', name: '日常保洁 2 小时', unit: '次', category: '家政', images: [await upload(cloud, merchant)],
    supplyPriceFen: 6000, suggestedPriceFen: 9900, durationMinutes: 120, servingPointIds, serviceArea: '阳光小区及周边 3 公里',
  })
  if (!res.ok) throw new Error(`createProduct: ${res.error?.code} ${res.error?.message}`)
  return res.data.productId
}

/** Slots starting 10 min, 1 h, 2 h from now (each 30 min long), with these capacities. */
function slotsFrom(now: number, capacities: number[]) {
  return capacities.map((capacity, i) => ({ startAt: now + (i === 0 ? 10 * MIN : i * 60 * MIN), endAt: now + (i === 0 ? 40 * MIN : i * 60 * MIN + 30 * MIN), capacity }))
}

async function publish(capacities: number[], opts: { merchant?: string; limitPerUser?: number; productId?: string } = {}): Promise<{ groupBuyId: string; slots: SlotView[] }> {
  const merchant = opts.merchant ?? DEMO.merchant
  const productId = opts.productId ?? (await serviceProduct(merchant))
  const res = await cloud.call<{ groupBuyId: string; slots: SlotView[] }>('voucher', merchant, {
    action: 'publish', productId, pickupPointId: cloud.pickupPointId, priceFen: 8800, slots: slotsFrom(Date.now(), capacities), limitPerUser: opts.limitPerUser ?? 1,
  })
  if (!res.ok) throw new Error(`publish: ${res.error?.code} ${res.error?.message}`)
  return res.data
}

function book(openid: string, groupBuyId: string, slot: { slotIndex?: number; slotId?: string }, quantity = 1, requestId = newRequestId('svc')) {
  return cloud.call<{ orderId: string; amountFen: number }>('groupBuy', openid, { action: 'join', groupBuyId, quantity, requestId, ...slot })
}

async function orderOf(openid: string, orderId: string): Promise<OrderView> {
  const res = await cloud.call<{ order: OrderView }>('order', openid, { action: 'get', orderId })
  if (!res.ok) throw new Error(`order.get: ${res.error?.code}`)
  return res.data.order
}

/** A paid booking: its order id and voucher code. */
async function paidVoucher(openid: string, groupBuyId: string, slotIndex = 0): Promise<{ orderId: string; code: string }> {
  const res = await book(openid, groupBuyId, { slotIndex })
  if (!res.ok) throw new Error(`book: ${res.error?.code} ${res.error?.message}`)
  expect((await cloud.pay.pay(res.data.orderId)).ok).toBe(true)
  const order = await orderOf(openid, res.data.orderId)
  expect(order.status).toBe('PAID')
  expect(order.voucher?.state).toBe('VALID')
  return { orderId: res.data.orderId, code: order.voucher!.code! }
}

async function slotLeft(slotId: string): Promise<number> {
  return (await readDoc('serviceSlots', slotId))!.left as number
}

const codes = (replies: Reply[]) => replies.map((r) => (r.ok ? 'OK' : r.error!.code)).sort()

describe('a service product and its group buy', () => {
  it('createProduct defaults to GOODS; a SERVICE carries its duration and the stores it serves', async () => {
    const productId = await serviceProduct()
    const got = await cloud.call<{ product: Record<string, unknown> }>('catalog', DEMO.merchant, { action: 'get', productId })
    expect(got.data.product).toMatchObject({ kind: 'SERVICE', durationMinutes: 120, servingPointIds: [cloud.pickupPointId], serviceArea: '阳光小区及周边 3 公里' })
    const goods = await cloud.call<{ productId: string }>('catalog', DEMO.merchant, {
      action: 'createProduct', name: '葡萄', unit: '盒', category: '水果', images: [await upload(cloud, DEMO.merchant)], supplyPriceFen: 1000, suggestedPriceFen: 2000,
    })
    expect((await cloud.call<{ product: Record<string, unknown> }>('catalog', DEMO.merchant, { action: 'get', productId: goods.data.productId })).data.product.kind).toBe('GOODS')
  })

  it('refuses a service without its duration, stores or category, or serving a store that does not exist — nothing written', async () => {
    const before = (await readAll('products', {})).length
    const image = await upload(cloud, DEMO.merchant)
    const base = { action: 'createProduct', kind: 'SERVICE', name: '上门维修', unit: '次', category: '维修', images: [image], supplyPriceFen: 1000, suggestedPriceFen: 2000 }
    expect((await cloud.call('catalog', DEMO.merchant, { ...base, servingPointIds: [cloud.pickupPointId] })).error?.code).toBe('INPUT.INVALID')
    expect((await cloud.call('catalog', DEMO.merchant, { ...base, durationMinutes: 60 })).error?.code).toBe('INPUT.INVALID')
    expect((await cloud.call('catalog', DEMO.merchant, { ...base, category: '水果', durationMinutes: 60, servingPointIds: [cloud.pickupPointId] })).error?.code).toBe('INPUT.INVALID')
    expect((await cloud.call('catalog', DEMO.merchant, { ...base, durationMinutes: 60, servingPointIds: ['no-such-point'] })).error?.code).toBe('PICKUP_POINT.NOT_FOUND')
    // Goods with service fields are refused too.
    expect((await cloud.call('catalog', DEMO.merchant, { ...base, kind: 'GOODS', category: '水果', durationMinutes: 60 })).error?.code).toBe('INPUT.INVALID')
    expect((await readAll('products', {})).length).toBe(before)
  })

  it('publish refuses goods, someone else’s service, a store it does not serve and overlapping slots — nothing written', async () => {
    const before = (await readAll('groupBuys', {})).length
    const slotsBefore = (await readAll('serviceSlots', {})).length
    const mine = await serviceProduct()
    const now = Date.now()
    const call = (merchant: string, patch: Record<string, unknown>) =>
      cloud.call('voucher', merchant, { action: 'publish', productId: mine, pickupPointId: cloud.pickupPointId, priceFen: 8800, slots: slotsFrom(now, [2]), ...patch })
    expect((await call(otherMerchant, {})).error?.code).toBe('PRODUCT.NOT_FOUND')
    const goods = await cloud.call<{ productId: string }>('catalog', DEMO.merchant, {
      action: 'createProduct', name: '苹果', unit: '箱', category: '水果', images: [await upload(cloud, DEMO.merchant)], supplyPriceFen: 1000, suggestedPriceFen: 2000,
    })
    expect((await call(DEMO.merchant, { productId: goods.data.productId })).error?.code).toBe('INPUT.INVALID')
    expect((await call(DEMO.merchant, { pickupPointId: cloud.otherPickupPointId })).error?.code).toBe('INPUT.INVALID')
    const overlapping = [{ startAt: now + 60 * MIN, endAt: now + 120 * MIN, capacity: 1 }, { startAt: now + 90 * MIN, endAt: now + 150 * MIN, capacity: 1 }]
    expect((await call(DEMO.merchant, { slots: overlapping })).error?.code).toBe('INPUT.INVALID')
    expect((await call(DEMO.merchant, { slots: [{ startAt: now - MIN, endAt: now + MIN, capacity: 1 }] })).error?.code).toBe('INPUT.INVALID')
    expect((await cloud.call('voucher', DEMO.residents[0], { action: 'publish', productId: mine, pickupPointId: cloud.pickupPointId, priceFen: 1, slots: slotsFrom(now, [1]) })).error?.code).toBe('AUTH.FORBIDDEN')
    expect((await readAll('groupBuys', {})).length).toBe(before)
    expect((await readAll('serviceSlots', {})).length).toBe(slotsBefore)
  })
})

describe('booking a slot', () => {
  it('30 concurrent bookings of a slot of capacity 5 → 5 orders, the rest VOUCHER.SLOT_FULL, nothing oversold', async () => {
    const { groupBuyId, slots } = await publish([5, 5])
    const residents = Array.from({ length: 30 }, (_, i) => `svc-crowd-${i}`)
    const replies = await Promise.all(residents.map((r) => book(r, groupBuyId, { slotIndex: 0 })))
    const ok = replies.filter((r) => r.ok)
    expect(ok).toHaveLength(5)
    expect(new Set(replies.filter((r) => !r.ok).map((r) => r.error!.code))).toEqual(new Set(['VOUCHER.SLOT_FULL']))
    expect(await slotLeft(slots[0].slotId)).toBe(0)
    expect(await slotLeft(slots[1].slotId)).toBe(5)
    const orders = await readAll('orders', { groupBuyId })
    expect(orders).toHaveLength(5)
    expect(orders.every((o) => o.slotId === slots[0].slotId && o.kind === 'SERVICE')).toBe(true)
    const gb = await readDoc('groupBuys', groupBuyId)
    expect(gb).toMatchObject({ stock: 10, stockLeft: 5, reservedQuantity: 5 })
    // The picker shows it: slot 0 full, slot 1 open.
    const picker = await cloud.call<{ slots: SlotView[] }>('voucher', DEMO.residents[0], { action: 'slots', groupBuyId })
    expect(picker.data.slots.map((s) => s.left)).toEqual([0, 5])
  })

  it('an unpaid booking cancelled gives its slot place back (and its stock)', async () => {
    const { groupBuyId, slots } = await publish([1])
    const first = await book('svc-unpaid-1', groupBuyId, { slotIndex: 0 })
    expect(first.ok).toBe(true)
    expect((await book('svc-unpaid-2', groupBuyId, { slotIndex: 0 })).error?.code).toBe('VOUCHER.SLOT_FULL')
    expect((await cloud.call('order', 'svc-unpaid-1', { action: 'cancel', orderId: first.data.orderId })).ok).toBe(true)
    expect(await slotLeft(slots[0].slotId)).toBe(1)
    expect((await readDoc('groupBuys', groupBuyId))!.stockLeft).toBe(1)
    expect((await book('svc-unpaid-2', groupBuyId, { slotIndex: 0 })).ok).toBe(true)
  })

  it('bad input answers a clear code and writes nothing', async () => {
    const { groupBuyId, slots } = await publish([2, 2])
    const ordersBefore = (await readAll('orders', {})).length
    expect((await cloud.call('groupBuy', 'svc-bad', { action: 'join', groupBuyId, quantity: 1, requestId: newRequestId('bad') })).error?.code).toBe('INPUT.INVALID')
    expect((await book('svc-bad', groupBuyId, { slotIndex: 7 })).error?.code).toBe('VOUCHER.SLOT_NOT_FOUND')
    expect((await book('svc-bad', groupBuyId, { slotId: 'not-a-slot' })).error?.code).toBe('VOUCHER.SLOT_NOT_FOUND')
    expect((await book('svc-bad', groupBuyId, { slotIndex: 0, slotId: slots[0].slotId })).error?.code).toBe('INPUT.INVALID')
    expect((await book('svc-bad', groupBuyId, { slotIndex: -1 })).error?.code).toBe('INPUT.INVALID')
    expect((await book('svc-bad', groupBuyId, { slotIndex: 0 }, 2)).error?.code).toBe('GROUP_BUY.LIMIT_EXCEEDED')
    expect((await cloud.call('groupBuy', 'svc-bad', { action: 'join', groupBuyId, quantity: 1, requestId: newRequestId('bad'), slotIndex: 0, onFail: 'ROLL_OVER' })).error?.code).toBe('INPUT.INVALID')
    // A goods group buy has no slots.
    const goods = await cloud.call<{ groupBuyId: string }>('groupBuy', DEMO.leader, {
      action: 'create', title: '普通团', priceFen: 100, stock: 5, minParticipants: 1, limitPerUser: 1, startAt: Date.now() - 1000, endAt: Date.now() + 3600_000, pickupPointId: cloud.pickupPointId,
    })
    expect((await book('svc-bad', goods.data.groupBuyId, { slotIndex: 0 })).error?.code).toBe('INPUT.INVALID')
    expect((await cloud.call('voucher', DEMO.merchant, { action: 'redeem', code: '12345678' })).error?.code).toBe('INPUT.INVALID')
    expect((await cloud.call('voucher', DEMO.merchant, { action: 'redeem', code: '0000000000' })).error?.code).toBe('VOUCHER.NOT_FOUND')
    expect((await cloud.call('voucher', 'svc-bad', { action: 'reschedule', orderId: 'o-none', slotIndex: 0, slotId: slots[0].slotId })).error?.code).toBe('INPUT.INVALID')
    expect((await cloud.call('voucher', 'svc-bad', { action: 'cancel', orderId: 'o-none' })).error?.code).toBe('ORDER.NOT_FOUND')
    expect((await cloud.call('groupBuy', DEMO.leader, { action: 'markArrived', groupBuyId })).error?.code).toBe('INPUT.INVALID')
    expect((await readAll('orders', {})).length).toBe(ordersBefore)
    expect((await Promise.all(slots.map((s) => slotLeft(s.slotId))))).toEqual([2, 2])
  })
})

describe('a voucher’s split', () => {
  it('a handling fee raised after publishing moves no booking’s shares: the fee the service opened with is the one it is split with (#23)', async () => {
    const setFee = async (fen: number) => expect((await cloud.call('admin', DEMO.admin, { action: 'setHandlingFee', pickupPointId: cloud.pickupPointId, handlingFeeFen: fen })).ok).toBe(true)
    await setFee(80)
    try {
      const { groupBuyId } = await publish([2])
      expect((await readDoc('groupBuys', groupBuyId))!.handlingFeeFen).toBe(80)
      await setFee(900)
      const { orderId } = await paidVoucher('svc-fee-1', groupBuyId)
      // The sale's entries ride on the order until settle copies them (#23).
      await copyRidingSales()
      const store = (await readAll('ledgerEntries', { orderId, kind: 'SALE', party: 'store' })).reduce((n, e) => n + (e.amountFen as number), 0)
      expect(store).toBe(80)
      expect((await readLedger(orderId))!.terms.handlingFeeFen).toBe(80)
      // A service published after the change takes the new fee.
      const later = await publish([1])
      expect((await readDoc('groupBuys', later.groupBuyId))!.handlingFeeFen).toBe(900)
    } finally {
      await setFee(0)
    }
  })
})

describe('redeeming a voucher', () => {
  it('10 concurrent redemptions → one; the ledger books the pickup and settle releases the shares; shipping is logistics_type 3', async () => {
    const { groupBuyId } = await publish([3])
    const { orderId, code } = await paidVoucher('svc-redeem-1', groupBuyId)
    expect(code).toMatch(/^\d{10}$/)
    const replies = await Promise.all(Array.from({ length: 10 }, () => cloud.call('voucher', DEMO.merchant, { action: 'redeem', code })))
    expect(codes(replies)).toEqual(['OK', ...Array(9).fill('VOUCHER.ALREADY_REDEEMED')])
    const order = await readDoc('orders', orderId)
    expect(order).toMatchObject({ status: 'PICKED_UP', redeemedBy: DEMO.merchant })
    expect(order!.handoverFinishedAt).toBeGreaterThan(0)
    // The redemption's line rode on the order until settle copied it (#23).
    await copyHandoverRecords()
    const audit = await readAll('verifications', { kind: 'voucher', orderId })
    expect(audit).toHaveLength(10)
    expect(audit.filter((a) => a.outcome === 'REDEEMED')).toHaveLength(1)
    expect((await readLedger(orderId))!.pickedUpAt).toBe(order!.pickedUpAt)
    expect(order!.shippingDueAt).toBe(order!.pickedUpAt)
    // No arrival, no purchase order: the group buy never arrived, and the window (0 here) closes at settle.
    await cloud.fireTimer('settle')
    expect((await readDoc('shippingUploads', `sh_${orderId}`))!.logisticsType).toBe(3)
    const lo = await readLedger(orderId)
    expect(lo!.released).toBe(true)
    expect((await readDoc('groupBuys', groupBuyId))!.arrivedAt).toBeNull()
    expect(await readAll('purchaseOrders', { groupBuyId })).toHaveLength(0)
    const mine = await orderOf('svc-redeem-1', orderId)
    expect(mine.voucher).toMatchObject({ state: 'REDEEMED', code })
  })

  it('a provider cannot redeem another provider’s voucher; a clerk of another store cannot either; a clerk of the serving store can', async () => {
    const { groupBuyId } = await publish([3])
    const a = await paidVoucher('svc-prov-1', groupBuyId)
    expect((await cloud.call('voucher', otherMerchant, { action: 'redeem', code: a.code })).error?.code).toBe('AUTH.FORBIDDEN')
    expect((await cloud.call('voucher', DEMO.otherClerk, { action: 'redeem', code: a.code })).error?.code).toBe('AUTH.FORBIDDEN')
    expect((await cloud.call('voucher', DEMO.residents[0], { action: 'redeem', code: a.code })).error?.code).toBe('AUTH.FORBIDDEN')
    // A pickup counter does not know voucher codes.
    expect((await cloud.call('pickup', DEMO.clerk, { action: 'verify', code: a.code.slice(0, 8) })).error?.code).toBe('PICKUP.CODE_NOT_FOUND')
    expect((await readDoc('orders', a.orderId))!.status).toBe('PAID')
    const refused = await readAll('verifications', { kind: 'voucher', orderId: a.orderId })
    expect(refused.map((r) => r.outcome)).toEqual(['AUTH.FORBIDDEN', 'AUTH.FORBIDDEN'])
    expect((await cloud.call('voucher', DEMO.clerk, { action: 'redeem', code: a.code })).ok).toBe(true)
    expect((await readDoc('orders', a.orderId))!.status).toBe('PICKED_UP')
  })

  it('today lists the provider’s appointments of the day, and not another provider’s', async () => {
    const { groupBuyId, slots } = await publish([2])
    const a = await paidVoucher('svc-today-1', groupBuyId)
    const sameDay = chinaMidnight(slots[0].startAt) === chinaMidnight(Date.now())
    const mine = await cloud.call<{ items: { orderId: string; state: string }[] }>('voucher', DEMO.merchant, { action: 'today' })
    expect(mine.data.items.some((i) => i.orderId === a.orderId)).toBe(sameDay)
    const theirs = await cloud.call<{ items: { orderId: string }[] }>('voucher', otherMerchant, { action: 'today' })
    expect(theirs.data.items.some((i) => i.orderId === a.orderId)).toBe(false)
    expect(slots[0].startAt - chinaMidnight(Date.now())).toBeLessThan(2 * DAY_MS)
  })
})

describe('随时退, 过期退 and 改约', () => {
  it('cancel before the slot: a full refund, once, however many cancels race; refused after the slot starts', async () => {
    const { groupBuyId, slots } = await publish([2, 2])
    const a = await paidVoucher('svc-cancel-1', groupBuyId)
    expect(await slotLeft(slots[0].slotId)).toBe(1)
    expect((await cloud.call('voucher', 'svc-someone-else', { action: 'cancel', orderId: a.orderId })).error?.code).toBe('ORDER.NOT_FOUND')
    const replies = await Promise.all(Array.from({ length: 5 }, () => cloud.call('voucher', 'svc-cancel-1', { action: 'cancel', orderId: a.orderId })))
    expect(replies.filter((r) => r.ok)).toHaveLength(1)
    expect(await slotLeft(slots[0].slotId)).toBe(2)
    expect((await cloud.call('voucher', 'svc-cancel-1', { action: 'cancel', orderId: a.orderId })).ok).toBe(false)
    // The cancelled code no longer redeems.
    expect((await cloud.call('voucher', DEMO.merchant, { action: 'redeem', code: a.code })).error?.code).toBe('VOUCHER.NOT_VALID')
    await processDueRefunds(database(), Date.now())
    await cloud.fireTimer('settle')
    expect(cloud.pay.refundCountFor(a.orderId)).toBe(1)
    expect(cloud.pay.refundedFor(a.orderId)).toBe(8800)
    expect((await readDoc('orders', a.orderId))!.status).toBe('REFUNDED')

    // Time passes to the slot's start: no cancel any more.
    const b = await paidVoucher('svc-cancel-2', groupBuyId)
    await database().collection('orders').doc(b.orderId).update({ data: { slotStartAt: Date.now() - 1000 } })
    expect((await cloud.call('voucher', 'svc-cancel-2', { action: 'cancel', orderId: b.orderId })).error?.code).toBe('VOUCHER.SLOT_STARTED')
    expect((await readDoc('orders', b.orderId))!.status).toBe('PAID')
    expect(cloud.pay.refundCountFor(b.orderId)).toBe(0)
  })

  it('an expired voucher is refunded once by concurrent settles, and no longer redeems', async () => {
    const { groupBuyId } = await publish([2])
    const a = await paidVoucher('svc-expire-1', groupBuyId)
    // Time passes beyond the slot's end and the grace period.
    await database().collection('orders').doc(a.orderId).update({ data: { voucherExpiresAt: Date.now() - 1000 } })
    expect((await cloud.call('voucher', DEMO.merchant, { action: 'redeem', code: a.code })).error?.code).toBe('VOUCHER.EXPIRED')
    await Promise.all(Array.from({ length: 5 }, () => cloud.fireTimer('settle')))
    await cloud.fireTimer('settle')
    expect(cloud.pay.refundCountFor(a.orderId)).toBe(1)
    expect(cloud.pay.refundedFor(a.orderId)).toBe(8800)
    expect(await readAll('refunds', { orderId: a.orderId })).toHaveLength(1)
    expect((await readDoc('orders', a.orderId))!.status).toBe('REFUNDED')
    expect((await orderOf('svc-expire-1', a.orderId)).voucher?.state).toBe('EXPIRED')
  })

  it('reschedule moves capacity atomically: of two moves into the last place one wins; a full slot is refused', async () => {
    const { groupBuyId, slots } = await publish([2, 1, 1])
    const a = await paidVoucher('svc-move-1', groupBuyId, 0)
    const b = await paidVoucher('svc-move-2', groupBuyId, 0)
    expect(await slotLeft(slots[0].slotId)).toBe(0)
    const replies = await Promise.all([
      cloud.call('voucher', 'svc-move-1', { action: 'reschedule', orderId: a.orderId, slotIndex: 1 }),
      cloud.call('voucher', 'svc-move-2', { action: 'reschedule', orderId: b.orderId, slotId: slots[1].slotId }),
    ])
    expect(codes(replies)).toEqual(['OK', 'VOUCHER.SLOT_FULL'])
    expect(await slotLeft(slots[1].slotId)).toBe(0)
    expect(await slotLeft(slots[0].slotId)).toBe(1)
    const moved = replies[0].ok ? a : b
    const stayed = replies[0].ok ? b : a
    expect((await readDoc('orders', moved.orderId))).toMatchObject({ slotId: slots[1].slotId, slotStartAt: slots[1].startAt })
    expect((await readDoc('orders', stayed.orderId))!.slotId).toBe(slots[0].slotId)
    // The freed place in slot 0 is bookable again; slot 1 is full for a third move.
    expect((await cloud.call('voucher', stayed === a ? 'svc-move-1' : 'svc-move-2', { action: 'reschedule', orderId: stayed.orderId, slotIndex: 1 })).error?.code).toBe('VOUCHER.SLOT_FULL')
    expect((await book('svc-move-3', groupBuyId, { slotIndex: 0 })).ok).toBe(true)
    // The moved voucher still redeems with the same code.
    expect((await cloud.call('voucher', DEMO.merchant, { action: 'redeem', code: moved.code })).ok).toBe(true)
    const total = (await Promise.all(slots.map((s) => slotLeft(s.slotId)))).reduce((x, y) => x + y, 0)
    expect(total).toBe(4 - 3) // 4 places, 3 booked (two paid, one unpaid)
  })
})

describe('the feed’s 服务 section', () => {
  it('lists open service group buys at the point with their next bookable slot', async () => {
    const { groupBuyId } = await publish([1, 3])
    const res = await cloud.call<{ items: { groupBuyId: string; kind: string; category: string; durationMinutes: number; nextSlot: SlotView | null }[] }>('voucher', DEMO.residents[0], { action: 'services', pickupPointId: cloud.pickupPointId })
    const item = res.data.items.find((i) => i.groupBuyId === groupBuyId)
    expect(item).toMatchObject({ kind: 'SERVICE', category: '家政', durationMinutes: 120 })
    expect(item!.nextSlot?.index).toBe(0)
    const gb = await cloud.call<{ groupBuy: { kind?: string } }>('groupBuy', DEMO.residents[0], { action: 'get', groupBuyId })
    expect(gb.data.groupBuy.kind).toBe('SERVICE')
  })
})

describe('the voucher is issued inside the payment’s transaction (#23)', () => {
  it('a paid booking gets its voucher and notice in the payment’s one commit: no write of the order outside it', async () => {
    const { groupBuyId } = await publish([5, 5])
    // A first payer wins 成团 (minimum 1): pay one, so the next payment has nothing after its count.
    await paidVoucher('svc-tx-0', groupBuyId)
    const res = await book('svc-tx-1', groupBuyId, { slotIndex: 1 })
    expect(res.ok).toBe(true)
    const seen = await atTheSeam(cloud, () => cloud.pay.pay(res.data.orderId))
    const order = (await readDoc('orders', res.data.orderId))!
    expect(order).toMatchObject({ status: 'PAID', voucherCode: expect.stringMatching(/^\d+$/), paymentFinishedAt: expect.any(Number) })
    expect(order.paymentFinishedAt).toBeGreaterThan(0)
    expect(await readDoc('vouchers', order.voucherCode)).toMatchObject({ orderId: res.data.orderId, groupBuyId })
    expect(await readDoc('notices', `voucher_${res.data.orderId}`)).toMatchObject({ kind: 'VOUCHER_ISSUED', openid: 'svc-tx-1' })
    expect(seen.calls.filter((c) => c.action === 'database.commitTransaction')).toHaveLength(1)
    expect(seen.calls.filter((c) => c.collection === 'orders' && c.action === 'database.modifyDocument' && !c.inTransaction)).toEqual([])
    expect(seen.calls.filter((c) => (c.collection === 'vouchers' || c.collection === 'notices') && !c.inTransaction)).toEqual([])
  })

  it('a keyed write of the voucher found taken inside the transaction (here its notice) aborts it whole; the ordinary steps issue the voucher once', async () => {
    const { groupBuyId } = await publish([5])
    await paidVoucher('svc-taken-0', groupBuyId)
    const res = await book('svc-taken-1', groupBuyId, { slotIndex: 0 })
    expect(res.ok).toBe(true)
    const orderId = res.data.orderId
    const now = Date.now()
    await database().collection('notices').add({ data: { _id: `voucher_${orderId}`, openid: 'svc-taken-1', kind: 'VOUCHER_ISSUED', title: 'x', body: 'x', page: 'x', createdAt: now, writtenAt: now } })
    expect((await cloud.pay.pay(orderId)).ok).toBe(true)
    const order = (await readDoc('orders', orderId))!
    expect(order).toMatchObject({ status: 'PAID', voucherCode: expect.stringMatching(/^\d+$/) })
    expect(await readAll('vouchers', { orderId })).toEqual([expect.objectContaining({ _id: order.voucherCode })])
    // Paid, booked and counted once (the sale's entries copied off the order as settle does, #23).
    await copyRidingSales()
    const sale = await readAll('ledgerEntries', { orderId, kind: 'SALE' })
    expect(sale.reduce((sum, e) => sum + e.amountFen, 0)).toBe(order.amountFen)
    expect((await readAll('participations', { groupBuyId, openid: 'svc-taken-1' }))[0].paidOrders).toBe(1)
  })
})
