/**
 * #24 阶梯价: tiers 1/10/30 at ¥30/¥27/¥25, 12 units paid → final ¥27; every paid order gets ¥3 × quantity back
 * exactly once (its own out_refund_no), even with ten settle runs racing; the ledger splits what is kept (the
 * merchant's supply price unchanged). A tier table that breaks the offer's price rule is refused.
 */
import { PARTIES, splitShares, type SplitTerms } from '@shared/domain/ledger'
import { DEMO, database, readAll, readDoc, readLedger, testCloudForThisFile } from './support/cloud'
import { signOffArrival } from '@server/group-buys/arrival'
import { createProduct, paidOrder, publishOffer } from './support/merchant'

jest.setTimeout(120_000)

const cloud = testCloudForThisFile()
const TIERS = [
  { minQuantity: 1, priceFen: 3000 },
  { minQuantity: 10, priceFen: 2700 },
  { minQuantity: 30, priceFen: 2500 },
]

async function tieredOffer(): Promise<string> {
  const productId = await createProduct(cloud, { supplyPriceFen: 1000 })
  return publishOffer(cloud, productId, DEMO.merchant, { minPriceFen: 1100, maxPriceFen: 3500 })
}

it('12 paid units reach ¥27: each order is refunded ¥3 × quantity once under 10 racing settles, and the ledger splits what is kept', async () => {
  const offerId = await tieredOffer()
  const created = await cloud.call<{ groupBuyId: string }>('groupBuy', DEMO.leader, {
    action: 'createFromOffer', offerId, priceFen: 3000, stock: 100, minParticipants: 2, limitPerUser: 10, priceTiers: TIERS,
  })
  expect(created.ok).toBe(true)
  const groupBuyId = created.data.groupBuyId
  const buys: Array<[string, number]> = [[DEMO.residents[0], 5], [DEMO.residents[1], 4], [DEMO.residents[2], 3]]
  const orders: Record<string, number> = {}
  for (const [who, qty] of buys) orders[await paidOrder(cloud, who, groupBuyId, qty)] = qty

  const seen = await cloud.call<{ groupBuy: { priceTiers: unknown; paidQuantity: number; priceFen: number } }>('groupBuy', DEMO.residents[0], { action: 'get', groupBuyId })
  expect(seen.data.groupBuy).toMatchObject({ priceTiers: TIERS, paidQuantity: 12, priceFen: 3000 })
  for (const id of Object.keys(orders)) expect((await readDoc('orders', id))?.amountFen).toBe(3000 * orders[id]) // residents pay the first tier

  await database().collection('groupBuys').doc(groupBuyId).update({ data: { endAt: Date.now() } })
  const runs = (await Promise.all(Array.from({ length: 10 }, () => cloud.fireTimer('settle')))) as Array<{ ok: boolean }>
  for (const r of runs) expect(r.ok).toBe(true)
  await cloud.fireTimer('settle') // anything a racing run left to retry

  const gb = await readDoc('groupBuys', groupBuyId)
  expect(gb).toMatchObject({ status: 'CLOSED', finalPriceFen: 2700 })
  expect(gb?.settledAt).toBeGreaterThan(0)

  const refunds = await readAll('refunds', { groupBuyId })
  expect(refunds).toHaveLength(3)
  const paidOut = cloud.pay.listRefunds().filter((r) => Object.keys(orders).includes(r.outTradeNo))
  expect(paidOut).toHaveLength(3) // one WeChat Pay refund per order, whatever the races
  for (const [orderId, qty] of Object.entries(orders)) {
    const mine = refunds.filter((r) => r.orderId === orderId)
    expect(mine).toHaveLength(1)
    expect(mine[0]).toMatchObject({ amountFen: 300 * qty, totalFen: 3000 * qty, partial: true, status: 'DONE' })
    expect(mine[0]._id).toMatch(/^rt/)
    expect(paidOut.filter((r) => r.outTradeNo === orderId)).toEqual([expect.objectContaining({ outRefundNo: mine[0]._id, refundFen: 300 * qty, totalFen: 3000 * qty })])

    const order = await readDoc('orders', orderId)
    expect(order).toMatchObject({ status: 'PAID', priceFen: 2700, paidPriceFen: 3000, tierRefundFen: 300 * qty, refundedFen: 300 * qty })
    const view = await cloud.call<{ order: { refundedFen: number; tierRefundFen: number; finalPriceFen: number } }>('order', order!.openid, { action: 'get', orderId })
    expect(view.data.order).toMatchObject({ refundedFen: 300 * qty, tierRefundFen: 300 * qty, finalPriceFen: 2700 })

    // The ledger: each party's net share is the split of what is kept (¥27 × qty), by the same rule as the sale.
    const lo = await readLedger<{ terms: SplitTerms; refundIds: string[] }>(orderId)
    expect(lo?.refundIds).toEqual([mine[0]._id])
    const kept = splitShares(2700 * qty, qty, lo!.terms)
    expect(kept.merchant).toBe(1000 * qty) // the supply price, unchanged by the tier
    const entries = await readAll('ledgerEntries', { orderId })
    for (const party of PARTIES) {
      expect(entries.filter((e) => e.party === party).reduce((s, e) => s + e.amountFen, 0)).toBe(kept[party])
    }
  }
  const notices = await readAll('notices', { kind: 'TIER_REFUNDED' })
  expect(notices.filter((n) => n.body.includes('最终成交价 ¥27.00，已退差价 ¥15.00'))).toHaveLength(1) // 5 units × ¥3
})

