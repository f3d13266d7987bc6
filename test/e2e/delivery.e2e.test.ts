/**
 * Issue #25, 配送到家 in a real browser against the H5 build and a fresh local cloud:
 * 1. the admin turns delivery on for a pickup point (fee, free-over threshold, buildings, a slot);
 * 2. a resident chooses 配送到家 in the join sheet (building, room, slot; the fee in the total) and sees 配送 and the
 *    slot on the order page;
 * 3. after arrival the leader sees the 配送单 by building and room, and the clerk verifies the resident's code at
 *    the door; the resident is told 已送达.
 * The scene (the group buy, other residents' orders, arrival) is set through the cloud functions; everything the
 * issue is about is done on screen.
 */
import { formatPickupWindow } from '@/shared/domain/pickup'
import { openApp, type App } from './support/app'

jest.setTimeout(240_000)

let app: App
const LEADER = 'demo-leader'
const RESIDENT = 'demo-resident-1'

beforeAll(async () => {
  app = await openApp('delivery')
})

afterAll(async () => {
  await app?.close()
})

type PointList = { items: Array<{ pickupPointId: string; delivery?: { feeFen: number; freeOverFen: number | null; buildings: string[]; slots: Array<{ startAt: number; endAt: number }> } }> }

it('admin turns 配送到家 on; a resident chooses delivery; the leader sees the 配送单; the code is verified at the door', async () => {
  const { call, pay, go, see, tap, actAs, shot, visible, fillPlaceholder, fireTimer } = app
  const me = await call<{ boundPickupPointId: string }>('user', LEADER, { action: 'me' })
  const pointId = me.boundPickupPointId

  // 1. The admin's 配送设置.
  await actAs('管理员')
  await go(`pages/admin/delivery/index?pickupPointId=${pointId}`)
  await see('配送到家')
  await fillPlaceholder('例如 3，归门店所有', '3')
  await fillPlaceholder('例如 50', '50')
  await fillPlaceholder('用空格分隔，如 1栋 2栋 10栋', '1栋 2栋 10栋')
  await tap('+ 添加明天 18:00-20:00')
  await shot('90-admin-delivery-settings')
  await tap('保存配送设置')
  await see('配送设置已保存')
  const points = await call<PointList>('user', RESIDENT, { action: 'listPickupPoints' })
  const delivery = points.items.find((p) => p.pickupPointId === pointId)!.delivery!
  expect(delivery).toMatchObject({ feeFen: 300, freeOverFen: 5000, buildings: ['1栋', '2栋', '10栋'] })
  expect(delivery.slots).toHaveLength(1)
  const slot = delivery.slots[0]
  const slotText = formatPickupWindow(slot.startAt, slot.endAt)
  expect(slotText).toMatch(/ 18:00–20:00$/) // entered and shown in China time

  // 2. A resident joins with delivery: building, room, slot; ¥19.90 + ¥3.00 配送费.
  const now = Date.now()
  const { groupBuyId } = await call<{ groupBuyId: string }>('groupBuy', LEADER, {
    action: 'create', title: '配送到家草莓', priceFen: 1990, stock: 20, minParticipants: 1, limitPerUser: 3,
    startAt: now - 60_000, endAt: now + 86_400_000, pickupPointId: pointId,
  })
  await actAs('居民A')
  await go(`pages/resident/detail/index?id=${groupBuyId}`)
  await see('配送到家草莓')
  await tap('立即参团')
  await tap('配送到家')
  await see('配送费 ¥3.00，满 ¥50.00 免配送费')
  await tap('2栋')
  await visible('#join-delivery-room input, input#join-delivery-room').first().fill('1201')
  await tap(slotText)
  await see('确认支付 ¥22.90')
  await shot('91-resident-join-delivery')
  await tap('确认支付 ¥22.90')
  await see('已支付，待到货')
  await see('2栋 1201')
  await see(slotText)
  await shot('92-resident-order-delivery')
  const mine = await call<{ items: Array<{ orderId: string; groupBuyId: string; amountFen: number }> }>('order', RESIDENT, { action: 'listMine' })
  const order = mine.items.find((o) => o.groupBuyId === groupBuyId)!
  expect(order.amountFen).toBe(2290)

  // Two neighbours, by the cloud functions: 10栋 and another door in 2栋.
  for (const [openid, building, room] of [['demo-resident-2', '10栋', '101'], ['demo-resident-3', '2栋', '301']]) {
    const joined = await call<{ orderId: string }>('groupBuy', openid, { action: 'join', groupBuyId, quantity: 1, requestId: `e2e-dl-${openid}`, fulfilment: 'DELIVERY', building, room, slot })
    await pay(joined.orderId)
  }
  await call('groupBuy', LEADER, { action: 'markArrived', groupBuyId })

  // 3. The leader's 配送单: by building (2栋 before 10栋), rooms in order (301 before 1201).
  await actAs('团长')
  await go('pages/resident/me/index')
  await tap('配送单')
  await see('待配送 3 单 · 3 件')
  await see('2栋（2 户）')
  await see('10栋（1 户）')
  const rooms = await visible('.delivery__room').allTextContents()
  expect(rooms).toEqual(['301', '1201', '101'])
  await shot('93-leader-delivery-list')

  // The clerk delivering types the resident's code at the door.
  const { order: withCode } = await call<{ order: { pickupCode: string } }>('order', RESIDENT, { action: 'get', orderId: order.orderId })
  await actAs('店员')
  await go('pages/clerk/delivery/index')
  await see('待配送 3 单 · 3 件')
  await visible('#door-code input, input#door-code').first().fill(withCode.pickupCode)
  await tap('确认送达')
  await see('已送达：配送到家草莓 ×1')
  await see('待配送 2 单 · 2 件')
  await shot('94-clerk-door-verified')
  // The same code again: refused, exactly once.
  await visible('#door-code input, input#door-code').first().fill(withCode.pickupCode)
  await tap('确认送达')
  await see(/核销失败：该提货码已使用/)

  const after = await call<{ order: { status: string } }>('order', RESIDENT, { action: 'get', orderId: order.orderId })
  expect(after.order.status).toBe('PICKED_UP')

  // The resident is told 已送达 at once; the 成团 and 到货 messages' in-app notices come with settle's next tick
  // (written there in batches, #23), which runs every minute.
  await fireTimer('settle')
  await actAs('居民A')
  await go('pages/resident/notices/index')
  await see('已送达')
  await see('商品已到货')
  await see('拼团成功')
  await shot('95-resident-delivered-notice')
})
