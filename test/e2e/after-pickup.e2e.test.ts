/**
 * Issue #12 in a real browser: after pickup the resident rates the order and asks for 售后 on the order page,
 * sees points on 我的, and the leader approves the case in the 售后 inbox (the setup is made through the functions).
 */
import { openApp, type App } from './support/app'

jest.setTimeout(240_000)
let app: App
afterAll(async () => app?.close())

it('rate, ask for 售后, see points, the leader approves', async () => {
  app = await openApp('after-pickup')
  const { page, go, tap, see, actAs, shot } = app
  await go('pages/resident/home/index')
  const call = (fn: string, openid: string, body: object) =>
    page.evaluate(async ([f, o, b]) => (await fetch(`/fn/${f}`, { method: 'POST', headers: { 'Content-Type': 'application/json', 'X-WX-OPENID': o as string }, body: JSON.stringify(b) })).json(), [fn, openid, body] as const)
  const me = (await call('user', 'demo-leader', { action: 'me' })) as { data: { boundPickupPointId: string } }
  const now = Date.now()
  const gb = (await call('groupBuy', 'demo-leader', { action: 'create', title: '阳山水蜜桃 5 斤', priceFen: 3990, stock: 50, minParticipants: 1, limitPerUser: 5, startAt: now - 1000, endAt: now + 86400000, pickupPointId: me.data.boundPickupPointId })) as { data: { groupBuyId: string } }
  const joined = (await call('groupBuy', 'demo-resident-1', { action: 'join', groupBuyId: gb.data.groupBuyId, quantity: 2, requestId: 'shot-req-0001' })) as { data: { orderId: string } }
  const orderId = joined.data.orderId
  await page.evaluate(async (id) => fetch('/sim/pay', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ orderId: id }) }), orderId)
  await call('groupBuy', 'demo-leader', { action: 'markArrived', groupBuyId: gb.data.groupBuyId })
  const o = (await call('order', 'demo-resident-1', { action: 'get', orderId })) as { data: { order: { pickupCode: string } } }
  const handed = (await call('pickup', 'demo-clerk', { action: 'verify', code: o.data.order.pickupCode })) as { ok: boolean }
  expect(handed.ok).toBe(true)

  await actAs('居民A')
  await go(`pages/resident/order/index?id=${orderId}`)
  await see('我的评价')
  await shot('40-resident-order-picked-up')
  await tap('评价一下')
  await page.getByLabel('5 星').filter({ visible: true }).first().click()
  await tap('新鲜')
  await tap('包装好')
  await shot('41-resident-rating-sheet')
  await tap('提交评价')
  await see('修改评价')
  await tap('申请售后')
  await tap('破损')
  await shot('42-resident-after-sales-sheet')
  await tap('提交申请')
  await see('处理中')
  await shot('43-resident-order-rated-after-sales')
  await go('pages/resident/me/index')
  await see('会员积分 79') // ¥79.80 picked up
  await shot('44-resident-me-points')
  await actAs('团长')
  await go('pages/leader/after-sales/index')
  await see('同意退款')
  await see(/破损 · ×1 · 退款 ¥39.90/)
  await shot('45-leader-after-sales-inbox')
  await tap('同意退款')
  await tap('确定')
  await see('没有待处理的售后')
  await actAs('居民A')
  await go(`pages/resident/order/index?id=${orderId}`)
  await see('已同意')
  await see(/退款 ¥39.90/)
})