it('refuses a tier table whose lowest price breaks the offer\'s price rule, and tables that do not fall', async () => {
  const offerId = await tieredOffer()
  const ask = { action: 'createFromOffer', offerId, priceFen: 3000, stock: 50, minParticipants: 1, limitPerUser: 5 }
  // ¥11 is inside the merchant's range, but after the ¥10 supply price and the leader's commission the platform pays.
  const breaking = await cloud.call('groupBuy', DEMO.leader, { ...ask, priceTiers: [TIERS[0], { minQuantity: 10, priceFen: 1100 }] })
  expect(breaking).toMatchObject({ ok: false, error: { code: 'SUPPLY.PRICE_OUT_OF_RANGE' } })
  const rising = await cloud.call('groupBuy', DEMO.leader, { ...ask, priceTiers: [TIERS[0], { minQuantity: 10, priceFen: 3100 }] })
  expect(rising).toMatchObject({ ok: false, error: { code: 'INPUT.INVALID' } })
  const notFirst = await cloud.call('groupBuy', DEMO.leader, { ...ask, priceTiers: [{ minQuantity: 1, priceFen: 2900 }, TIERS[1]] })
  expect(notFirst).toMatchObject({ ok: false, error: { code: 'INPUT.INVALID' } })
  const own = await cloud.call('groupBuy', DEMO.leader, {
    action: 'create', title: '阶梯价自营', priceFen: 3000, stock: 50, minParticipants: 1, limitPerUser: 5, startAt: Date.now() - 1000, endAt: Date.now() + 3600_000,
    pickupPointId: cloud.pickupPointId, priceTiers: [TIERS[0], TIERS[0]],
  })
  expect(own).toMatchObject({ ok: false, error: { code: 'INPUT.INVALID' } })
  // Nothing was allocated from the offer by the refused asks.
  const offer = await readDoc('offers', offerId)
  expect(offer?.stockLeft).toBe(offer?.stock)
})

it('a payment applied after the end is served at the price it paid and never moves the tier', async () => {
  const groupBuyId = (await cloud.call<{ groupBuyId: string }>('groupBuy', DEMO.leader, {
    action: 'create', title: '阶梯价 迟到的付款', priceFen: 3000, stock: 100, minParticipants: 1, limitPerUser: 10, startAt: Date.now() - 1000, endAt: Date.now() + 3600_000,
    pickupPointId: cloud.pickupPointId, priceTiers: TIERS.slice(0, 2),
  })).data.groupBuyId
  const onTime = await paidOrder(cloud, DEMO.residents[0], groupBuyId, 9)
  const join = await cloud.call<{ orderId: string }>('groupBuy', DEMO.residents[1], { action: 'join', groupBuyId, quantity: 2, requestId: `late-${Date.now()}` })
  expect(join.ok).toBe(true)
  // The end passes; the second resident's payment lands after it (9 paid by the end, 11 in all).
  await database().collection('groupBuys').doc(groupBuyId).update({ data: { endAt: Date.now() } })
  await new Promise((r) => setTimeout(r, 5))
  expect((await cloud.pay.pay(join.data.orderId)).ok).toBe(true)
  await Promise.all([cloud.fireTimer('settle'), cloud.fireTimer('settle'), cloud.fireTimer('settle')])
  await cloud.fireTimer('settle')
  const gb = await readDoc('groupBuys', groupBuyId)
  expect(gb).toMatchObject({ status: 'CLOSED', finalPriceFen: 3000 })
  for (const id of [onTime, join.data.orderId]) expect((await readAll('refunds', { orderId: id })).filter((r) => r._id.startsWith('rt'))).toEqual([])
  expect((await readDoc('orders', join.data.orderId))?.status).toBe('PAID')
})

