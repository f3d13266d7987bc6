/**
 * Issue #22, pickup day in a real browser against the H5 build and a fresh local cloud:
 * 1. a resident gives a 收货人 in the join sheet and sees the 自提点, address and 提货时间 on the detail and order pages;
 * 2. the clerk finds that order by the phone's last 4 digits and hands it over from the list;
 * 3. the leader closes a full 帮卖 group early (截团) and signs off arrival the same minute.
 * The scene (pickup point hours, group buys, other residents' payments) is set through the cloud functions;
 * everything the issue is about is done on screen.
 */
import { openApp, type App } from './support/app'

jest.setTimeout(240_000)

let app: App
const LEADER = 'demo-leader'
const RESIDENT = 'demo-resident-1'

beforeAll(async () => {
  app = await openApp('pickup-day')
})

afterAll(async () => {
  await app?.close()
})

/** Tomorrow 16:00–20:00 Beijing time, as epoch ms, and how the pages print it. */
function tomorrowEvening(): { start: number; end: number; text: string } {
  const cst = new Date(Date.now() + 8 * 3600_000)
  const day = Date.UTC(cst.getUTCFullYear(), cst.getUTCMonth(), cst.getUTCDate() + 1) - 8 * 3600_000
  const d = new Date(day + 8 * 3600_000)
  return { start: day + 16 * 3600_000, end: day + 20 * 3600_000, text: `${d.getUTCMonth() + 1}月${d.getUTCDate()}日 16:00–20:00` }
}

it('resident: 收货人 once in the join sheet; 自提点, address and 提货时间 on the detail and order pages', async () => {
  const { call, go, see, tap, actAs, shot, visible } = app
  const me = await call<{ boundPickupPointId: string }>('user', LEADER, { action: 'me' })
  const pointId = me.boundPickupPointId
  await call('admin', LEADER, { action: 'updatePickupPoint', pickupPointId: pointId, openingHours: '每天 8:00–21:00', contactPhone: '021-5555 0101' })
  const window = tomorrowEvening()
  const now = Date.now()
  const { groupBuyId } = await call<{ groupBuyId: string }>('groupBuy', LEADER, {
    action: 'create', title: '提货日草莓', priceFen: 1990, stock: 20, minParticipants: 1, limitPerUser: 3,
    startAt: now - 60_000, endAt: now + 86_400_000, pickupPointId: pointId, pickupStartAt: window.start, pickupEndAt: window.end,
  })

  await actAs('居民A')
  await go(`pages/resident/detail/index?id=${groupBuyId}`)
  await see('提货日草莓')
  await see('幸福里小区 3 号楼底商')
  await see(window.text)
  await shot('70-resident-detail-pickup-place')
  await tap('立即参团')
  await visible('#join-contact-name input, input#join-contact-name').first().fill('王阿姨')
  await visible('#join-contact-phone input, input#join-contact-phone').first().fill('13812345678')
  await visible('#join-contact-note input, input#join-contact-note').first().fill('3-201')
  await shot('71-resident-join-contact')
  await tap('确认支付 ¥19.90')
  await see('已支付，待到货')
  await see('幸福里小区 3 号楼底商')
  await see(window.text)
  await see('每天 8:00–21:00')
  await shot('72-resident-order-pickup-place')

  // The contact was stored once, phone masked: the next join does not ask again.
  const stored = await call<{ contact: { name: string; phoneMasked: string } }>('user', RESIDENT, { action: 'me' })
  expect(stored.contact).toMatchObject({ name: '王阿姨', phoneMasked: '138****5678' })

  // 2. The goods arrive; the clerk looks the order up by the phone's last 4 digits and hands it over from the list.
  await call('groupBuy', LEADER, { action: 'markArrived', groupBuyId })
  await actAs('店员')
  await go('pages/clerk/today/index')
  await see('待提货订单')
  await visible('#clerk-search input, input#clerk-search').first().fill('5678')
  await see('找到 1 单')
  await see('王阿姨 · 尾号5678 · 3-201')
  await shot('73-clerk-search-phone-tail')
  await visible('.clerk-today__search .clerk-today__hand').first().click()
  await see('核对后交付')
  await shot('74-clerk-hand-over-confirm')
  await tap('确定')
  await see('找到 0 单')
  await see(/今日已提货 1 单/)
  await shot('75-clerk-handed-over')
  const order = await call<{ order: { status: string } }>('order', RESIDENT, {
    action: 'get', orderId: (await call<{ items: Array<{ orderId: string; groupBuyId: string }> }>('order', RESIDENT, { action: 'listMine' })).items.find((o) => o.groupBuyId === groupBuyId)!.orderId,
  })
  expect(order.order.status).toBe('PICKED_UP')
})

it('leader: closes a full 帮卖 group early and signs off arrival the same minute', async () => {
  const { call, pay, go, see, tap, actAs, shot, visible } = app
  const open = await call<{ items: Array<{ offerId: string; lowestPriceFen: number; maxPriceFen: number }> }>('supply', LEADER, { action: 'listOpen' })
  const offer = open.items[0]
  const { groupBuyId } = await call<{ groupBuyId: string }>('groupBuy', LEADER, {
    action: 'createFromOffer', offerId: offer.offerId, priceFen: offer.maxPriceFen, stock: 10, minParticipants: 2, limitPerUser: 2,
  })
  for (const r of ['demo-resident-2', 'demo-resident-3']) {
    const { orderId } = await call<{ orderId: string }>('groupBuy', r, { action: 'join', groupBuyId, quantity: 1, requestId: `e2e-close-${r}` })
    await pay(orderId)
  }

  await actAs('团长')
  await go(`pages/leader/group/index?id=${groupBuyId}`)
  await see('参团名单（2）')
  // Full, but a 帮卖 group ships at its end: 确认到货 waits for 截团 instead of failing after a tap.
  await see('已成团：截团后即可确认到货（帮卖货品按截团时的数量发货）')
  await shot('76-leader-full-before-close')
  await tap('截团')
  await tap('确定')
  await see('已截团，可以确认到货了')
  const startedAt = Date.now()
  await see('已结束')
  await expect(visible('.leader-group__hint').count()).resolves.toBe(0)
  await visible('.leader-group__arrive').first().click()
  await tap('确认全部到货')
  await see(/已于 .* 确认到货/)
  expect(Date.now() - startedAt).toBeLessThan(60_000)
  await shot('77-leader-closed-and-arrived')
  const gb = await call<{ groupBuy: { status: string; arrivedAt: number | null } }>('groupBuy', LEADER, { action: 'get', groupBuyId })
  expect(gb.groupBuy.status).toBe('CLOSED')
  expect(gb.groupBuy.arrivedAt).not.toBeNull()
})
