/**
 * The whole 邻里团 loop in a real browser against the H5 build and a fresh local cloud:
 * leader opens a group (threshold 3) -> three residents join and pay -> 成团 -> leader signs off arrival ->
 * a resident sees the pickup code + QR -> the clerk verifies it once (success) and again (already used) ->
 * the leader's 收益 shows the picked-up order's share available, the others frozen, withdraws it and confirms
 * the transfer (确认收款 → 已到账).
 */
import { openApp, type App } from './support/app'

jest.setTimeout(180_000)

const TITLE = `阳光玫瑰葡萄 ${Date.now() % 10000}`
let app: App

beforeAll(async () => {
  // Money is withdrawable once the after-sales window has closed (docs/api.md, Money rules): 0 here, so the settle
  // run after the pickup releases it. The cloud runs in this process and reads the variable on each call.
  process.env.AFTER_SALES_WINDOW_MS = '0'
  app = await openApp('group-buy')
})

afterAll(async () => {
  delete process.env.AFTER_SALES_WINDOW_MS
  await app?.close()
})

/**
 * The 收益 summary (冻结中 / 提现中 / 已提现) as it reads once the page has refreshed after a tap: the words around it
 * are on the page before the new balance arrives, so read the cells until they settle (10 s), then compare.
 */
async function cellsRead(expected: string[]): Promise<void> {
  const cells = app.visible('.earnings__cell-value')
  const deadline = Date.now() + 10_000
  let got = await cells.allTextContents()
  while (JSON.stringify(got) !== JSON.stringify(expected) && Date.now() < deadline) {
    await app.page.waitForTimeout(100)
    got = await cells.allTextContents()
  }
  expect(got).toEqual(expected)
}

async function ensurePickupPoint() {
  const { go, visible, byText, tap } = app
  await go('pages/resident/home/index')
  await visible('.home__point').first().waitFor()
  // Either the feed or the "choose a pickup point" prompt, depending on the seed.
  await Promise.race([visible('.home__sorts').first().waitFor(), byText('选择自提点').waitFor()])
  if (await byText('选择自提点').isVisible()) {
    await tap('选择自提点')
    await visible('.point').first().click()
    await visible('.home__sorts').first().waitFor()
  }
}

