/**
 * #24 in a real browser: a tiered group buy shows its tiers, reaches the second, and after it ends the order page
 * shows the difference refunded; the leader makes a poster of their group buy — drawn on a canvas with the group
 * buy's mini-program code (locally a QR code of the same scene) — and the PNG downloads.
 */
import { readFileSync } from 'fs'
import { openApp, type App } from './support/app'

jest.setTimeout(240_000)
let app: App
beforeAll(async () => {
  app = await openApp('selling')
})
afterAll(async () => app?.close())

it('a tiered group buy shows its tiers, reaches the second, and the order page shows the difference refunded', async () => {
  const { page, go, see, fill, actAs, shot, fireTimer } = app
  // The leader's form takes the tiers as 件数:单价 pairs (shown, not submitted: the group below must end soon).
  await actAs('团长')
  await go('pages/leader/create/index')
  await fill('create__input--title', '阶梯价 赣南脐橙')
  await fill('create__input--price', '30')
  await fill('create__input--tiers', '10:27, 30:25')
  await shot('61-leader-create-tiers')

  const call = (fn: string, openid: string, body: object) =>
    page.evaluate(async ([f, o, b]) => (await fetch(`/fn/${f}`, { method: 'POST', headers: { 'Content-Type': 'application/json', 'X-WX-OPENID': o as string }, body: JSON.stringify(b) })).json(), [fn, openid, body] as const)
  const me = (await call('user', 'demo-leader', { action: 'me' })) as { data: { boundPickupPointId: string } }
  const endAt = Date.now() + 25_000
  const created = (await call('groupBuy', 'demo-leader', {
    action: 'create', title: '阶梯价 赣南脐橙', priceFen: 3000, stock: 100, minParticipants: 2, limitPerUser: 10, startAt: Date.now() - 1000, endAt,
    pickupPointId: me.data.boundPickupPointId, priceTiers: [{ minQuantity: 1, priceFen: 3000 }, { minQuantity: 10, priceFen: 2700 }, { minQuantity: 30, priceFen: 2500 }],
  })) as { ok: boolean; data: { groupBuyId: string } }
  expect(created.ok).toBe(true)
  const groupBuyId = created.data.groupBuyId
  const orders: Record<string, string> = {}
  let n = 0
  for (const [who, qty] of [['demo-resident-1', 5], ['demo-resident-2', 4], ['demo-resident-3', 3]] as const) {
    const joined = (await call('groupBuy', who, { action: 'join', groupBuyId, quantity: qty, requestId: `tier-req-000${++n}` })) as { ok: boolean; data: { orderId: string } }
    expect(joined.ok).toBe(true)
    orders[who] = joined.data.orderId
    await page.evaluate(async (id) => fetch('/sim/pay', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ orderId: id }) }), joined.data.orderId)
  }

  await actAs('居民A')
  await go(`pages/resident/detail/index?id=${groupBuyId}`)
  await see('满 10份')
  await see('已达 ¥27.00 档，再拼 18份享 ¥25.00')
  await shot('62-resident-detail-tiers')

  await page.waitForTimeout(Math.max(0, endAt - Date.now()) + 500)
  await fireTimer('settle')
  await fireTimer('settle') // refunds are confirmed on the run after they are requested, if not on the same one
  await go(`pages/resident/order/index?id=${orders['demo-resident-1']}`)
  await see('阶梯价退差价')
  await see('最终成交价 ¥27.00，退 ¥15.00')
  await shot('63-resident-order-tier-refund')
})

