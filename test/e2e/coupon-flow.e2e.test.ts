/**
 * Coupons in a real browser against the H5 build and a fresh local cloud (its seed has one free campaign at the
 * first pickup point): a resident claims it and sees code + QR; the clerk redeems it once, and a second time is
 * refused as already redeemed.
 */
import { openApp, type App } from './support/app'

jest.setTimeout(120_000)

let app: App

beforeAll(async () => {
  app = await openApp('coupon')
})

afterAll(async () => {
  await app?.close()
})

it('a free coupon is claimed, redeemed once, and refused the second time', async () => {
  const { go, shot, visible, byText, tap, see, actAs, enterAtCounter } = app
  // 1. Resident A claims the free coupon at their pickup point.
  await actAs('居民A')
  await go('pages/resident/coupons/index')
  await see('便民店满 30 减 5 元券')
  await see('¥5.00')
  await shot('10-resident-coupon-centre')
  await tap('领取')
  // A claimed coupon: the centre says so and 我的优惠券 shows it with its code, QR and validity.
  await see('可使用')
  const code = ((await visible('.coupon-code__code').first().textContent()) ?? '').replace(/\s/g, '')
  expect(code).toMatch(/^\d{12}$/)
  await expect(visible('.coupon-code__qr img, img.coupon-code__qr').first().getAttribute('src')).resolves.toMatch(/^data:image\/gif;base64,/)
  await see(/^有效期 /)
  await byText('领取成功').waitFor({ state: 'hidden' })
  await shot('11-resident-my-coupon')
  await tap('领券中心')
  await see('已领取')

  // 2. The clerk of that pickup point redeems it: success, then 已核销 on a second try.
  await actAs('店员')
  await tap('核销台')
  await enterAtCounter(code)
  await see('核销成功')
  await see('抵扣 ¥5.00')
  await shot('12-clerk-coupon-redeemed')
  await tap('继续核销')
  await enterAtCounter(code)
  await see('核销失败')
  await see('该优惠券已核销，请勿重复使用')
  await shot('13-clerk-coupon-already-redeemed')

  // 3. Back on the resident's phone the coupon reads as used.
  await actAs('居民A')
  await go('pages/resident/coupons/index')
  await tap(/^我的优惠券/)
  await see('已核销')
})
