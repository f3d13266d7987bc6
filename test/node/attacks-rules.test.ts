/**
 * Can a participant bend the money rules in their own interest? This stop's audit, one attack per test. Two holes it
 * found are fixed: a leader approved the after-sales case of their own order (nobody decides their own case now),
 * and a ROLL_OVER move took a resident past the next group's per-person limit. The "REFUSED" attacks were already
 * stopped and stay as regression tests.
 */
import { splitShares, type SplitTerms } from '@shared/domain/ledger'
import { DEMO, createGroupBuy, database, join, newRequestId, readAll, readDoc, testCloudForThisFile, type Doc } from './support/cloud'
import { createProduct, groupBuyFromOffer, publishOffer } from './support/merchant'
import { closeGroupBuy, netByParty, orderEntries, paidOrder, pickUp } from './support/ledger'

jest.setTimeout(180_000)

const cloud = testCloudForThisFile()
const LEADER2 = 'audit-leader-2'

beforeAll(async () => {
  expect((await cloud.call('admin', DEMO.admin, { action: 'grantRole', openid: LEADER2, role: 'leader', pickupPointId: cloud.otherPickupPointId })).ok).toBe(true)
})

async function endAndSettle(groupBuyId: string, runs = 2): Promise<void> {
  await database().collection('groupBuys').doc(groupBuyId).update({ data: { endAt: Date.now() - 1 } })
  for (let i = 0; i < runs; i++) expect(((await cloud.fireTimer('settle')) as { ok: boolean }).ok).toBe(true)
}

describe('after-sales decisions', () => {
  it('a leader cannot approve the after-sales case of their own order in their own 帮卖 group buy (it kept the goods, got the full price back, and the merchant lost the supply price)', async () => {
    const productId = await createProduct(cloud, { supplyPriceFen: 1000 })
    const offerId = await publishOffer(cloud, productId)
    const gb = await groupBuyFromOffer(cloud, DEMO.leader, offerId, { priceFen: 1990 })
    // The leader buys one unit in their own group buy, as any resident can.
    const orderId = await paidOrder(cloud, DEMO.leader, gb, 1)
    await closeGroupBuy(cloud, gb)
    expect((await pickUp(cloud, DEMO.leader, gb, orderId)).ok).toBe(true)
    const before = netByParty(await orderEntries(cloud, orderId))
    expect(before.merchant).toBe(1000)

    const asked = await cloud.call<{ caseId: string }>('afterSales', DEMO.leader, { action: 'request', orderId, quantity: 1, reason: 'QUALITY', requestId: newRequestId('as') })
    expect(asked.ok).toBe(true)
    // The rule: nobody decides their own case (the leader is both the claimant and the judge here).
    const decided = await cloud.call('afterSales', DEMO.leader, { action: 'decide', caseId: asked.data.caseId, approve: true })
    await cloud.fireTimer('settle')
    expect({ ok: decided.ok, refunded: cloud.pay.refundedFor(orderId), merchant: netByParty(await orderEntries(cloud, orderId)).merchant }).toEqual({ ok: false, refunded: 0, merchant: 1000 })
  })
})