describe('阶梯价 attacks: refunds reckoned at the first tier before the final price is known', () => {
  const now0 = Date.now()
  /** demo-leader's own tiered group buy (¥10 from 1 unit, ¥6 from 2), 成团 at 1 payer, ending in a day. */
  async function tieredOwnGroupBuy(title: string): Promise<string> {
    const res = await cloud.call<{ groupBuyId: string }>('groupBuy', DEMO.leader, {
      action: 'create', title, priceFen: 1000, stock: 50, minParticipants: 1, limitPerUser: 5, startAt: now0 - 1000, endAt: Date.now() + 86_400_000,
      pickupPointId: cloud.pickupPointId, priceTiers: [{ minQuantity: 1, priceFen: 1000 }, { minQuantity: 2, priceFen: 600 }],
    })
    if (!res.ok) throw new Error(`create: ${res.error?.code} ${res.error?.message}`)
    return res.data.groupBuyId
  }
  const refundedFor = (orderId: string) => cloud.pay.listRefunds().filter((r) => r.outTradeNo === orderId).reduce((s, r) => s + r.refundFen, 0)

  it('the goods of a tiered group buy are signed off only after its end and wind-up: a shortage is refunded at the final price, and the resident keeps paying the final price for what they kept', async () => {
    const gb = await tieredOwnGroupBuy('阶梯 缺货')
    const orderId = await paidOrder(cloud, 'tier-attack-short', gb, 2) // 2 × ¥10; 成团 at once (SUCCEEDED)
    expect((await readDoc('groupBuys', gb))!.status).toBe('SUCCEEDED')
    // The attack: sign off 1 of 2 while the price is still ¥10 — the missing unit would be refunded at ¥10 and the
    // tier refund at the end paid again on both units (¥18 back, ¥2 kept for a ¥6 unit).
    const early = await cloud.call('groupBuy', DEMO.leader, { action: 'markArrived', groupBuyId: gb, receivedQuantity: 1 })
    expect(early.error?.code).toBe('GROUP_BUY.NOT_ENDED')
    // Ended, but not wound up yet (its price differences not requested): still refused.
    await database().collection('groupBuys').doc(gb).update({ data: { status: 'CLOSED', finalPriceFen: 600 } })
    expect((await cloud.call('groupBuy', DEMO.leader, { action: 'markArrived', groupBuyId: gb, receivedQuantity: 1 })).error?.code).toBe('GROUP_BUY.NOT_ENDED')
    expect(await readAll('refunds', { orderId })).toEqual([])
    await cloud.fireTimer('settle') // the wind-up: the tier refund (2 × ¥4)
    expect((await readDoc('groupBuys', gb))!.settledAt).toBeGreaterThan(0)

    expect((await cloud.call('groupBuy', DEMO.leader, { action: 'markArrived', groupBuyId: gb, receivedQuantity: 1 })).ok).toBe(true)
    await cloud.fireTimer('settle')
    await cloud.fireTimer('settle')
    const order = (await readDoc('orders', orderId))!
    expect(order).toMatchObject({ servedQuantity: 1, priceFen: 600, tierRefundFen: 800 })
    // ¥8 tier + ¥6 shortage back: ¥6 kept for the one unit served, at the final price.
    expect(refundedFor(orderId)).toBe(1400)
  })

  it('the tier refund is reckoned on the units an order still keeps (a sign-off from before the rule refunded the others at the price paid)', async () => {
    const gb = await tieredOwnGroupBuy('阶梯 旧签收')
    const orderId = await paidOrder(cloud, 'tier-attack-old', gb, 2)
    // A sign-off made before the rule (straight through the arrival module, not the action that now refuses it).
    await signOffArrival(database(), (await readDoc('groupBuys', gb)) as never, 1, Date.now())
    await cloud.fireTimer('settle')
    expect(refundedFor(orderId)).toBe(1000) // the missing unit at ¥10
    await database().collection('groupBuys').doc(gb).update({ data: { endAt: Date.now() } })
    await cloud.fireTimer('settle')
    await cloud.fireTimer('settle')
    expect((await readDoc('groupBuys', gb))!).toMatchObject({ status: 'CLOSED', finalPriceFen: 600 })
    // The kept unit gets ¥4 back (not ¥8 for two): ¥6 stays paid for it. Before, ¥18 came back and ¥2 stayed.
    expect((await readDoc('orders', orderId))!.tierRefundFen).toBe(400)
    expect(refundedFor(orderId)).toBe(1400)
  })
})
