import { act, fireEvent, render, screen } from '@testing-library/react'
import { __reset, calls } from '../../../../test/ui/stubs/taro'
import { couponService } from '@/services/coupon'
import { userService } from '@/services/user'
import { useMerchantStore } from '@/stores/merchant'
import { useSessionStore } from '@/stores/session'
import MerchantCampaignPage from '.'

jest.mock('@/services/coupon', () => ({ couponService: { createCampaign: jest.fn(), listMyCampaigns: jest.fn() } }))
jest.mock('@/services/user', () => ({ userService: { listPickupPoints: jest.fn() } }))
const coupon = couponService as jest.Mocked<typeof couponService>

beforeEach(() => {
  __reset()
  useMerchantStore.getState().reset()
  useSessionStore.getState().reset()
  jest.clearAllMocks()
  coupon.listMyCampaigns.mockResolvedValue({ ok: true, data: { items: [], nextCursor: null } })
})

it('creates a free coupon valid at the chosen pickup point (value in ¥, sent in fen)', async () => {
  ;(userService.listPickupPoints as jest.Mock).mockResolvedValue({ ok: true, data: { items: [{ pickupPointId: 'pp1', name: '幸福里社区', address: 'a', storeName: '便民店' }] } })
  coupon.createCampaign.mockResolvedValue({ ok: true, data: { campaignId: 'k1', notified: 0 } })
  render(<MerchantCampaignPage />)
  fireEvent.change(screen.getByPlaceholderText('例如：满 30 减 5 元券'), { target: { value: '满 30 减 5 元券' } })
  fireEvent.change(screen.getByPlaceholderText('到店抵扣的金额'), { target: { value: '5' } })
  await act(async () => {
    fireEvent.click(screen.getByText('创建优惠券'))
  })
  expect(screen.getByText('至少选择一个自提点')).toBeTruthy()
  expect(coupon.createCampaign).not.toHaveBeenCalled()
  fireEvent.click(await screen.findByText('幸福里社区（便民店）'))
  await act(async () => {
    fireEvent.click(screen.getByText('创建优惠券'))
  })
  expect(coupon.createCampaign).toHaveBeenCalledWith(expect.objectContaining({ title: '满 30 减 5 元券', valueFen: 500, priceFen: 0, total: 100, limitPerUser: 1, pickupPointIds: ['pp1'] }))
  expect(calls.toasts).toContain('优惠券已创建')
})

it('pickup points that cannot be loaded are said so, with a retry', async () => {
  ;(userService.listPickupPoints as jest.Mock).mockResolvedValue({ ok: false, error: { code: 'CLIENT.NETWORK', message: 'x' } })
  render(<MerchantCampaignPage />)
  expect(await screen.findByText('网络开小差了，请检查网络后重试')).toBeTruthy()
  expect(screen.getByText('重试')).toBeTruthy()
})
