/**
 * Issue #12 ratings: only the owner of a picked-up order rates it, once however many taps race; the aggregates
 * on the group buy, the product, the offer and the product at each point equal a recount of the ratings.
 */
import { RATINGS, recountTotals, RATING_STATS } from '@server/feedback/ratings'
import { ratingStatsIdFor } from '@server/ids'
import { sameTotals } from '@shared/domain/feedback'
import { DEMO, database, join, readDoc, testCloudForThisFile, type Doc } from './support/cloud'
import { pickedUpGroupBuy, pickedUpSupplyRound, uploadPhoto } from './support/after-pickup'

jest.setTimeout(120_000)

const cloud = testCloudForThisFile()
const [A, B, C] = DEMO.residents

async function stats(scope: 'groupBuy' | 'offer' | 'product' | 'productPoint', ...keys: string[]): Promise<Doc> {
  return (await readDoc(RATING_STATS, ratingStatsIdFor(scope, ...keys))) ?? { count: 0, starsSum: 0, stars: {}, tags: {} }
}

/** The kept aggregate equals a recount of the ratings it covers. */
async function expectRederivable(scope: 'groupBuy' | 'offer' | 'product' | 'productPoint', where: Record<string, unknown>, ...keys: string[]) {
  const kept = await stats(scope, ...keys)
  const recount = await recountTotals(database(), where)
  expect(sameTotals({ count: kept.count, starsSum: kept.starsSum, stars: kept.stars, tags: kept.tags }, recount)).toBe(true)
}

describe('feedback.rate', () => {
  it('10 concurrent rate calls of one order make one rating; the aggregate counts it once', async () => {
    const { groupBuyId, orders } = await pickedUpGroupBuy(cloud, { [A]: 2 })
    const photo = await uploadPhoto(cloud, A, 'r/peach.png')
    const replies = await Promise.all(
      Array.from({ length: 10 }, (_, i) => cloud.call('feedback', A, { action: 'rate', orderId: orders[A], stars: 1 + (i % 5), tags: ['新鲜', '分量足'], text: '很甜', images: [photo] })),
    )
    const okReplies = replies.filter((r) => r.ok)
    expect(okReplies).toHaveLength(1)
    expect(replies.filter((r) => !r.ok).map((r) => r.error?.code)).toEqual(Array(9).fill('FEEDBACK.ALREADY_RATED'))
    const stars = okReplies[0].data.rating.stars as number
    const stored = (await database().collection(RATINGS).where({ orderId: orders[A] }).get()) as unknown as { data: Doc[] }
    expect(stored.data).toHaveLength(1)
    expect(stored.data[0].stars).toBe(stars)

    const gb = await cloud.call('groupBuy', B, { action: 'get', groupBuyId })
    expect(gb.data.groupBuy.rating).toEqual({ avg: stars, count: 1 })
    const agg = await stats('groupBuy', groupBuyId)
    expect(agg).toMatchObject({ count: 1, starsSum: stars, stars: { [String(stars)]: 1 }, tags: { FRESH: 1, GENEROUS: 1 } })
    await expectRederivable('groupBuy', { groupBuyId }, groupBuyId)
  })

  it('refuses another resident’s order, an order not picked up, and bad input — writing nothing', async () => {
    const { groupBuyId, orders } = await pickedUpGroupBuy(cloud, { [A]: 1, [B]: 1 }, { pickers: [A] })
    expect((await cloud.call('feedback', C, { action: 'rate', orderId: orders[A], stars: 5 })).error?.code).toBe('ORDER.NOT_FOUND')
    expect((await cloud.call('feedback', B, { action: 'rate', orderId: orders[B], stars: 5 })).error?.code).toBe('FEEDBACK.NOT_PICKED_UP')
    const unpaid = await join(cloud, C, groupBuyId, 1)
    expect((await cloud.call('feedback', C, { action: 'rate', orderId: unpaid.data.orderId, stars: 5 })).error?.code).toBe('FEEDBACK.NOT_PICKED_UP')
    for (const bad of [
      { stars: 0 }, { stars: 6 }, { stars: 4.5 }, { stars: '5' }, { stars: 5, tags: ['好吃'] }, { stars: 5, tags: ['新鲜', '新鲜'] },
      { stars: 5, text: 'x'.repeat(501) }, { stars: 5, images: Array(7).fill('cloud://local-env.local-bucket/a.png') }, { stars: 5, openid: A },
    ]) {
      expect((await cloud.call('feedback', A, { action: 'rate', orderId: orders[A], ...bad })).error?.code).toBe('INPUT.INVALID')
    }
    // A photo that is not in storage is refused too.
    expect((await cloud.call('feedback', A, { action: 'rate', orderId: orders[A], stars: 5, images: ['cloud://local-env.local-bucket/uploads/nope.png'] })).error?.code).toBe('INPUT.INVALID')
    expect(await readDoc(RATINGS, 't' + orders[A].slice(1))).toBeNull()
    expect((await stats('groupBuy', groupBuyId)).count).toBe(0)
  })

  it('averages several residents exactly; an edit within 24 h replaces the rating and moves the aggregate', async () => {
    const { groupBuyId, orders } = await pickedUpGroupBuy(cloud, { [A]: 1, [B]: 1, [C]: 1 })
    await cloud.call('feedback', A, { action: 'rate', orderId: orders[A], stars: 5, tags: ['新鲜'] })
    await cloud.call('feedback', B, { action: 'rate', orderId: orders[B], stars: 4, tags: ['新鲜', '包装好'] })
    await cloud.call('feedback', C, { action: 'rate', orderId: orders[C], stars: 2, tags: ['不新鲜'] })
    expect((await cloud.call('groupBuy', A, { action: 'get', groupBuyId })).data.groupBuy.rating).toEqual({ avg: 3.7, count: 3 })

    // Concurrent edits: each wins one rev, the aggregate follows the last content exactly.
    const edits = await Promise.all([1, 3, 5].map((stars) => cloud.call('feedback', C, { action: 'edit', orderId: orders[C], stars, tags: ['分量少'] })))
    expect(edits.every((e) => e.ok)).toBe(true)
    const final = (await readDoc(RATINGS, 't' + orders[C].slice(1)))!
    const agg = await stats('groupBuy', groupBuyId)
    expect(agg.count).toBe(3)
    expect(agg.starsSum).toBe(5 + 4 + final.stars)
    expect(agg.tags).toMatchObject({ FRESH: 2, WELL_PACKED: 1, NOT_FRESH: 0, SHORT_WEIGHT: 1 })
    await expectRederivable('groupBuy', { groupBuyId }, groupBuyId)

    expect((await cloud.call('feedback', A, { action: 'edit', orderId: orders[C], stars: 1 })).error?.code).toBe('FEEDBACK.NOT_FOUND')
    // Past 24 h the rating stands.
    await database().collection(RATINGS).doc('t' + orders[A].slice(1)).update({ data: { createdAt: Date.now() - 25 * 3600_000 } })
    expect((await cloud.call('feedback', A, { action: 'edit', orderId: orders[A], stars: 1 })).error?.code).toBe('FEEDBACK.EDIT_WINDOW_CLOSED')
    expect((await cloud.call('feedback', A, { action: 'rate', orderId: orders[A], stars: 1 })).error?.code).toBe('FEEDBACK.ALREADY_RATED')

    const mine = await cloud.call('feedback', B, { action: 'mine', orderId: orders[B] })
    expect(mine.data.rating).toMatchObject({ stars: 4, tags: ['新鲜', '包装好'] })
    expect((await cloud.call('feedback', A, { action: 'mine', orderId: orders[B] })).data.rating).toBeNull()

    const page = await cloud.call('feedback', DEMO.leader, { action: 'listForGroupBuy', groupBuyId })
    expect(page.data.items).toHaveLength(3)
    expect(page.data.items.every((i: Doc) => /\*\*$/.test(i.maskedName) && !('openid' in i))).toBe(true)
    expect(page.data.rating.count).toBe(3)
  })
})

