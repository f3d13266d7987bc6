/**
 * Issue #25, services sold as vouchers, in a real browser against the H5 build and a fresh local cloud:
 * a resident finds a 家政 service in the feed's 服务 tab, picks a slot and pays; the order page shows the voucher
 * (code + QR); the provider (the merchant) types the code on its 服务核销 page, sees it in 今日预约, and the
 * resident's voucher reads 已核销. The scene (the service product and its slots) is set through the cloud functions.
 */
import { openApp, type App } from './support/app'

jest.setTimeout(240_000)

let app: App
const MERCHANT = 'demo-merchant'
const LEADER = 'demo-leader'

beforeAll(async () => {
  app = await openApp('services')
})

afterAll(async () => {
  await app?.close()
})

it('a resident books a 家政 slot and the provider redeems the voucher', async () => {
  const { call, go, see, tap, actAs, shot, visible, page } = app
  const me = await call<{ boundPickupPointId: string }>('user', LEADER, { action: 'me' })
  const pointId = me.boundPickupPointId
  // The merchant's service: one of its catalogue photos, 2 hours, served at the demo pickup point.
  const mine = await call<{ items: { images: string[] }[] }>('catalog', MERCHANT, { action: 'listMine' })
  const { productId } = await call<{ productId: string }>('catalog', MERCHANT, {
    action: 'createProduct', kind: 'SERVICE', name: '日常保洁 2 小时', unit: '次', category: '家政', images: [mine.items[0].images[0]],
    description: '自带清洁工具，厨房卫生间深度清洁', supplyPriceFen: 6000, suggestedPriceFen: 9900, durationMinutes: 120, servingPointIds: [pointId], serviceArea: '幸福里小区及周边 3 公里',
  })
  // Slots later today/tomorrow in whole hours (so the page's times are stable to read).
  const hour = 3600_000
  const base = Math.ceil(Date.now() / hour) * hour + 2 * hour
  const { groupBuyId } = await call<{ groupBuyId: string }>('voucher', MERCHANT, {
    action: 'publish', productId, pickupPointId: pointId, priceFen: 8800, originalPriceFen: 9900,
    slots: [{ startAt: base, endAt: base + 2 * hour, capacity: 2 }, { startAt: base + 3 * hour, endAt: base + 5 * hour, capacity: 1 }],
  })

  // 1. The resident: the feed's 服务 tab, the service page's slot picker, pay.
  await actAs('居民A')
  await go('pages/resident/home/index')
  await tap(/^服务/)
  await see('日常保洁 2 小时')
  await see('服务范围：幸福里小区及周边 3 公里')
  await shot('96-resident-feed-services')
  await tap('日常保洁 2 小时')
  await see('选择预约时段')
  await see('剩 2 个名额')
  await visible('.slot-picker__slot[data-slot-index="0"]').first().click()
  await shot('97-resident-service-slot-picker')
  await tap('预约并支付 ¥88.00')

  // 2. The order page: the voucher, its code and QR, the slot; 随时退 and 改约 offered before the slot.
  await see('服务券')
  await see('已支付，待服务')
  const code = (await visible('#voucher-code-value').first().innerText()).trim()
  expect(code).toMatch(/^\d{10}$/)
  await visible('.voucher-card__qr').first().waitFor()
  await see('随时退')
  await see('改约')
  await shot('98-resident-order-voucher')

  // The slot's place is taken: the picker shows 1 left.
  const slots = await call<{ slots: { left: number }[] }>('voucher', MERCHANT, { action: 'slots', groupBuyId })
  expect(slots.slots.map((s) => s.left)).toEqual([1, 1])

  // 3. The provider: 我的 → 服务核销 · 今日预约, type the code, 核销.
  await actAs('商家')
  await tap('服务核销 · 今日预约')
  await see('核销服务券')
  await visible('#voucher-code-input input, input#voucher-code-input').first().fill(code)
  await visible('#voucher-redeem').first().click()
  await see('核销成功：日常保洁 2 小时')
  const slotDay = new Date(base + 8 * hour).getUTCDate() === new Date(Date.now() + 8 * hour).getUTCDate()
  if (slotDay) await see('已核销')
  await shot('99-provider-redeem-today')

  // A second scan of the same code is refused.
  await visible('#voucher-code-input input, input#voucher-code-input').first().fill(code)
  await visible('#voucher-redeem').first().click()
  await see('该服务券已核销，请勿重复核销')

  // 4. The resident's voucher reads 已核销.
  const orders = await call<{ items: { orderId: string; groupBuyId: string }[] }>('order', 'demo-resident-1', { action: 'listMine' })
  const order = orders.items.find((o) => o.groupBuyId === groupBuyId)!
  await actAs('居民A')
  await go(`pages/resident/order/index?id=${order.orderId}`)
  await see('已核销')
  await shot('100-resident-voucher-redeemed')
  expect(page).toBeTruthy()
})
