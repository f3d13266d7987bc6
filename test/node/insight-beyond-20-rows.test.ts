/**
 * CloudBase answers only 20 rows of an aggregate without a `limit` (the local database does the same: engine.ts
 * AGGREGATE_DEFAULT_LIMIT). Insight's aggregates can give more — one row per buyer, per pickup point, per rated
 * group buy, per group buy and tag — so a forgotten limit would quietly shrink a marketing audience below the k = 10
 * floor (sizes are shown rounded down to tens) and leave pickup points and ratings out of the dashboard. Here each of them has more than 20 rows.
 */
import { aggregateAll, aggregatePaged } from '@server/insight/query'
import { database, DEMO, readAll, testCloudForThisFile, type Doc } from './support/cloud'
import { createProduct, groupBuyFromOffer, paidOrder, publishOffer } from './support/merchant'

jest.setTimeout(180_000)

const cloud = testCloudForThisFile()
const DAY = 86_400_000
const pad = (n: number) => String(n).padStart(2, '0')

describe('a purchase audience of more than 20 buyers', () => {
  // 15 buyers who never consented pay first, then 25 who consented: 40 buyers, 25 of them in the audience. Of the
  // first 20 rows only 5 would be in it: under the k = 10 floor.
  const silent = (n: number) => `b20-silent-${pad(n)}`
  const willing = (n: number) => `b20-willing-${pad(n)}`
  let teaGroupBuy = ''

  beforeAll(async () => {
    teaGroupBuy = await groupBuyFromOffer(cloud, DEMO.leader, await publishOffer(cloud, await createProduct(cloud, { name: '明前龙井', category: '茶叶' })), { stock: 100 })
    for (let i = 1; i <= 15; i++) await paidOrder(cloud, silent(i), teaGroupBuy, 1)
    for (let i = 1; i <= 25; i++) {
      expect((await cloud.call('user', willing(i), { action: 'choosePickupPoint', pickupPointId: cloud.pickupPointId })).ok).toBe(true)
      expect((await cloud.call('user', willing(i), { action: 'setMarketingConsent', consent: true })).ok).toBe(true)
      await paidOrder(cloud, willing(i), teaGroupBuy, 1)
    }
  })

  it('counts every qualifying buyer: 25, shown rounded down to 20, not refused as too small', async () => {
    expect(await cloud.call('insight', DEMO.merchant, { action: 'audienceSize', audience: { boughtCategories: ['茶叶'] } })).toEqual({ ok: true, data: { size: 20 } })
  })

  it('launches a campaign that reaches each of the 25, and none of the 15 who never consented', async () => {
    const now = Date.now()
    const res = await cloud.call<{ notified: number }>('coupon', DEMO.merchant, {
      action: 'createCampaign', title: '新茶券', valueFen: 500, priceFen: 0, total: 100, limitPerUser: 1, validFrom: now - 1000, validTo: now + DAY,
      pickupPointIds: [cloud.pickupPointId], audience: { boughtCategories: ['茶叶'] },
    })
    expect(res).toMatchObject({ ok: true, data: { notified: 20 } })
    // The in-app notices are written by settle's next run (#23).
    await cloud.fireTimer('settle')
    const noticed = new Set((await readAll('notices', { kind: 'MARKETING' })).map((n) => n.openid))
    for (let i = 1; i <= 25; i++) expect({ who: willing(i), noticed: noticed.has(willing(i)) }).toEqual({ who: willing(i), noticed: true })
    for (let i = 1; i <= 15; i++) expect(noticed.has(silent(i))).toBe(false)
  })

  it('reads the buyers page after page, each once (pages of 7 over 40)', async () => {
    const db = database()
    const rows = await aggregatePaged<{ _id: string }>(db, () => db.collection('orders').aggregate().match({ groupBuyId: teaGroupBuy }).group({ _id: '$openid' }), 7)
    const all = [...Array.from({ length: 15 }, (_, i) => silent(i + 1)), ...Array.from({ length: 25 }, (_, i) => willing(i + 1))].sort()
    expect(rows.map((r) => r._id)).toEqual(all)
  })
})

