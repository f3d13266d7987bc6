/**
 * Issue #13, the sales dashboard: a merchant sees their own goods, a leader or clerk their pickup point, the
 * admin everything; every figure equals what this test sums itself from the stored orders, refunds, group buys
 * and ratings; nobody's identity is in the reply.
 */
import { K_ANONYMITY_MIN } from '@shared/domain/insight'
import { createGroupBuy, database, DEMO, join, readAll, readDoc, testCloudForThisFile, type Doc } from './support/cloud'
import { checkRollups } from '@server/insight/rollups'
import { createProduct, endNow, groupBuyFromOffer, paidOrder, publishOffer } from './support/merchant'

jest.setTimeout(120_000)

const cloud = testCloudForThisFile()
const MERCHANT2 = 'ins-merchant-2'
const LEADER2 = 'ins-leader-2'
const R = (n: number) => `ins-dash-res-${String(n).padStart(2, '0')}`
const DAY = 86_400_000

/** China-time day by the platform's own time-zone data, not by the code under test. */
const chinaDay = (ms: number) => new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date(ms))

const ids: Record<string, string> = {}
let from = 0
let to = 0

beforeAll(async () => {
  await cloud.call('admin', DEMO.admin, { action: 'grantRole', openid: LEADER2, role: 'leader', pickupPointId: cloud.otherPickupPointId })
  await cloud.call('admin', DEMO.admin, { action: 'grantRole', openid: MERCHANT2, role: 'merchant' })
  const oA = await publishOffer(cloud, (ids.pA = await createProduct(cloud, { name: '葡萄', category: '水果' })))
  const oB = await publishOffer(cloud, (ids.pB = await createProduct(cloud, { name: '青菜', category: '蔬菜' })))
  const oC = await publishOffer(cloud, await createProduct(cloud, { name: '大米', category: '粮油', merchantId: MERCHANT2 }), MERCHANT2)
  ids.gA1 = await groupBuyFromOffer(cloud, DEMO.leader, oA)
  ids.gA2 = await groupBuyFromOffer(cloud, LEADER2, oA, { priceFen: 2000 })
  ids.gB1 = await groupBuyFromOffer(cloud, DEMO.leader, oB, { minParticipants: 5 })
  ids.gC1 = await groupBuyFromOffer(cloud, DEMO.leader, oC)
  ids.own = await createGroupBuy(cloud, { title: '团长自营鸡蛋', minParticipants: 1, limitPerUser: 5 })

  // 跟团号 order in gA1: R1 ×2, R2 ×2, R1 ×1.
  await paidOrder(cloud, R(1), ids.gA1, 2)
  // R2's order is paid yesterday (China time): it belongs to that day (the clock of the payment call goes back a day).
  const r2 = await join(cloud, R(2), ids.gA1, 2)
  ids.r2a1 = r2.data.orderId
  const realNow = Date.now
  const clock = jest.spyOn(Date, 'now').mockImplementation(() => realNow() - DAY)
  try {
    expect((await cloud.pay.pay(ids.r2a1)).ok).toBe(true)
  } finally {
    clock.mockRestore()
  }
  await paidOrder(cloud, R(1), ids.gA1, 1)
  await paidOrder(cloud, R(3), ids.gA2, 3)
  await paidOrder(cloud, R(3), ids.gA2, 1)
  await paidOrder(cloud, R(1), ids.gB1, 1)
  await paidOrder(cloud, R(4), ids.gB1, 2)
  await paidOrder(cloud, R(5), ids.gC1, 1)
  await paidOrder(cloud, R(6), ids.own, 1)
  expect((await join(cloud, R(2), ids.gA2, 1)).ok).toBe(true) // never paid: not a sale

  expect((await readDoc('orders', ids.r2a1))!.paidAt).toBeLessThan(Date.now() - DAY + 60_000)

  // gA1 closes and arrives 3 of 5 (R2 is served 1 and refunded 1, R1's second order is refunded in full);
  // gA2 closes in full; gB1 fails (2 payers of 5) and is refunded.
  for (const g of [ids.gA1, ids.gA2, ids.gB1]) await endNow(cloud, g)
  expect((await cloud.call('groupBuy', DEMO.leader, { action: 'markArrived', groupBuyId: ids.gA1, receivedQuantity: 3 })).ok).toBe(true)
  await cloud.fireTimer('settle')
  await cloud.fireTimer('settle')

  // Ratings (#12) as the feedback function stores them (collection declared in database/schema.json).
  const ratings = [
    { groupBuyId: ids.gA1, stars: 5, tags: ['新鲜', '甜'] },
    { groupBuyId: ids.gA1, stars: 4, tags: ['甜'] },
    { groupBuyId: ids.gA2, stars: 3, tags: ['新鲜', '个大'] },
    { groupBuyId: ids.gC1, stars: 1, tags: ['坏果'] },
  ]
  for (const [i, r] of ratings.entries()) await database().collection('ratings').add({ data: { _id: `rt${i}`, orderId: `o${i}`, openid: R(1), productId: null, ...r, createdAt: Date.now() } })

  const now = Date.now()
  from = now - 3 * DAY
  to = now + 3600_000
})