describe('after-sales decisions, other parties', () => {
  it('a leader bound to the point cannot approve their own case in a merchant’s own group buy there (the merchant paid for goods the leader kept)', async () => {
    const now = Date.now()
    const created = await cloud.call<{ groupBuyId: string }>('groupBuy', DEMO.merchant, {
      action: 'create', title: '审计 商家自营', priceFen: 3000, stock: 20, minParticipants: 1, limitPerUser: 5, startAt: now - 1000, endAt: now + 3600_000, pickupPointId: cloud.pickupPointId,
    })
    expect(created.ok).toBe(true)
    const gb = created.data.groupBuyId
    const orderId = await paidOrder(cloud, DEMO.leader, gb, 1)
    expect((await pickUp(cloud, DEMO.leader, gb, orderId)).ok).toBe(true)
    const merchantShareBefore = netByParty(await orderEntries(cloud, orderId)).leader // the creator's share ('own' split)
    expect(merchantShareBefore).toBeGreaterThan(0)
    const asked = await cloud.call<{ caseId: string }>('afterSales', DEMO.leader, { action: 'request', orderId, quantity: 1, reason: 'DAMAGED', requestId: newRequestId('as') })
    expect(asked.ok).toBe(true)
    const decided = await cloud.call('afterSales', DEMO.leader, { action: 'decide', caseId: asked.data.caseId, approve: true })
    await cloud.fireTimer('settle')
    expect({ ok: decided.ok, refunded: cloud.pay.refundedFor(orderId), creatorShare: netByParty(await orderEntries(cloud, orderId)).leader }).toEqual({ ok: false, refunded: 0, creatorShare: merchantShareBefore })
  })

  it('REFUSED: a leader of another point, and a merchant on a leader’s own group buy, cannot decide a case; nor can another point’s leader 截团', async () => {
    const gb = await createGroupBuy(cloud, { priceFen: 1500, minParticipants: 1, limitPerUser: 5 })
    const R = 'audit-as-r'
    const orderId = await paidOrder(cloud, R, gb, 2)
    expect((await pickUp(cloud, R, gb, orderId)).ok).toBe(true)
    const asked = await cloud.call<{ caseId: string }>('afterSales', R, { action: 'request', orderId, quantity: 2, reason: 'QUALITY', requestId: newRequestId('as') })
    expect(asked.ok).toBe(true)
    expect((await cloud.call('afterSales', LEADER2, { action: 'decide', caseId: asked.data.caseId, approve: true })).error?.code).toBe('AFTER_SALES.NOT_FOUND')
    expect((await cloud.call('afterSales', DEMO.merchant, { action: 'decide', caseId: asked.data.caseId, approve: true })).error?.code).toBe('AFTER_SALES.NOT_FOUND')
    expect((await readDoc('afterSalesCases', asked.data.caseId))?.status).toBe('PENDING')
    const other = await createGroupBuy(cloud, { priceFen: 1500, minParticipants: 1, limitPerUser: 5 })
    expect((await cloud.call('groupBuy', LEADER2, { action: 'close', groupBuyId: other })).error?.code).toBe('AUTH.FORBIDDEN')
    expect((await readDoc('groupBuys', other))?.status).toBe('OPEN')
  })
})

describe('per-person limit', () => {
  it('a ROLL_OVER order is not moved into a next group past its limitPerUser (before: 5 units into a cheaper, limit-1 group)', async () => {
    const R = 'audit-roll-r'
    const failing = await createGroupBuy(cloud, { title: '审计 限购 脐橙', priceFen: 1000, minParticipants: 3, limitPerUser: 5 })
    const flash = await createGroupBuy(cloud, { title: '审计 限购 脐橙', priceFen: 500, minParticipants: 1, limitPerUser: 1, stock: 20 })
    // At the limit in the flash group already…
    await paidOrder(cloud, R, flash, 1)
    expect((await join(cloud, R, flash, 1)).error?.code).toBe('GROUP_BUY.LIMIT_EXCEEDED')
    // …and 5 units held from a group that fails.
    const res = await cloud.call<{ orderId: string }>('groupBuy', R, { action: 'join', groupBuyId: failing, quantity: 5, requestId: newRequestId(), onFail: 'ROLL_OVER' })
    expect(res.ok).toBe(true)
    expect((await cloud.pay.pay(res.data.orderId)).ok).toBe(true)
    await endAndSettle(failing, 3)
    expect((await readDoc('groupBuys', failing))?.status).toBe('FAILED')

    const live = (await readAll('orders', { groupBuyId: flash, openid: R })).filter((o: Doc) => ['PENDING_PAYMENT', 'PAID', 'READY_FOR_PICKUP', 'PICKED_UP'].includes(o.status))
    const units = live.reduce((s: number, o: Doc) => s + o.quantity, 0)
    // The rule (join guarantees): all of a person's live orders in a group buy stay within its limitPerUser.
    expect(units).toBeLessThanOrEqual(1)
  })

  it('REFUSED: 6 concurrent joins of 1 unit with limit 2 → exactly 2 succeed; a cancel frees exactly one unit of quota', async () => {
    const R = 'audit-limit-r'
    const gb = await createGroupBuy(cloud, { priceFen: 800, minParticipants: 5, limitPerUser: 2, stock: 50 })
    const res = await Promise.all(Array.from({ length: 6 }, () => join(cloud, R, gb, 1)))
    const ok = res.filter((r) => r.ok)
    expect(ok).toHaveLength(2)
    expect(res.filter((r) => !r.ok).every((r) => r.error?.code === 'GROUP_BUY.LIMIT_EXCEEDED')).toBe(true)
    expect((await cloud.call('order', R, { action: 'cancel', orderId: ok[0].data.orderId })).ok).toBe(true)
    const again = await Promise.all(Array.from({ length: 3 }, () => join(cloud, R, gb, 1)))
    expect(again.filter((r) => r.ok)).toHaveLength(1)
  })
})

