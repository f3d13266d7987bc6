/** A merchant's own campaigns with issued / redeemed counts (the 券活动 list of the merchant screens). */
import type { CouponClaimIssued, CouponOutputs } from '@shared/contracts/coupon'
import { DEMO, errorCode, expectOk, startHarness, type Harness } from './support/pickup-coupon'

jest.setTimeout(60_000)

let h: Harness
const OTHER_MERCHANT = 'campaigns-other-merchant'

beforeAll(async () => {
  h = await startHarness()
  expectOk(await h.call('admin', DEMO.admin, { action: 'grantRole', openid: OTHER_MERCHANT, role: 'merchant' }))
})
afterAll(() => h.cloud.close())

it('counts what was issued and what clerks redeemed, for the merchant’s own campaigns only', async () => {
  const now = Date.now()
  const { campaignId } = expectOk(
    await h.call<CouponOutputs['createCampaign']>('coupon', DEMO.merchant, {
      action: 'createCampaign', title: '满 20 减 3', valueFen: 300, priceFen: 0, total: 10, limitPerUser: 1, validFrom: now - 60_000, validTo: now + 86_400_000, pickupPointIds: [h.pointId],
    }),
  )
  const codes: string[] = []
  for (const who of DEMO.residents.slice(0, 3)) codes.push(expectOk(await h.call<CouponClaimIssued>('coupon', who, { action: 'claim', campaignId, requestId: `mine-${who}-1` })).code)
  expectOk(await h.call('coupon', DEMO.clerk, { action: 'redeem', code: codes[0] }))
  // A second redemption of the same code is refused and counts nothing.
  expect(errorCode(await h.call('coupon', DEMO.clerk, { action: 'redeem', code: codes[0] }))).toBe('COUPON.ALREADY_REDEEMED')

  const mine = expectOk(await h.call<CouponOutputs['listMyCampaigns']>('coupon', DEMO.merchant, { action: 'listMyCampaigns' }))
  expect(mine.items.find((c) => c.campaignId === campaignId)).toMatchObject({ total: 10, issued: 3, redeemed: 1 })
  const times = mine.items.map((c) => c.createdAt)
  expect([...times].sort((a, b) => b - a)).toEqual(times)

  const other = expectOk(await h.call<CouponOutputs['listMyCampaigns']>('coupon', OTHER_MERCHANT, { action: 'listMyCampaigns' }))
  expect(other.items).toEqual([])
  expect(errorCode(await h.call('coupon', DEMO.residents[0], { action: 'listMyCampaigns' }))).toBe('AUTH.FORBIDDEN')
})
