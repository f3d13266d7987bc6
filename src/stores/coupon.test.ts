import { couponService } from '@/services/coupon'
import type { CouponCampaignView } from '@/shared/contracts/coupon'
import { isClaimableHere, useCouponStore } from './coupon'

jest.mock('@/services/coupon', () => ({ couponService: { listCampaigns: jest.fn(), listMine: jest.fn(), claim: jest.fn() } }))
const svc = couponService as jest.Mocked<typeof couponService>

const campaign: CouponCampaignView = {
  campaignId: 'k1',
  title: '满 30 减 5',
  valueFen: 500,
  priceFen: 0,
  total: 100,
  remaining: 100,
  limitPerUser: 1,
  claimedByMe: 0,
  validFrom: 1,
  validTo: 2,
  pickupPointIds: ['p1'],
}

beforeEach(() => {
  useCouponStore.getState().reset()
  jest.clearAllMocks()
  svc.listCampaigns.mockResolvedValue({ ok: true, data: { items: [campaign] } })
  svc.listMine.mockResolvedValue({ ok: true, data: { items: [], nextCursor: null } })
})

it('lists the campaigns of my pickup point', async () => {
  await useCouponStore.getState().refresh('p1')
  expect(svc.listCampaigns).toHaveBeenCalledWith('p1')
  expect(useCouponStore.getState().campaigns).toHaveLength(1)
})

it('a retried claim re-sends the same requestId; a new claim after success gets a new one', async () => {
  svc.claim.mockResolvedValueOnce({ ok: false, error: { code: 'CLIENT.NETWORK', message: 'timeout' } })
  expect(await useCouponStore.getState().claim('k1', 'p1')).toBe(false)
  svc.claim.mockResolvedValueOnce({ ok: true, data: { couponId: 'c1', status: 'ISSUED', code: '123456789012', qrContent: 'LLT-COUPON:123456789012' } })
  expect(await useCouponStore.getState().claim('k1', 'p1')).toBe(true)
  const [first, second] = svc.claim.mock.calls.map((c) => c[1])
  expect(second).toBe(first)

  svc.claim.mockResolvedValueOnce({ ok: true, data: { couponId: 'c2', status: 'ISSUED', code: '123456789013', qrContent: 'LLT-COUPON:123456789013' } })
  await useCouponStore.getState().claim('k1', 'p1')
  expect(svc.claim.mock.calls[2][1]).not.toBe(first)
})

it('sold-out and already-claimed campaigns are not claimable; paid ones are (bought)', () => {
  expect(isClaimableHere(campaign)).toBe(true)
  expect(isClaimableHere({ ...campaign, priceFen: 990 })).toBe(true)
  expect(isClaimableHere({ ...campaign, remaining: 0 })).toBe(false)
  expect(isClaimableHere({ ...campaign, claimedByMe: 1 })).toBe(false)
})