it('runs a group buy from creation to pickup', async () => {
  const { page, go, shot, visible, tap, see, fill, actAs, enterAtCounter } = app
  // 1. The leader opens a group buy with a threshold of 3.
  await actAs('团长')
  await tap('团长工作台')
  await tap('＋ 发起团购')
  await fill('create__input--title', TITLE)
  await fill('create__input--price', '19.9')
  await fill('create__input--originalPrice', '29.9')
  await fill('create__input--stock', '50')
  await fill('create__input--minParticipants', '3')
  await fill('create__input--limitPerUser', '2')
  await shot('01-leader-create')
  await tap('发布团购')
  await see('已拼 0/3 人 · 还差 3 人成团')
  const groupBuyId = /[?&]id=([^&]+)/.exec(new URL(page.url()).hash)?.[1]
  expect(groupBuyId).toBeTruthy()
  await shot('02-leader-group-open')

  // 2. Three residents find it on their home feed, join and pay (H5 pays through POST /sim/pay).
  for (const [i, who] of (['居民A', '居民B', '居民C'] as const).entries()) {
    await actAs(who)
    await ensurePickupPoint()
    // Fresh load of the feed: right after navigateBack the H5 tab page can still be mid-transition.
    await go('pages/resident/home/index')
    await visible('.gb-card').filter({ hasText: TITLE }).first().waitFor()
    if (i === 0) await shot('00-resident-home')
    await visible('.gb-card').filter({ hasText: TITLE }).first().click()
    await see(TITLE)
    if (i === 0) await shot('03-resident-detail')
    await tap('立即参团')
    await see('每人限购 2份')
    await tap('确认支付 ¥19.90')
    await see('已支付，待到货')
    if (i === 0) await shot('04-resident-order-paid')
  }

  // 3. With three paid, the group shows as formed.
  await go(`pages/resident/detail/index?id=${groupBuyId}`)
  await see('已拼 3/3 人 · 已成团')
  await expect(visible('.status-tag').first().textContent()).resolves.toBe('已成团')
  await shot('05-group-succeeded')

  // 4. The leader signs off arrival (groupBuy.markArrived); participants are listed by 跟团号 with masked names.
  await actAs('团长')
  await go(`pages/leader/group/index?id=${groupBuyId}`)
  await see('参团名单（3）')
  await expect(visible('.leader-group__seq').allTextContents()).resolves.toEqual(['#1', '#2', '#3'])
  const names = await visible('.leader-group__name').allTextContents()
  for (const n of names) expect(n).toMatch(/\*\*$/)
  await tap('确认到货')
  await tap('确认全部到货')
  await see(/已于 .* 确认到货/)
  // The sheet and the buttons' spinners came and went without the page's DOM going out of step (#22: insertBefore).
  expect(app.consoleErrors.filter((e) => /insertBefore|removeChild/.test(e))).toEqual([])
  await shot('06-leader-arrived')

  // 5. Resident A now has an 8-digit pickup code and its QR.
  await actAs('居民A')
  await go('pages/resident/orders/index')
  await visible('.order-item').filter({ hasText: TITLE }).first().click()
  await see('待提货')
  const code = ((await visible('.pickup-code__code').first().textContent()) ?? '').replace(/\s/g, '')
  expect(code).toMatch(/^\d{8}$/)
  const qr = await visible('.pickup-code__qr img, img.pickup-code__qr').first().getAttribute('src')
  expect(qr).toMatch(/^data:image\/gif;base64,/)
  await shot('07-resident-pickup-code')

  // 6. The clerk enters the code: success; entering it again is refused as already used.
  await actAs('店员')
  await tap('核销台')
  await enterAtCounter(code)
  await see('核销成功')
  await see(TITLE)
  await see('数量 ×1')
  await shot('08-clerk-success')
  await tap('继续核销')
  await enterAtCounter(code)
  await see('核销失败')
  await see('该提货码已使用，请勿重复核销')
  await shot('09-clerk-already-used')

  // 7. The counter's day: A handed over, B and C still to come, both attempts in the log.
  await tap('继续核销')
  await tap('今日提货记录')
  await see('待提货 2 单 · 今日已提货 1 单')
  await see('提货 · 核销成功')
  await see('提货 · 该提货码已使用，请勿重复核销')
  await shot('14-clerk-today')

  // 8. The leader's earnings (ledger): A's order is picked up and its after-sales window (0 in this test) is over,
  // so settle releases its share (19.90 less the platform's 5%, no store fee in the demo seed); B's and C's stay
  // frozen (待提货) until they pick up. 提现 holds it.
  await app.fireTimer('settle')
  await actAs('团长')
  await tap('团长工作台')
  await tap('我的收益')
  await see('¥18.91')
  await see('¥37.82')
  // One line per order in words: A's is 可提现, B's and C's 待提货.
  await see(`${TITLE} × 1 #1`)
  await expect(visible('.money-lines__line').filter({ hasText: `${TITLE} × 1 #1` }).first().textContent()).resolves.toMatch(/售出 \+¥18\.91.*售后期满 \+¥18\.91.*可提现/)
  await expect(visible('.money-lines__line').filter({ hasText: '待提货' }).count()).resolves.toBe(2)
  await see('待提货 ¥37.82 · 售后期 ¥0.00')
  await shot('15-leader-earnings')
  await tap('提现')
  await tap('确定')
  await see('¥0.00')
  await see('提现中')
  await cellsRead(['¥37.82', '¥18.91', '¥0.00'])

  // 9. The payout is a 商家转账 bill waiting for the leader: 确认收款 (WeChat's confirmation; the local transfer
  // simulator here) and the money has arrived.
  await see(/待确认收款/)
  await shot('16-leader-payout-confirm')
  await tap('确认收款')
  await see(/已到账/)
  await cellsRead(['¥37.82', '¥0.00', '¥18.91'])
  // The withdrawal is one line (not four entries), and A's order now reads 已提现.
  await visible('.money-lines__line').filter({ hasText: `${TITLE} × 1 #1` }).filter({ hasText: '已提现' }).first().waitFor()
  await expect(visible('.money-lines__line').filter({ hasText: '提现到微信零钱' }).count()).resolves.toBe(1)
  await shot('17-leader-payout-arrived')
})