describe('healing a call cut off halfway', () => {
  it('settle recounts the aggregates of a rating left pending for 20 minutes, without counting any rating twice', async () => {
    const { groupBuyId, orders } = await pickedUpGroupBuy(cloud, { [A]: 1, [B]: 1, [C]: 1 })
    await cloud.call('feedback', A, { action: 'rate', orderId: orders[A], stars: 4, tags: ['新鲜'] })
    // B's call stopped after the increments, before clearing its mark: counted, but looks pending.
    await cloud.call('feedback', B, { action: 'rate', orderId: orders[B], stars: 2 })
    const old = Date.now() - 21 * 60_000
    await database().collection(RATINGS).doc('t' + orders[B].slice(1)).update({ data: { appliedRev: 0, pendingSince: old } })
    // C's call stopped right after writing the rating: not counted at all.
    const doc = { ...(await readDoc(RATINGS, 't' + orders[B].slice(1)))!, _id: 't' + orders[C].slice(1), orderId: orders[C], openid: C, stars: 5, tags: ['包装好'], pendingSince: old, appliedRev: 0 }
    await database().collection(RATINGS).add({ data: doc })
    expect((await stats('groupBuy', groupBuyId)).count).toBe(2)

    const run = (await cloud.fireTimer('settle')) as { data: Doc }
    expect(run.data.ratings.checked).toBe(2)
    const agg = await stats('groupBuy', groupBuyId)
    expect(agg).toMatchObject({ count: 3, starsSum: 11, tags: { FRESH: 1, WELL_PACKED: 1 } })
    await expectRederivable('groupBuy', { groupBuyId }, groupBuyId)
    expect((await readDoc(RATINGS, 't' + orders[C].slice(1)))!).toMatchObject({ appliedRev: 1, pendingSince: 0 })
    const again = (await cloud.fireTimer('settle')) as { data: Doc }
    expect(again.data.ratings.checked).toBe(0)
    expect((await stats('groupBuy', groupBuyId)).count).toBe(3)
  })

  it('an edit of a rating whose first call was cut off keeps it marked, and settle then counts it once', async () => {
    const { groupBuyId, orders } = await pickedUpGroupBuy(cloud, { [A]: 1 })
    const order = (await readDoc('orders', orders[A]))!
    // The rate call stopped right after writing the rating (nothing counted), then the owner edits it.
    await database().collection(RATINGS).add({
      data: { _id: 't' + orders[A].slice(1), orderId: orders[A], openid: A, nickname: null, groupBuyId, pickupPointId: order.pickupPointId, offerId: null, productId: null, merchantId: null, stars: 2, tags: [], text: '', images: [], rev: 1, appliedRev: 0, pendingSince: Date.now(), createdAt: Date.now(), updatedAt: Date.now() },
    })
    expect((await cloud.call('feedback', A, { action: 'edit', orderId: orders[A], stars: 5 })).ok).toBe(true)
    expect((await readDoc(RATINGS, 't' + orders[A].slice(1)))!.pendingSince).toBeGreaterThan(0)
    await database().collection(RATINGS).doc('t' + orders[A].slice(1)).update({ data: { pendingSince: Date.now() - 21 * 60_000 } })
    await cloud.fireTimer('settle')
    const agg = await stats('groupBuy', groupBuyId)
    expect(agg).toMatchObject({ count: 1, starsSum: 5, stars: { '5': 1 } })
    expect(agg.stars['2'] ?? 0).toBe(0)
    await expectRederivable('groupBuy', { groupBuyId }, groupBuyId)
  })

  it('leaves a scope alone while one of its ratings is being applied right now', async () => {
    const { groupBuyId, orders } = await pickedUpGroupBuy(cloud, { [A]: 1, [B]: 1 })
    await cloud.call('feedback', A, { action: 'rate', orderId: orders[A], stars: 3 })
    await database().collection(RATINGS).doc('t' + orders[A].slice(1)).update({ data: { appliedRev: 0, pendingSince: Date.now() - 21 * 60_000 } })
    // B's rating is mid-call: written, increments not yet applied.
    const doc = { ...(await readDoc(RATINGS, 't' + orders[A].slice(1)))!, _id: 't' + orders[B].slice(1), orderId: orders[B], openid: B, stars: 1, pendingSince: Date.now(), appliedRev: 0 }
    await database().collection(RATINGS).add({ data: doc })
    await cloud.fireTimer('settle')
    expect((await stats('groupBuy', groupBuyId)).count).toBe(1)
    expect((await readDoc(RATINGS, 't' + orders[A].slice(1)))!.pendingSince).toBeGreaterThan(0)
  })
})

