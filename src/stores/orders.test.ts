import { orderService } from '@/services/order'
import type { OrderView } from '@/shared/contracts/order'
import { PAY_POLL, useOrdersStore } from './orders'

jest.mock('@/services/order', () => ({ orderService: { get: jest.fn(), pay: jest.fn(), cancel: jest.fn(), listMine: jest.fn() } }))
const get = orderService.get as jest.Mock

const order = (status: OrderView['status']): OrderView => ({
  orderId: 'o1', groupBuyId: 'g1', title: '阳光玫瑰', quantity: 1, priceFen: 1990, amountFen: 1990, status,
  createdAt: 0, expiresAt: 0, paidAt: status === 'PENDING_PAYMENT' ? null : 1, readyAt: null, pickedUpAt: null,
  refundedAt: null, pickupCode: null, pickupExpiresAt: null, servedQuantity: 1, refundedFen: 0,
})

beforeEach(() => {
  useOrdersStore.getState().reset()
  jest.clearAllMocks()
  PAY_POLL.intervalMs = 1
})

it('after paying, waits for the payment callback and shows the order as paid', async () => {
  ;(orderService.pay as jest.Mock).mockResolvedValue({ ok: true, data: null })
  get
    .mockResolvedValueOnce({ ok: true, data: { order: order('PENDING_PAYMENT') } })
    .mockResolvedValueOnce({ ok: true, data: { order: order('PENDING_PAYMENT') } })
    .mockResolvedValue({ ok: true, data: { order: order('PAID') } })
  expect(await useOrdersStore.getState().pay('o1')).toBe(true)
  expect(useOrdersStore.getState().current?.status).toBe('PAID')
  expect(useOrdersStore.getState().acting).toBe(false)
})

it('a refused cancel keeps the order and reports why', async () => {
  ;(orderService.cancel as jest.Mock).mockResolvedValue({ ok: false, error: { code: 'ORDER.NOT_CANCELLABLE', message: '' } })
  expect(await useOrdersStore.getState().cancel('o1')).toBe(false)
  expect(useOrdersStore.getState().actionError?.code).toBe('ORDER.NOT_CANCELLABLE')
})
