/**
 * Issue #13 in a real browser: three residents pay for the seed's 帮卖 group buy, and the merchant's 销售看板
 * draws both charts (sales per day, per pickup point) with F2 on canvas — not the CSS bars it falls back to.
 */
import { openApp, type App } from './support/app'

jest.setTimeout(240_000)
let app: App
afterAll(async () => app?.close())

it('the merchant sees sales per day and per pickup point drawn as charts', async () => {
  app = await openApp('insight-chart')
  const { page, go, see, actAs, visible, shot } = app
  await go('pages/resident/home/index')
  const call = (fn: string, openid: string, body: object) =>
    page.evaluate(async ([f, o, b]) => (await fetch(`/fn/${f}`, { method: 'POST', headers: { 'Content-Type': 'application/json', 'X-WX-OPENID': o as string }, body: JSON.stringify(b) })).json(), [fn, openid, body] as const)
  const mine = (await call('groupBuy', 'demo-leader', { action: 'listMine' })) as { data: { items: Array<{ groupBuyId: string; offerId: string | null }> } }
  const fromOffer = mine.data.items.find((g) => g.offerId)
  expect(fromOffer).toBeTruthy()
  let n = 0
  for (const [who, qty] of [['demo-resident-1', 3], ['demo-resident-2', 2], ['demo-resident-3', 1]] as const) {
    const joined = (await call('groupBuy', who, { action: 'join', groupBuyId: fromOffer!.groupBuyId, quantity: qty, requestId: `chart-req-000${++n}` })) as { ok: boolean; data: { orderId: string } }
    expect(joined.ok).toBe(true)
    await page.evaluate(async (id) => fetch('/sim/pay', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ orderId: id }) }), joined.data.orderId)
  }

  await actAs('商家')
  await go('pages/insight/index')
  await see('每日销售额')
  await see('¥215.40 · 6 件 · 成团率 —') // 6 boxes at ¥35.90, all at 幸福里
  // Each chart is a canvas with something drawn on it (a share of inked pixels, not compared pixel by pixel);
  // drawing waits for layout, so poll until both are drawn or the step times out.
  const inked = () =>
    Array.from(document.querySelectorAll<HTMLCanvasElement>('.sales-chart canvas')).map((c) => {
      const px = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data
      let drawn = 0
      for (let i = 3; i < px.length; i += 4) if (px[i] > 0) drawn++
      return drawn / (c.width * c.height)
    })
  await page.waitForFunction(`(${inked.toString()})().filter((share) => share > 0.01).length === 2`)
  expect(await visible('.sales-chart__day-bar, .sales-chart__hbar').count()).toBe(0)
  await shot('46-merchant-insight-chart')
})
