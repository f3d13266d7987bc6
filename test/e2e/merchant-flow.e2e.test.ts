/**
 * The merchant story in a real browser against the H5 build and a fresh local cloud:
 * the admin opens a pickup point and grants a clerk there; a merchant uploads a photo, creates a product and
 * publishes an offer; the leader finds it in 货源 and opens a group buy from it (帮卖); two residents see the
 * photo on the feed, join and pay past the threshold; leader and merchant get the 成团 notice; the group ends;
 * the merchant ships the purchase order; the leader exports the pick list and signs off a short arrival; the
 * short resident sees the partial refund; the clerk hands over the rest.
 */
import { readFileSync } from 'fs'
import path from 'path'
import { openApp, type App } from './support/app'

jest.setTimeout(600_000)

const PRODUCT = `赣南脐橙 ${Date.now() % 10000}`
const PHOTO = path.resolve(__dirname, '../../local-cloud/demo-images/orange-2.png')
let app: App
const realNow = Date.now

beforeAll(async () => {
  app = await openApp('merchant')
})

afterAll(async () => {
  Date.now = realNow
  await app?.close()
})

/** The local cloud runs in this process: moving its clock is how "two days later" happens in a test. */
function advanceClock(ms: number) {
  const base = Date.now
  Date.now = () => base() + ms
}

const idFrom = (url: string, key: string) => new RegExp(`[?&]${key}=([^&]+)`).exec(new URL(url).hash)?.[1] ?? ''

it('admin: creates a pickup point and grants a clerk there', async () => {
  const { actAs, tap, see, shot } = app
  await actAs('管理员')
  await tap('平台管理')
  await app.fillPlaceholder('例如：幸福里社区', '新港湾社区')
  await app.fillPlaceholder('商家按这个地址送货', '新港湾路 18 号')
  await app.fillPlaceholder('例如：幸福里便民店', '新港湾驿站')
  await tap('创建自提点')
  await see('新港湾社区（新港湾驿站）')
  await shot('20-admin-pickup-points')
  await tap('人员与角色')
  await app.fillPlaceholder('对方在「我的」页可看到', 'e2e-clerk-new')
  await app.visible('.admin__chip').filter({ hasText: '新港湾社区' }).first().click()
  await tap('授权')
  await see('店员 · 新港湾社区')
  await shot('21-admin-roles')
})