it('a leader generates a poster and the PNG downloads', async () => {
  const { page, go, see, tap, actAs, visible, shot } = app
  await go('pages/resident/home/index')
  const call = (fn: string, openid: string, body: object) =>
    page.evaluate(async ([f, o, b]) => (await fetch(`/fn/${f}`, { method: 'POST', headers: { 'Content-Type': 'application/json', 'X-WX-OPENID': o as string }, body: JSON.stringify(b) })).json(), [fn, openid, body] as const)
  const mine = (await call('groupBuy', 'demo-leader', { action: 'listMine' })) as { data: { items: Array<{ groupBuyId: string; title: string; status: string }> } }
  const gb = mine.data.items.find((g) => g.status === 'OPEN')
  expect(gb).toBeTruthy()

  await actAs('团长')
  await go(`pages/leader/group/index?id=${gb!.groupBuyId}`)
  await see(gb!.title)
  await tap('生成海报')
  // Drawn: a good share of the poster's pixels are not white (photo, price, the code).
  const inked = () => {
    const c = Array.from(document.querySelectorAll<HTMLCanvasElement>('.poster__canvas canvas, canvas.poster__canvas')).find((x) => x.width === 600)
    if (!c) return 0
    const px = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data
    let ink = 0
    for (let i = 0; i < px.length; i += 4) if (px[i] < 200 || px[i + 1] < 200 || px[i + 2] < 200) ink++
    return ink / (c.width * c.height)
  }
  await page.waitForFunction(`(${inked.toString()})() > 0.05`)
  await visible('.poster--ready').first().waitFor()
  await shot('60-leader-poster')
  const [download] = await Promise.all([page.waitForEvent('download'), tap('下载海报')])
  expect(download.suggestedFilename()).toMatch(/^邻里团海报-.*\.png$/)
  const bytes = readFileSync((await download.path())!)
  expect(bytes.subarray(1, 4).toString('ascii')).toBe('PNG')
  expect(bytes.readUInt32BE(16)).toBe(600) // IHDR width: the poster's own size
  expect(bytes.readUInt32BE(20)).toBe(960)
})

it('a resident chooses 保留到下一团; when the group fails the order page says it moved, with the new end time', async () => {
  const { page, go, see, tap, actAs, shot, fireTimer, visible } = app
  const call = (fn: string, openid: string, body: object) =>
    page.evaluate(async ([f, o, b]) => (await fetch(`/fn/${f}`, { method: 'POST', headers: { 'Content-Type': 'application/json', 'X-WX-OPENID': o as string }, body: JSON.stringify(b) })).json(), [fn, openid, body] as const)
  const me = (await call('user', 'demo-leader', { action: 'me' })) as { data: { boundPickupPointId: string } }
  const open = (endAt: number, priceFen: number) =>
    call('groupBuy', 'demo-leader', {
      action: 'create', title: '保留到下一团 砂糖橘', priceFen, stock: 50, minParticipants: 3, limitPerUser: 5, startAt: Date.now() - 1000, endAt, pickupPointId: me.data.boundPickupPointId,
    }) as Promise<{ ok: boolean; data: { groupBuyId: string } }>
  const endAt = Date.now() + 20_000
  const failing = await open(endAt, 1990)
  const next = await open(Date.now() + 2 * 86_400_000, 1790)
  expect(failing.ok && next.ok).toBe(true)

  await actAs('居民B')
  await go(`pages/resident/detail/index?id=${failing.data.groupBuyId}`)
  await tap('立即参团')
  await see('没成团时')
  await tap('保留到下一团（7 天内）')
  await shot('64-resident-join-roll-over')
  // Below the H5 title bar (it stays on top, as WeChat's own bar does over a page's sheets).
  await visible('.join-sheet__mask').first().click({ position: { x: 8, y: 90 } })

  const joined = (await call('groupBuy', 'demo-resident-2', { action: 'join', groupBuyId: failing.data.groupBuyId, quantity: 2, requestId: 'roll-req-0001', onFail: 'ROLL_OVER' })) as { ok: boolean; data: { orderId: string } }
  expect(joined.ok).toBe(true)
  await page.evaluate(async (id) => fetch('/sim/pay', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ orderId: id }) }), joined.data.orderId)

  await page.waitForTimeout(Math.max(0, endAt - Date.now()) + 500)
  await fireTimer('settle')
  await fireTimer('settle')
  await go(`pages/resident/order/index?id=${joined.data.orderId}`)
  await see(/拼团未成，已为你保留到下一团，.* 截团，已退差价 ¥4\.00/)
  await see('不要了，取消并退款')
  await shot('65-resident-order-rolled-over')
})