describe('a dashboard over more than 20 pickup points and rated group buys', () => {
  const POINTS = 25
  const leader = (n: number) => `b20-leader-${pad(n)}`
  const buyer = (n: number) => `b20-buyer-${pad(n)}`
  const points: string[] = []
  const groupBuys: string[] = []
  let productId = ''

  beforeAll(async () => {
    productId = await createProduct(cloud, { name: '多点葡萄' })
    const offer = await publishOffer(cloud, productId)
    for (let i = 1; i <= POINTS; i++) {
      const made = await cloud.call<{ pickupPointId: string }>('admin', DEMO.admin, { action: 'createPickupPoint', name: `多点小区${i}`, address: `${i} 号路`, storeName: `便民店${i}` })
      points.push(made.data.pickupPointId)
      expect((await cloud.call('admin', DEMO.admin, { action: 'grantRole', openid: leader(i), role: 'leader', pickupPointId: made.data.pickupPointId })).ok).toBe(true)
      const g = await groupBuyFromOffer(cloud, leader(i), offer, { stock: 10 })
      groupBuys.push(g)
      await paidOrder(cloud, buyer(i), g, 1)
    }
    // Every group buy ends, full (one payer of one needed): each point's fill rate is 1.
    for (const g of groupBuys) await database().collection('groupBuys').doc(g).update({ data: { endAt: Date.now() - 1000 } })
    for (let round = 0; round < 10; round++) {
      await cloud.fireTimer('settle')
      const open = (await Promise.all(groupBuys.map((g) => database().collection('groupBuys').doc(g).get()))).filter((r) => !['CLOSED', 'SUCCEEDED'].includes((r as unknown as { data: Doc }).data.status))
      if (open.length === 0) break
    }
    // Ratings as the feedback function stores them: the first 20 group buys 5 stars 新鲜, the last 5 one star 不新鲜 破损.
    for (const [i, g] of groupBuys.entries()) {
      const good = i < 20
      await database().collection('ratings').add({ data: { _id: `b20-rt-${i}`, orderId: `b20-o-${i}`, openid: buyer(i + 1), groupBuyId: g, productId: null, stars: good ? 5 : 1, tags: good ? ['新鲜'] : ['不新鲜', '破损'], createdAt: Date.now() } })
    }
  })

  const dashboard = async () => {
    const now = Date.now()
    const res = await cloud.call<Doc>('insight', DEMO.merchant, { action: 'dashboard', from: now - 3 * DAY, to: now + 3600_000 })
    expect(res.ok).toBe(true)
    return res.data
  }

  it('shows every one of the 25 points with its fill rate', async () => {
    const shown = new Map<string, Doc>((await dashboard()).points.map((p: Doc) => [p.pickupPointId, p]))
    for (const [i, p] of points.entries()) expect({ point: i + 1, ...shown.get(p) }).toMatchObject({ point: i + 1, units: 1, fillRate: 1 })
  })

  it('rates the product over all 25 rated group buys: its stars and its tags', async () => {
    const grapes = (await dashboard()).products.find((p: Doc) => p.productId === productId)
    expect(grapes).toMatchObject({ units: POINTS, ratingAvg: (20 * 5 + 5 * 1) / 25, topTags: ['新鲜', '不新鲜', '破损'] })
  })

  it('fails a bounded aggregate that gives more rows than its bound, instead of answering it cut short', async () => {
    const db = database()
    const perGroupBuy = () => db.collection('ratings').aggregate().match({ groupBuyId: db.command.in(groupBuys) }).group({ _id: '$groupBuyId' })
    expect(await aggregateAll(perGroupBuy(), POINTS, 'ratings by group buy')).toHaveLength(POINTS)
    await expect(aggregateAll(perGroupBuy(), POINTS - 1, 'ratings by group buy')).rejects.toThrow(`ratings by group buy: more than ${POINTS - 1} rows`)
  })
})
