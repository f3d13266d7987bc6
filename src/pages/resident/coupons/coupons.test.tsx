import { act, fireEvent, render, screen } from '@testing-library/react'
import { __reset, calls } from '../../../../test/ui/stubs/taro'
import { couponService } from '@/services/coupon'
import { userService } from '@/services/user'
import type { CouponCampaignView } from '@/shared/contracts/coupon'
import { useCouponStore } from '@/stores/coupon'
import { useSessionStore } from '@/stores/session'
import CouponsPage from '.'

jest.mock('@/services/coupon', () => ({ couponService: { listCampaigns: jest.fn(), listMine: jest.fn(), claim: jest.fn() } }))
jest.mock('@/services/user', () => ({ userService: { me: jest.fn() } }))
const svc = couponService as jest.Mocked<typeof couponService>

const now = Date.now()
const free: CouponCampaignView = {
  campaignId: 'free',
  title: '便民店满 30 减 5 元券',
  valueFen: 500,
  priceFen: 0,
  total: 100,
  remaining: 99,
  limitPerUser: 1,
  claimedByMe: 0,
  validFrom: now - 60_000,
  validTo: now + 86400_000,
  pickupPointIds: ['p1'],
}
const paid: CouponCampaignView = { ...free, campaignId: 'paid', title: '9.9 元抵 20 元券', valueFen: 2000, priceFen: 990 }

beforeEach(() => {
  __reset()
  useCouponStore.getState().reset()
  useSessionStore.getState().reset()
  jest.clearAllMocks()
  ;(userService.me as jest.Mock).mockResolvedValue({ ok: true, data: { openid: 'r1', roles: ['resident'], pickupPointId: 'p1', boundPickupPointId: null } })
  svc.listCampaigns.mockResolvedValue({ ok: true, data: { items: [free, paid] } })
  svc.listMine.mockResolvedValue({ ok: true, data: { items: [], nextCursor: null } })
})

it('offers free coupons of my pickup point to claim and paid ones to buy', async () => {
  render(<CouponsPage />)
  expect(await screen.findByText('便民店满 30 减 5 元券')).toBeTruthy()
  expect(svc.listCampaigns).toHaveBeenCalledWith('p1')
  expect((screen.getByText('购买 ¥9.90') as HTMLButtonElement).disabled).toBe(false)
  expect((screen.getByText('领取') as HTMLButtonElement).disabled).toBe(false)
})

it('a claimed coupon appears under 我的优惠券 with its code', async () => {
  svc.claim.mockResolvedValue({ ok: true, data: { couponId: 'c1', status: 'ISSUED', code: '123456789012', qrContent: 'LLT-COUPON:123456789012' } })
  render(<CouponsPage />)
  await screen.findByText('领取')
  svc.listCampaigns.mockResolvedValue({ ok: true, data: { items: [{ ...free, claimedByMe: 1, remaining: 98 }, paid] } })
  svc.listMine.mockResolvedValue({
    ok: true,
    data: {
      items: [{ couponId: 'c1', campaignId: 'free', title: free.title, valueFen: 500, code: '123456789012', qrContent: 'LLT-COUPON:123456789012', status: 'ISSUED', validFrom: free.validFrom, validTo: free.validTo, pickupPointIds: ['p1'], createdAt: now, redeemedAt: null }],
      nextCursor: null,
    },
  })
  await act(async () => {
    fireEvent.click(screen.getByText('领取'))
  })
  expect(calls.toasts).toContain('领取成功')
  expect(await screen.findByText('1234 5678 9012')).toBeTruthy()
  expect(screen.getByText('可使用')).toBeTruthy()
})

it('a member coupon is exchanged for points, and says which level it is for', async () => {
  svc.listCampaigns.mockResolvedValue({ ok: true, data: { items: [{ ...free, campaignId: 'm', title: '会员专享券', pointsPrice: 200, minLevel: 1, pointsOnRedeem: 0 }] } })
  render(<CouponsPage />)
  await act(async () => {
    await new Promise((r) => setTimeout(r, 0))
  })
  expect(screen.getByText('200 积分兑换')).toBeTruthy()
  expect(screen.getByText('会员券 · 银卡及以上')).toBeTruthy()
})