/** The dashboard as this test computes it from the stored documents (null = every group buy). */
async function expected(scopeGroupBuys: Doc[] | null) {
  const _ = database().command
  const gbIds = scopeGroupBuys?.map((g) => g._id)
  const inScope = gbIds ? { groupBuyId: _.in(gbIds) } : {}
  const orders = (await readAll('orders', inScope)).filter((o) => o.paidAt !== null && o.paidAt >= from && o.paidAt < to)
  const refunds = (await readAll('refunds', inScope)).filter((r) => r.groupBuyId && r.doneAt !== null && r.doneAt >= from && r.doneAt < to)
  const days = new Map<string, { orders: number; units: number; salesFen: number; refundsFen: number }>()
  for (let t = from; chinaDay(t) <= chinaDay(to - 1); t += DAY) days.set(chinaDay(t), { orders: 0, units: 0, salesFen: 0, refundsFen: 0 })
  days.set(chinaDay(to - 1), days.get(chinaDay(to - 1)) ?? { orders: 0, units: 0, salesFen: 0, refundsFen: 0 })
  for (const o of orders) {
    const d = days.get(chinaDay(o.paidAt))!
    d.orders += 1
    d.units += o.quantity
    d.salesFen += o.amountFen
  }
  for (const r of refunds) days.get(chinaDay(r.doneAt))!.refundsFen += r.amountFen
  const allGbs = scopeGroupBuys ?? (await readAll('groupBuys', {}))
  const gbById = new Map(allGbs.map((g) => [g._id, g]))
  const points = new Map<string, { units: number; salesFen: number; ended: number; succeeded: number; shortageUnits: number }>()
  const point = (id: string) => points.get(id) ?? points.set(id, { units: 0, salesFen: 0, ended: 0, succeeded: 0, shortageUnits: 0 }).get(id)!
  for (const o of orders) Object.assign(point(o.pickupPointId), { units: point(o.pickupPointId).units + o.quantity, salesFen: point(o.pickupPointId).salesFen + o.amountFen })
  const now = Date.now()
  for (const g of allGbs.filter((x) => x.endAt >= from && x.endAt < Math.min(to, now))) {
    const p = point(g.pickupPointId)
    p.ended += 1
    if (g.status === 'CLOSED' || g.status === 'SUCCEEDED') p.succeeded += 1
    if (g.arrivalShort) p.shortageUnits += g.soldQuantity - g.receivedQuantity
  }
  const products = new Map<string, { units: number; salesFen: number }>()
  for (const o of orders) {
    const gb = gbById.get(o.groupBuyId)!
    const key = gb.offerId ? (await readDoc('offers', gb.offerId))!.productId : `own:${gb._id}`
    const p = products.get(key) ?? products.set(key, { units: 0, salesFen: 0 }).get(key)!
    p.units += o.quantity
    p.salesFen += o.amountFen
  }
  const perBuyer = new Map<string, number>()
  for (const o of orders) perBuyer.set(o.openid, (perBuyer.get(o.openid) ?? 0) + 1)
  const repeaters = [...perBuyer.values()].filter((n) => n >= 2).length
  return { days, points, products, repeatRate: perBuyer.size ? repeaters / perBuyer.size : null, buyers: [...perBuyer.keys()] }
}

