import { act, fireEvent, render, screen } from '@testing-library/react'
import { __reset, calls } from '../../../../test/ui/stubs/taro'
import { groupBuyService } from '@/services/group-buy'
import type { GroupBuyView } from '@/shared/contracts/group-buy'
import { useGroupBuyStore } from '@/stores/group-buy'
import { useLeaderStore } from '@/stores/leader'
import { useSupplyStore } from '@/stores/supply'
import LeaderGroupPage from '.'

jest.mock('@/services/group-buy', () => ({ groupBuyService: { get: jest.fn(), participants: jest.fn(), pickList: jest.fn(), markArrived: jest.fn() } }))
const gbs = groupBuyService as jest.Mocked<typeof groupBuyService>

const gb: GroupBuyView & { myQuantity: number } = {
  groupBuyId: 'g1', title: '赣南脐橙', description: '', images: [], unit: '箱', priceFen: 3590, originalPriceFen: null, stock: 20, stockLeft: 17,
  minParticipants: 2, paidParticipants: 2, limitPerUser: 3, startAt: 1, endAt: 2, pickupPointId: 'pp1', status: 'CLOSED', createdAt: 0,
  arrivedAt: null, imageUrls: ['http://h/a.png'], offerId: 'o1', merchantId: 'demo-merchant', myQuantity: 0,
}

beforeEach(() => {
  __reset({ id: 'g1' })
  useGroupBuyStore.getState().reset()
  useLeaderStore.getState().reset()
  useSupplyStore.getState().reset()
  jest.clearAllMocks()
  gbs.get.mockResolvedValue({ ok: true, data: { groupBuy: gb } })
  gbs.participants.mockResolvedValue({ ok: true, data: { items: [], nextCursor: null } })
  gbs.pickList.mockResolvedValue({
    ok: true,
    data: { items: [{ seq: 1, maskedName: '张**', quantity: 1, servedQuantity: 1, status: 'PAID' }, { seq: 2, maskedName: '李**', quantity: 2, servedQuantity: 2, status: 'PAID' }] },
  })
})

it('a short arrival is signed off with the quantity that came, and the refund is reported', async () => {
  gbs.markArrived.mockResolvedValue({ ok: true, data: { readyOrders: 2, shortOrders: 1, refundedFen: 3590 } })
  const { container } = render(<LeaderGroupPage />)
  const signOff = await screen.findByText('确认到货', { selector: 'button' })
  await act(async () => {
    fireEvent.click(signOff)
  })
  expect(await screen.findByText('应到 3箱，实到')).toBeTruthy()
  fireEvent.click(container.querySelector('.nut-inputnumber-minus') as Element)
  expect(await screen.findByText('#2 李**：应发 2，实发 1，退 ¥35.90')).toBeTruthy()
  await act(async () => {
    fireEvent.click(screen.getByText('确认到货 2箱 并退款'))
  })
  expect(gbs.markArrived).toHaveBeenCalledWith('g1', 2)
  expect(calls.toasts).toEqual(['已通知 2 位团员提货，1 单缺货已退 ¥35.90'])
})

it('a refused sign-off is worded, not raw', async () => {
  gbs.markArrived.mockResolvedValue({ ok: false, error: { code: 'GROUP_BUY.NOT_SUCCEEDED', message: 'status OPEN' } })
  render(<LeaderGroupPage />)
  const signOff = await screen.findByText('确认到货', { selector: 'button' })
  await act(async () => {
    fireEvent.click(signOff)
  })
  const all = await screen.findByText('确认全部到货')
  await act(async () => {
    fireEvent.click(all)
  })
  expect(gbs.markArrived).toHaveBeenCalledWith('g1', undefined)
  expect(calls.toasts).toEqual(['团购尚未成团，暂不能确认到货'])
})