it('runs the merchant story from a photo to the counter', async () => {
  const { page, go, shot, visible, tap, see, fill, actAs, enterAtCounter, fireTimer } = app

  // 1. The merchant uploads a photo and creates a product (prices in ¥).
  await actAs('商家')
  await tap('商家后台')
  await see('我的商品')
  await tap('＋ 新建商品')
  const [chooser] = await Promise.all([page.waitForEvent('filechooser'), tap('添加图片 0/9')])
  await chooser.setFiles(PHOTO)
  await see('添加图片 1/9')
  await visible('.photo-picker__state').first().waitFor({ state: 'detached' }).catch(() => undefined)
  await app.fillPlaceholder('例如：赣南脐橙 5 斤装', PRODUCT)
  await app.fillPlaceholder('水果 / 粮油 / 日用…', '水果')
  await app.fillPlaceholder('份 / 箱 / 袋', '箱')
  await app.fillPlaceholder('团长进货的价格，例如 25.5', '25')
  await app.fillPlaceholder('例如 39.9', '39.9')
  await shot('22-merchant-product-form')
  await tap('创建商品')
  const card = visible('.merchant-product').filter({ hasText: PRODUCT }).first()
  await card.waitFor()
  await expect(card.locator('img').first().getAttribute('src')).resolves.toMatch(/\/storage\/file\//)
  await shot('23-merchant-products')

  // 2. …and publishes it as an offer to every pickup point.
  await card.getByText('发布货源').click()
  await see('向哪些自提点供货')
  await shot('24-merchant-publish')
  await tap('确认发布')
  await see('各自提点进度')
  const offerId = idFrom(page.url(), 'offerId')
  expect(offerId).toBeTruthy()

  // 3. The leader finds it in 货源 and opens a group buy from it at a price in range, threshold 2.
  await actAs('团长')
  await go('pages/leader/supply/index')
  const supplyCard = visible('.supply-card').filter({ hasText: PRODUCT }).first()
  await supplyCard.waitFor()
  await shot('25-leader-supply')
  await supplyCard.getByText('一键开团').click()
  await fill('from-offer__price', '45')
  await fill('from-offer__stock', '20')
  await fill('from-offer__min', '2')
  await fill('from-offer__limit', '3')
  await tap('开团')
  // The range starts at the lowest price that opens: supply ¥25 plus the commission at the top tier (10% + 2%).
  await see('团购价需在 ¥28.41–¥39.90 之间')
  await fill('from-offer__price', '35.9')
  await shot('26-leader-from-offer')
  await tap('开团')
  await see('已拼 0/2 人 · 还差 2 人成团')
  const groupBuyId = idFrom(page.url(), 'id')
  expect(groupBuyId).toBeTruthy()

  // 4. Residents see the photo on the feed, join and pay: A one box, B two boxes. (The seeded 帮卖 group buy
  // has two photos: its detail page swipes between them.)
  await actAs('居民A')
  await go('pages/resident/home/index')
  await visible('.gb-card').filter({ hasText: '赣南脐橙 5 斤装' }).first().click()
  await see('1/2')
  await shot('28-resident-detail-gallery')
  for (const [who, qty] of [['居民A', 1], ['居民B', 2]] as const) {
    await actAs(who)
    await go('pages/resident/home/index')
    const feedCard = visible('.gb-card').filter({ hasText: PRODUCT }).first()
    await feedCard.waitFor()
    await expect(feedCard.locator('img').first().getAttribute('src')).resolves.toMatch(/\/storage\/file\//)
    if (who === '居民A') await shot('27-resident-feed-photo')
    await feedCard.click()
    await visible('.gallery').first().waitFor()
    await tap('立即参团')
    for (let i = 1; i < qty; i++) await visible('[aria-label="增加"]').first().click()
    await tap(`确认支付 ¥${(35.9 * qty).toFixed(2)}`)
    await see('已支付，待到货')
  }

  // 5. Past the threshold: leader and merchant both get the 成团 notice.
  await actAs('团长')
  await go('pages/resident/me/index')
  await visible('.me__badge').first().waitFor()
  await tap('消息通知')
  await see('你的团购已成团')
  await shot('29-leader-notices')
  await actAs('商家')
  await go('pages/resident/notices/index')
  await see('帮卖团购已成团')
  // 我的货源: the offer with a bar per pickup point (3 boxes sold of the 20 the leader took).
  await go('pages/merchant/offers/index')
  await see('已售 3 / 认领 20箱')
  await shot('34-merchant-offers')

  // 6. Two days later the group has ended; settle closes it and forms the purchase order for 幸福里.
  advanceClock(2 * 24 * 3600_000 + 5 * 60_000)
  await fireTimer('settle')
  await go(`pages/merchant/purchase-orders/index?offerId=${offerId}`)
  await see('送货地址：幸福里小区 3 号楼底商')
  await see('应发 3箱')
  await shot('30-merchant-purchase-orders')
  await tap('标记已发货')
  await tap('确定')
  await see('已标记发货')
  await visible('.merchant-po .tag').filter({ hasText: '已发货' }).first().waitFor()

  // 7. The leader exports the pick list, then signs off arrival: 2 of 3 boxes came.
  await actAs('团长')
  await go(`pages/leader/picklist/index?id=${groupBuyId}`)
  await see('共 2 单 · 应发 3 份')
  await shot('31-leader-picklist')
  const [download] = await Promise.all([page.waitForEvent('download'), tap('导出 CSV')])
  const csv = readFileSync(await download.path(), 'utf8')
  expect(csv.split(/\r\n/).slice(0, 3)).toEqual(['\ufeff跟团号,昵称,收货人,数量,实发,状态', expect.stringMatching(/^1,.*,1,1,待到货$/), expect.stringMatching(/^2,.*,2,2,待到货$/)])
  await go(`pages/leader/group/index?id=${groupBuyId}`)
  await tap('确认到货')
  await see('全部到齐：确认后通知所有团员凭提货码取货。')
  await visible('.nut-inputnumber-minus').first().click()
  await see('缺货 1箱')
  await see(/^#2 .*：应发 2，实发 1，退 ¥35\.90$/)
  await shot('32-leader-arrival-shortage')
  await tap('确认到货 2箱 并退款')
  await see(/已于 .* 确认到货/)
  // The shortage refund goes to WeChat Pay (the simulator) on the settle timer's next runs.
  await fireTimer('settle')
  await fireTimer('settle')

  // 8. Resident B sees the partial refund; the clerk hands over A's box and B's one box.
  const codes: string[] = []
  for (const who of ['居民A', '居民B'] as const) {
    await actAs(who)
    await go('pages/resident/orders/index')
    await visible('.order-item').filter({ hasText: PRODUCT }).first().click()
    await see('待提货')
    if (who === '居民B') {
      await see(/^实发 1\/2/)
      await see('部分退款')
      await see('¥35.90')
      await shot('33-resident-partial-refund')
    }
    codes.push(((await visible('.pickup-code__code').first().textContent()) ?? '').replace(/\s/g, ''))
  }
  await actAs('店员')
  await tap('核销台')
  for (const [i, code] of codes.entries()) {
    await enterAtCounter(code)
    await see('核销成功')
    // A ordered one; B ordered two but one arrived: the counter hands over what was served.
    await see(`数量 ×${[1, 1][i]}`)
    await tap('继续核销')
  }

  // 9. The merchant's 结算: one line per order, B's naming the shortage (缺货退款) and its amount; the ledger
  // entries behind it one tap away. A's and B's boxes are picked up: 售后期 until the window closes.
  await actAs('商家')
  await go('pages/merchant/settlement/index')
  await see('每单货款')
  const shortLine = visible('.money-lines__line').filter({ hasText: '缺货退款' }).first()
  await shortLine.waitFor()
  await expect(shortLine.textContent()).resolves.toMatch(new RegExp(`${PRODUCT} × 2（实发 1） #2.*售出 \\+¥.*缺货退款 -¥.*售后期`))
  await expect(visible('.money-lines__line').filter({ hasText: `${PRODUCT} × 1 #1` }).count()).resolves.toBe(1)
  await shot('35-merchant-settlement-lines')
  await shortLine.getByText('明细').click()
  await see(/^缺货退款 · 冻结 · /)
  await shot('36-merchant-settlement-entries')

  // 10. The admin's 对账: totals per party (the platform's fees among them), no differences.
  await actAs('管理员')
  await tap('平台管理')
  await tap('对账 · 最近一次对账结果 ›')
  await tap('立即对账')
  await see('账实相符，0 笔差异')
  await see('各方合计（全部流水）')
  await see('平台（服务费与差价）')
  await see(/^平台服务费 ¥/)
  await shot('37-admin-reconcile-totals')
})