/** `merchant`: a merchant's dashboard, whose repeat rate is told only over ten buyers or more (K_ANONYMITY_MIN). */
function compare(reply: Doc, exp: Awaited<ReturnType<typeof expected>>, merchant = false) {
  expect(reply.days.map((d: Doc) => d.day)).toEqual([...exp.days.keys()])
  for (const d of reply.days) expect({ orders: d.orders, units: d.units, salesFen: d.salesFen, refundsFen: d.refundsFen }).toEqual(exp.days.get(d.day))
  const pointsWithActivity = [...exp.points.entries()].filter(([, p]) => p.units || p.ended)
  expect(reply.points.map((p: Doc) => p.pickupPointId).sort()).toEqual(pointsWithActivity.map(([id]) => id).sort())
  for (const p of reply.points) {
    const e = exp.points.get(p.pickupPointId)!
    expect(p).toMatchObject({ units: e.units, salesFen: e.salesFen, shortageUnits: e.shortageUnits, fillRate: e.ended ? e.succeeded / e.ended : null })
    expect(p.name).not.toBe('')
  }
  expect(reply.products.length).toBe(exp.products.size)
  for (const p of reply.products) {
    const key = p.productId ?? [...exp.products.keys()].find((k) => k.startsWith('own:'))
    expect({ units: p.units, salesFen: p.salesFen }).toEqual(exp.products.get(key))
  }
  expect(reply.repeatRate).toBe(merchant && exp.buyers.length < K_ANONYMITY_MIN ? null : exp.repeatRate)
  // Only sums leave the database: no buyer's openid anywhere in the reply.
  const text = JSON.stringify(reply)
  for (const b of exp.buyers) expect(text).not.toContain(b)
}

