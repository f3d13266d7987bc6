import { couponService } from '@/services/coupon'
import { pickupService } from '@/services/pickup'
import { readCounterCode, readSearch, useClerkStore } from './clerk'

jest.mock('@/services/pickup', () => ({ pickupService: { verify: jest.fn(), today: jest.fn(), handOver: jest.fn() } }))
jest.mock('@/services/coupon', () => ({ couponService: { redeem: jest.fn() } }))
const verify = pickupService.verify as jest.Mock
const today = pickupService.today as jest.Mock
const redeem = couponService.redeem as jest.Mock
const handOver = pickupService.handOver as jest.Mock

beforeEach(() => {
  useClerkStore.getState().reset()
  jest.clearAllMocks()
})

it('tells a pickup code from a coupon code the way clerks type or scan them', () => {
  expect(readCounterCode(' 1234 56-78 ')).toEqual({ kind: 'pickup', code: '12345678' })
  expect(readCounterCode('1234 5678 9012')).toEqual({ kind: 'coupon', code: '123456789012' })
  expect(readCounterCode('LLT-COUPON:123456789012')).toEqual({ kind: 'coupon', code: '123456789012' })
  expect(readCounterCode('123456')).toBeNull()
  expect(readCounterCode('abcd1234')).toBeNull()
  expect(readCounterCode('  ')).toBeNull()
})

it('keeps the outcome of the last pickup verification for the result screen', async () => {
  verify.mockResolvedValueOnce({ ok: true, data: { orderId: 'o1', groupBuyId: 'g1', quantity: 2, status: 'PICKED_UP', title: '草莓', maskedName: '张**' } })
  await useClerkStore.getState().verify({ kind: 'pickup', code: '12345678' })
  expect(verify).toHaveBeenCalledWith('12345678')
  expect(useClerkStore.getState().result).toMatchObject({ kind: 'success', what: 'pickup', data: { quantity: 2 } })

  verify.mockResolvedValueOnce({ ok: false, error: { code: 'PICKUP.ALREADY_USED', message: '' } })
  await useClerkStore.getState().verify({ kind: 'pickup', code: '12345678' })
  expect(useClerkStore.getState().result).toMatchObject({ kind: 'failure', what: 'pickup', error: { code: 'PICKUP.ALREADY_USED' } })
})

it('sends a coupon code to coupon.redeem, never to pickup.verify', async () => {
  redeem.mockResolvedValueOnce({ ok: true, data: { couponId: 'c1', campaignId: 'k1', title: '满 30 减 5', valueFen: 500, status: 'REDEEMED' } })
  await useClerkStore.getState().verify({ kind: 'coupon', code: '123456789012' })
  expect(redeem).toHaveBeenCalledWith('123456789012')
  expect(verify).not.toHaveBeenCalled()
  expect(useClerkStore.getState().result).toMatchObject({ kind: 'success', what: 'coupon', data: { valueFen: 500 } })
})

it("keeps today's counts and recent attempts from the first page", async () => {
  today.mockResolvedValueOnce({
    ok: true,
    data: { items: [], nextCursor: null, counts: { readyCount: 3, pickedUpToday: 1 }, recent: [{ kind: 'pickup', outcome: 'PICKED_UP', orderId: 'o1', couponId: null, at: 1 }] },
  })
  await useClerkStore.getState().refreshToday()
  expect(useClerkStore.getState().todayHeader.counts).toEqual({ readyCount: 3, pickedUpToday: 1 })
  expect(useClerkStore.getState().todayHeader.recent).toHaveLength(1)
})

const readyItem = (over: Record<string, unknown>) => ({
  orderId: 'o1', groupBuyId: 'g1', title: '草莓', quantity: 3, servedQuantity: 3, leftQuantity: 3, seq: 12, maskedName: '邻居**',
  contact: { name: '王阿姨', phoneTail: '5678', note: null }, readyAt: 1, pickupExpiresAt: 2, ...over,
})

it('reads the counter search: 4 digits are a phone tail (server), 1–3 digits a 跟团号 (the loaded list)', async () => {
  expect(readSearch('5678')).toEqual({ kind: 'tail', tail: '5678' })
  expect(readSearch('12')).toEqual({ kind: 'seq', seq: 12 })
  expect(readSearch('0')).toBeNull()
  expect(readSearch('')).toBeNull()
  today.mockResolvedValueOnce({ ok: true, data: { items: [readyItem({})], nextCursor: null } })
  await useClerkStore.getState().searchToday('5678')
  expect(today).toHaveBeenCalledWith(undefined, '5678')
  expect(useClerkStore.getState().search.results).toHaveLength(1)
})

it('hands over part of an order from the list and refreshes 待提货', async () => {
  handOver.mockResolvedValueOnce({ ok: true, data: { orderId: 'o1', quantity: 2, leftQuantity: 1, status: 'READY_FOR_PICKUP', orders: [], via: 'list' } })
  today.mockResolvedValue({ ok: true, data: { items: [readyItem({ leftQuantity: 1 })], nextCursor: null } })
  const r = await useClerkStore.getState().handOver('o1', 2)
  expect(handOver).toHaveBeenCalledWith('o1', 2)
  expect(r).toMatchObject({ kind: 'success', data: { quantity: 2, leftQuantity: 1 } })
  expect(useClerkStore.getState().today.items[0]).toMatchObject({ leftQuantity: 1 })
})