describe('帮卖 price floor and frozen terms', () => {
  it('REFUSED: 阶梯价 whose lowest tier is under the offer’s minimum (¥19.90 → ¥14.00 at 5 units, min ¥15.00): refused, nothing allocated', async () => {
    const productId = await createProduct(cloud, { supplyPriceFen: 1000 })
    const offerId = await publishOffer(cloud, productId, DEMO.merchant, { stock: 100 })
    const res = await cloud.call('groupBuy', DEMO.leader, {
      action: 'createFromOffer', offerId, priceFen: 1990, stock: 40, minParticipants: 1, limitPerUser: 5,
      priceTiers: [{ minQuantity: 1, priceFen: 1990 }, { minQuantity: 5, priceFen: 1400 }],
    })
    expect(res.error?.code).toBe('SUPPLY.PRICE_OUT_OF_RANGE')
    expect((await readDoc('offers', offerId))?.stockLeft).toBe(100)
  })

  it('REFUSED: no edit action exists for a group buy or an offer (price/commission cannot change after residents paid)', async () => {
    for (const action of ['update', 'edit', 'setPrice', 'updatePrice']) {
      expect((await cloud.call('groupBuy', DEMO.leader, { action, groupBuyId: 'x', priceFen: 1 })).error?.code).toBe('ACTION.UNKNOWN')
      expect((await cloud.call('supply', DEMO.merchant, { action, offerId: 'x', supplyPriceFen: 1 })).error?.code).toBe('ACTION.UNKNOWN')
    }
  })

  it('REFUSED: the merchant raises the product’s supply price after a sale — the booked sale, the offer and later group buys keep ¥10.00', async () => {
    const productId = await createProduct(cloud, { supplyPriceFen: 1000 })
    const offerId = await publishOffer(cloud, productId)
    const gb = await groupBuyFromOffer(cloud, DEMO.leader, offerId, { priceFen: 1990 })
    const orderId = await paidOrder(cloud, 'audit-supply-r', gb, 2)
    const up = await cloud.call('catalog', DEMO.merchant, { action: 'updateProduct', productId, supplyPriceFen: 1900 })
    expect(up.ok).toBe(true)
    expect((await readDoc('offers', offerId))?.supplyPriceFen).toBe(1000)
    expect((await readDoc('groupBuys', gb))?.supplyPriceFen).toBe(1000)
    expect(netByParty(await orderEntries(cloud, orderId)).merchant).toBe(2000)
    const later = await groupBuyFromOffer(cloud, DEMO.leader, offerId, { priceFen: 1990 })
    expect((await readDoc('groupBuys', later))?.supplyPriceFen).toBe(1000)
    const o2 = await paidOrder(cloud, 'audit-supply-r2', later, 1)
    expect(netByParty(await orderEntries(cloud, o2)).merchant).toBe(1000)
  })
})

describe('handling fee', () => {
  it('REFUSED: a leader cannot set the store fee or slip it into updatePickupPoint; an admin’s later change never reaches a group buy opened before', async () => {
    expect((await cloud.call('admin', DEMO.leader, { action: 'setHandlingFee', pickupPointId: cloud.pickupPointId, handlingFeeFen: 0 })).error?.code).toBe('AUTH.FORBIDDEN')
    expect((await cloud.call('admin', DEMO.leader, { action: 'updatePickupPoint', pickupPointId: cloud.pickupPointId, handlingFeeFen: 0 })).error?.code).toBe('INPUT.INVALID')
    expect((await cloud.call('admin', DEMO.admin, { action: 'setHandlingFee', pickupPointId: cloud.pickupPointId, handlingFeeFen: 30 })).ok).toBe(true)
    const gb = await createGroupBuy(cloud, { priceFen: 1000, minParticipants: 1, limitPerUser: 5 })
    expect((await cloud.call('admin', DEMO.admin, { action: 'setHandlingFee', pickupPointId: cloud.pickupPointId, handlingFeeFen: 900 })).ok).toBe(true)
    const orderId = await paidOrder(cloud, 'audit-fee-r', gb, 1)
    expect(netByParty(await orderEntries(cloud, orderId))).toEqual({ merchant: 0, leader: 1000 - 50 - 30, store: 30, platform: 50 })
    expect((await cloud.call('admin', DEMO.admin, { action: 'setHandlingFee', pickupPointId: cloud.pickupPointId, handlingFeeFen: 0 })).ok).toBe(true)
  })
})

