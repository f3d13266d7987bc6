import { couponService } from '@/services/coupon'
import { pickupService } from '@/services/pickup'
import { readCounterCode, useClerkStore } from './clerk'

jest.mock('@/services/pickup', () => ({ pickupService: { verify: jest.fn(), today: jest.fn() } }))
jest.mock('@/services/coupon', () => ({ couponService: { redeem: jest.fn() } }))
const verify = pickupService.verify as jest.Mock
const today = pickupService.today as jest.Mock
const redeem = couponService.redeem as jest.Mock

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