describe('merchant feedback', () => {
  it('catalog.get, forProduct and lastRound show the product’s ratings over its group buys, per point, and the last round', async () => {
    const round = await pickedUpSupplyRound(cloud, { [A]: 2, [B]: 1, [C]: 1 }, { short: 1 })
    // C is last in 跟团号 order: served 0 of 1 → refunded in full, never picked up.
    await cloud.call('feedback', A, { action: 'rate', orderId: round.orders[A], stars: 2, tags: ['破损', '不新鲜'] })
    await cloud.call('feedback', B, { action: 'rate', orderId: round.orders[B], stars: 3, tags: ['破损'] })
    expect((await cloud.call('feedback', C, { action: 'rate', orderId: round.orders[C], stars: 5 })).error?.code).toBe('FEEDBACK.NOT_PICKED_UP')

    const product = await cloud.call('catalog', DEMO.leader, { action: 'get', productId: round.productId })
    expect(product.data.rating).toMatchObject({ avg: 2.5, count: 2, stars: [0, 1, 1, 0, 0] })
    expect(product.data.rating.tagCounts).toEqual([{ tag: '破损', count: 2 }, { tag: '不新鲜', count: 1 }])

    const fb = await cloud.call('feedback', DEMO.merchant, { action: 'forProduct', productId: round.productId })
    expect(fb.data.points).toEqual([expect.objectContaining({ pickupPointId: cloud.pickupPointId, name: '幸福里社区', count: 2, avg: 2.5 })])
    expect(fb.data.ratings.items).toHaveLength(2)
    expect((await cloud.call('feedback', 'someone-else', { action: 'forProduct', productId: round.productId })).error?.code).toBe('AUTH.FORBIDDEN')

    const last = await cloud.call('feedback', DEMO.merchant, { action: 'lastRound', productId: round.productId })
    expect(last.data.lastRound).toMatchObject({ offerId: round.offerId, sold: 4, shortage: 1, groupBuys: 1, rating: { avg: 2.5, count: 2 } })
    expect(last.data.lastRound.topComplaints).toEqual([{ tag: '破损', count: 2 }, { tag: '不新鲜', count: 1 }])

    const mine = await cloud.call('feedback', DEMO.merchant, { action: 'myProducts' })
    expect(mine.data.items.find((p: Doc) => p.productId === round.productId).rating.count).toBe(2)

    await expectRederivable('product', { productId: round.productId }, round.productId)
    await expectRederivable('offer', { offerId: round.offerId }, round.offerId)
    await expectRederivable('productPoint', { productId: round.productId, pickupPointId: cloud.pickupPointId }, round.productId, cloud.pickupPointId)
  })
})