describe('offer stock across leaders', () => {
  it('REFUSED: two leaders at two points allocate 20 + 20 of an offer of 30 at once — one is SOLD_OUT; a closed group hands back only its unsold units', async () => {
    const productId = await createProduct(cloud, { supplyPriceFen: 1000 })
    const offerId = await publishOffer(cloud, productId, DEMO.merchant, { stock: 30 })
    const [a, b] = await Promise.all([
      cloud.call<{ groupBuyId: string }>('groupBuy', DEMO.leader, { action: 'createFromOffer', offerId, priceFen: 1990, stock: 20, minParticipants: 1, limitPerUser: 5 }),
      cloud.call<{ groupBuyId: string }>('groupBuy', LEADER2, { action: 'createFromOffer', offerId, priceFen: 1990, stock: 20, minParticipants: 1, limitPerUser: 5 }),
    ])
    expect([a.ok, b.ok].filter(Boolean)).toHaveLength(1)
    expect([a, b].find((r) => !r.ok)?.error?.code).toBe('SUPPLY.SOLD_OUT')
    expect((await readDoc('offers', offerId))?.stockLeft).toBe(10)
    const won = (a.ok ? a : b).data.groupBuyId
    const buyer = 'audit-stock-r'
    const id = await paidOrder(cloud, buyer, won, 3)
    expect(id).toBeTruthy()
    await cloud.call('groupBuy', a.ok ? DEMO.leader : LEADER2, { action: 'close', groupBuyId: won })
    await cloud.fireTimer('settle')
    expect((await readDoc('offers', offerId))?.stockLeft).toBe(27)
    const pos = await readAll('purchaseOrders', { offerId })
    expect(pos.map((p: Doc) => p.quantity)).toEqual([3])
  })
})

describe('coupons on orders', () => {
  it('REFUSED: a coupon cannot be applied to an order (join takes no coupon; the amount is price × quantity)', async () => {
    const gb = await createGroupBuy(cloud, { priceFen: 1000, minParticipants: 1, limitPerUser: 5 })
    for (const key of ['couponId', 'couponCode', 'discountFen']) {
      const res = await cloud.call('groupBuy', 'audit-coupon-r', { action: 'join', groupBuyId: gb, quantity: 1, requestId: newRequestId(), [key]: key === 'discountFen' ? 1000 : 'c123' })
      expect(res.error?.code).toBe('INPUT.INVALID')
    }
    const res = await join(cloud, 'audit-coupon-r', gb, 2)
    expect(res.data.amountFen).toBe(2000)
  })
})

describe('splitShares rounding', () => {
  it('REFUSED: every amount 0…400 fen × 1…4 units, offer and own terms, fee/tier/delivery variants — no share below 0, the four add up exactly', () => {
    const terms: SplitTerms[] = []
    for (const handlingFeeFen of [0, 1, 7, 50, 1000])
      for (const deliveryFeeFen of [0, 1, 300]) {
        terms.push({ kind: 'own', supplyPriceFen: 0, commissionBp: 0, tierBonusBp: 0, handlingFeeFen, platformFeeBp: 500, deliveryFeeFen })
        for (const [s, c, t] of [[1, 5000, 200], [100, 1000, 0], [99, 4999, 200], [0, 0, 0]])
          terms.push({ kind: 'offer', supplyPriceFen: s, commissionBp: c, tierBonusBp: t, handlingFeeFen, platformFeeBp: 0, deliveryFeeFen })
      }
    let bad = 0
    for (const t of terms)
      for (let a = 0; a <= 400; a++)
        for (let q = 1; q <= 4; q++) {
          const s = splitShares(a, q, t)
          if (Math.min(s.merchant, s.leader, s.store, s.platform) < 0 || s.merchant + s.leader + s.store + s.platform !== a) bad++
        }
    expect(bad).toBe(0)
    expect(splitShares(1, 1, { kind: 'own', supplyPriceFen: 0, commissionBp: 0, tierBonusBp: 0, handlingFeeFen: 50, platformFeeBp: 500 })).toEqual({ merchant: 0, leader: 0, store: 1, platform: 0 })
  })
})