describe('insight.dashboard', () => {
  it('shows a merchant their own goods only, equal to the sums over the stored documents', async () => {
    const res = await cloud.call<Doc>('insight', DEMO.merchant, { action: 'dashboard', from, to })
    expect(res.ok).toBe(true)
    const mine = await readAll('groupBuys', { merchantId: DEMO.merchant })
    compare(res.data, await expected(mine), true)
    expect(res.data.scope).toEqual({ kind: 'merchant', id: DEMO.merchant })

    // The scenario in plain numbers: 葡萄 sold 2+2+1 at 19.90 and 3+1 at 20.00; 青菜 1+2 at 19.90 (refunded).
    const grapes = res.data.products.find((p: Doc) => p.productId === ids.pA)
    expect(grapes).toMatchObject({ name: '葡萄', units: 9, salesFen: 5 * 1990 + 4 * 2000, ratingAvg: 4, topTags: ['新鲜', '甜', '个大'] })
    const greens = res.data.products.find((p: Doc) => p.productId === ids.pB)
    expect(greens).toMatchObject({ units: 3, salesFen: 3 * 1990, ratingAvg: null, topTags: [] })
    expect(res.data.products.some((p: Doc) => p.name === '大米' || p.name === '团长自营鸡蛋')).toBe(false)
    const p1 = res.data.points.find((p: Doc) => p.pickupPointId === cloud.pickupPointId)
    expect(p1).toMatchObject({ fillRate: 0.5, shortageUnits: 2 }) // gA1 closed, gB1 failed; 5 paid, 3 arrived
    expect(res.data.points.find((p: Doc) => p.pickupPointId === cloud.otherPickupPointId)).toMatchObject({ fillRate: 1, units: 4, salesFen: 8000 })
    // Refunds: gB1 in full (3 × 19.90), gA1's shortage (R2's 1 unit, R1's second order): 5 × 19.90 in all.
    expect(res.data.days.reduce((s: number, d: Doc) => s + d.refundsFen, 0)).toBe(5 * 1990)
    // R1 (3 orders) and R3 (2) of R1–R4 bought twice or more: 0.5 — but four buyers are too few to tell a merchant
    // (with one buyer of two products the rate says the two purchases in its ledger were one person's).
    expect((await expected(mine)).repeatRate).toBe(0.5)
    expect(res.data.repeatRate).toBeNull()
    // R2's order paid yesterday sits on yesterday.
    expect(res.data.days.find((d: Doc) => d.day === chinaDay(Date.now() - DAY))).toMatchObject({ orders: 1, units: 2, salesFen: 2 * 1990 })
  })

  it('gives a leader and a clerk their pickup point, and the admin everything', async () => {
    const atPoint = await readAll('groupBuys', { pickupPointId: cloud.pickupPointId })
    const leader = await cloud.call<Doc>('insight', DEMO.leader, { action: 'dashboard', from, to })
    compare(leader.data, await expected(atPoint))
    expect(leader.data.products.map((p: Doc) => p.name).sort()).toEqual(['团长自营鸡蛋', '大米', '葡萄', '青菜'].sort())
    const clerk = await cloud.call<Doc>('insight', DEMO.clerk, { action: 'dashboard', from, to })
    expect(clerk.data).toEqual(leader.data)
    const admin = await cloud.call<Doc>('insight', DEMO.admin, { action: 'dashboard', from, to })
    compare(admin.data, await expected(null))
    expect(admin.data.scope.kind).toBe('all')
  })

  it('answers zeros for a range with nothing in it, and refuses residents and bad ranges', async () => {
    const early = Date.now() - 30 * DAY
    const res = await cloud.call<Doc>('insight', DEMO.merchant, { action: 'dashboard', from: early, to: early + 2 * DAY })
    expect(res.data.days).toHaveLength(3)
    expect(res.data.days.every((d: Doc) => d.orders === 0 && d.salesFen === 0 && d.refundsFen === 0)).toBe(true)
    expect(res.data).toMatchObject({ points: [], products: [], repeatRate: null })
    expect((await cloud.call('insight', R(1), { action: 'dashboard', from, to })).error?.code).toBe('AUTH.FORBIDDEN')
    expect((await cloud.call('insight', DEMO.merchant, { action: 'dashboard', from: to, to: from })).error?.code).toBe('INPUT.INVALID')
    expect((await cloud.call('insight', DEMO.merchant, { action: 'dashboard', from: from - 400 * DAY, to })).error?.code).toBe('INPUT.INVALID')
    expect((await cloud.call('insight', DEMO.merchant, { action: 'dashboard', from, to, merchantId: MERCHANT2 })).error?.code).toBe('INPUT.INVALID')
  })

  it('keeps each group buy\'s day rollups equal to their recount from the orders and refunds (#23)', async () => {
    // Payments today and yesterday, a shortage's part refund and full refund (gA1), a failed group's refunds (gB1).
    for (const g of [ids.gA1, ids.gA2, ids.gB1, ids.gC1, ids.own]) {
      const r = await checkRollups(database(), g)
      expect({ g, ...r.stored }).toEqual({ g, ...r.recount })
      expect(r.equal).toBe(true)
    }
    const gA1 = await checkRollups(database(), ids.gA1)
    expect(Object.keys(gA1.stored.sales)).toHaveLength(2)
    expect(Object.values(gA1.stored.refunds).reduce((a, b) => a + b, 0)).toBeGreaterThan(0)
  })
})
