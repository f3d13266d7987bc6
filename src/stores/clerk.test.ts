import { pickupService } from '@/services/pickup'
import { normalizePickupCode, useClerkStore } from './clerk'

jest.mock('@/services/pickup', () => ({ pickupService: { verify: jest.fn(), today: jest.fn() } }))
const verify = pickupService.verify as jest.Mock

beforeEach(() => {
  useClerkStore.getState().reset()
  jest.clearAllMocks()
})

it('reads codes the way clerks type them', () => {
  expect(normalizePickupCode(' ab 12-34 ')).toBe('AB1234')
})

it('keeps the outcome of the last verification for the result screen', async () => {
  verify.mockResolvedValueOnce({ ok: true, data: { orderId: 'o1', groupBuyId: 'g1', quantity: 2, status: 'PICKED_UP', title: '草莓' } })
  await useClerkStore.getState().verify('1234 56')
  expect(verify).toHaveBeenCalledWith('123456')
  expect(useClerkStore.getState().result).toMatchObject({ kind: 'success', data: { quantity: 2 } })

  verify.mockResolvedValueOnce({ ok: false, error: { code: 'PICKUP.ALREADY_USED', message: '' } })
  await useClerkStore.getState().verify('123456')
  expect(useClerkStore.getState().result).toMatchObject({ kind: 'failure', error: { code: 'PICKUP.ALREADY_USED' } })
})

it('ignores an empty code', async () => {
  expect(await useClerkStore.getState().verify('  ')).toBeNull()
  expect(verify).not.toHaveBeenCalled()
})
