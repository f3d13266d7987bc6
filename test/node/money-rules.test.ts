/**
 * Issue #19's money rules, each written as the attack it stops, on the local cloud's real SQLite:
 * - money is withdrawable only once no refund can reach it (a payout racing an open case, or an approved refund
 *   WeChat Pay has not confirmed yet, finds nothing to take);
 * - no balance below 0: a refund that takes back money already paid out leaves a debt, repaid before any payout;
 * - every refund leaves each party the split of what is kept (1 of 2 units back after pickup = the same unit short
 *   at arrival);
 * - tier volume is picked up less refunds (a self-refunded big sale raises no tier);
 * - points are platform value (a minting campaign is refused) and a take-back voids what the points bought.
 */
import type { BalanceView, ReconcileReport } from '@shared/contracts/ledger'
import { splitShares, tierVolumeFen, type SplitTerms } from '@shared/domain/ledger'
import { releaseDue } from '@server/ledger/ledger-flow'
import { processDuePayouts } from '@server/ledger/payouts'
import { rederiveMember } from '@server/members/points'
import { processDueRefunds, requestPartialRefund } from '@server/payments/refunds'
import { DEMO, createGroupBuy, database, newRequestId, readAll, readDoc, readLedger, sleep, testCloudForThisFile, type Doc } from './support/cloud'
import { pickedUpGroupBuy } from './support/after-pickup'
import { balanceOf, closeGroupBuy, netByParty, offerGroupBuy, orderEntries, paidOrder, pickUp } from './support/ledger'

jest.setTimeout(120_000)

const cloud = testCloudForThisFile()
const FEE = 50
const LEADER = `leader:${DEMO.leader}`
const LATER = () => Date.now() + 49 * 3600_000 // past the default 48 h window

function ask(openid: string, orderId: string, quantity: number) {
  return cloud.call<{ caseId: string; status: string }>('afterSales', openid, { action: 'request', orderId, quantity, reason: 'QUALITY', requestId: newRequestId('as') })
}

async function reconcile(): Promise<ReconcileReport> {
  const res = await cloud.call<ReconcileReport>('admin', DEMO.admin, { action: 'reconcile' })
  if (!res.ok) throw new Error(`reconcile: ${res.error?.code}`)
  return res.data
}

function payout(amountFen: number) {
  return cloud.call('ledger', DEMO.leader, { action: 'requestPayout', amountFen, requestId: newRequestId('po') })
}

function expectNoNegative(b: BalanceView): void {
  expect(Math.min(b.frozenFen, b.awaitingPickupFen, b.afterSalesFen, b.availableFen, b.pendingPayoutFen, b.paidOutFen, b.debtFen)).toBeGreaterThanOrEqual(0)
}

const ownTerms = (): SplitTerms => ({ kind: 'own', supplyPriceFen: 0, commissionBp: 0, tierBonusBp: 0, handlingFeeFen: FEE, platformFeeBp: 500 })

beforeAll(async () => {
  expect((await cloud.call('admin', DEMO.admin, { action: 'setHandlingFee', pickupPointId: cloud.pickupPointId, handlingFeeFen: FEE })).ok).toBe(true)
})

describe('money is withdrawable only when no refund can reach it', () => {
  it('a payout racing an open case, then an approved but unconfirmed refund, finds nothing to take', async () => {
    const R = 'mr-case'
    const groupBuyId = await createGroupBuy(cloud, { priceFen: 9500, minParticipants: 1, limitPerUser: 5 })
    const orderId = await paidOrder(cloud, R, groupBuyId, 2)
    const full = splitShares(19_000, 2, ownTerms())
    expect((await pickUp(cloud, R, groupBuyId, orderId)).ok).toBe(true)
    await cloud.fireTimer('settle')

    // Picked up: the leader's share sits in 售后期, not in 可提现.
    const start = await balanceOf(cloud, DEMO.leader)
    expect(start.afterSalesFen).toBeGreaterThanOrEqual(full.leader)
    expectNoNegative(start)
    // The resident opens a case; the leader tries to withdraw the order's money at once.
    const asked = await ask(R, orderId, 1)
    expect(asked.ok).toBe(true)
    expect((await payout(start.availableFen + full.leader)).error?.code).toBe('LEDGER.INSUFFICIENT')

    // The window passes, but the open case keeps the order's money frozen.
    expect(await releaseDue(database(), LATER())).toMatchObject({ waiting: 1 })
    expect((await readLedger(orderId))!.released).toBe(false)
    expect((await payout(start.availableFen + 1)).error?.code).toBe('LEDGER.INSUFFICIENT')

    // Approved, refund not confirmed by WeChat Pay yet: still frozen, still nothing to take.
    const decided = await cloud.call('afterSales', DEMO.leader, { action: 'decide', caseId: asked.data.caseId, approve: true })
    expect(decided.data).toMatchObject({ status: 'APPROVED', refundFen: 9500, quantity: 1 })
    expect((await readDoc('refunds', (await readDoc('afterSalesCases', asked.data.caseId))!.refundId))).toMatchObject({ status: 'PENDING', units: 1 })
    await releaseDue(database(), LATER())
    expect((await readLedger(orderId))!.released).toBe(false)
    const racing = await Promise.all(Array.from({ length: 5 }, () => payout(start.availableFen + 1)))
    expect(racing.every((r) => r.error?.code === 'LEDGER.INSUFFICIENT')).toBe(true)

    // Confirmed and booked: the release pays out exactly the split of the one unit kept, and nothing more can reach it.
    await processDueRefunds(database(), Date.now())
    await releaseDue(database(), LATER())
    expect((await readLedger(orderId))!.released).toBe(true)
    const kept = splitShares(9500, 1, ownTerms())
    expect(netByParty(await orderEntries(cloud, orderId))).toEqual(kept)
    const after = await balanceOf(cloud, DEMO.leader)
    expect(after.availableFen - start.availableFen).toBe(kept.leader)
    expectNoNegative(after)
    // The window is over for this order: a late case is refused, not left to take released money.
    expect((await ask(R, orderId, 1)).error?.code).toBe('AFTER_SALES.WINDOW_CLOSED')
    expect((await reconcile()).mismatches).toEqual([])
  })
})

describe('no balance ever below 0', () => {
  beforeAll(() => {
    process.env.AFTER_SALES_WINDOW_MS = '0'
  })
  afterAll(() => {
    delete process.env.AFTER_SALES_WINDOW_MS
  })

  it('a refund of money already paid out leaves a debt (listed in 对账), repaid from the next earnings before any payout', async () => {
    const groupBuyId = await createGroupBuy(cloud, { priceFen: 5000, minParticipants: 1, limitPerUser: 5 })
    const orderId = await paidOrder(cloud, 'mr-debt', groupBuyId, 2)
    expect((await pickUp(cloud, 'mr-debt', groupBuyId, orderId)).ok).toBe(true)
    await cloud.fireTimer('settle') // window 0: released at once
    const all = (await balanceOf(cloud, DEMO.leader)).availableFen
    expect(all).toBeGreaterThanOrEqual(splitShares(10_000, 2, ownTerms()).leader)
    expect((await payout(all)).ok).toBe(true)
    await processDuePayouts(database(), Date.now())
    expect((await balanceOf(cloud, DEMO.leader)).availableFen).toBe(0)

    // A refund nothing can stop any more (an admin's, a future rule's) takes back one unit of paid-out money.
    const order = (await readDoc('orders', orderId))!
    await requestPartialRefund(database(), order as never, { refundId: `ra${newRequestId('x').replace(/-/g, '')}`.slice(0, 32), amountFen: 5000, reason: '平台退款', units: 1 }, Date.now())
    await processDueRefunds(database(), Date.now())
    const owed = splitShares(10_000, 2, ownTerms()).leader - splitShares(5000, 1, ownTerms()).leader
    const inDebt = await balanceOf(cloud, DEMO.leader)
    expect(inDebt).toMatchObject({ availableFen: 0, debtFen: owed })
    expectNoNegative(inDebt)
    expect(netByParty(await orderEntries(cloud, orderId))).toEqual(splitShares(5000, 1, ownTerms()))
    const report = await reconcile()
    expect(report.mismatches).toEqual([])
    expect(report.debts).toContainEqual({ account: LEADER, debtFen: owed })
    expect((await payout(1)).error?.code).toBe('LEDGER.INSUFFICIENT')

    // The next earnings repay the debt first; only the rest can be withdrawn.
    const next = await paidOrder(cloud, 'mr-debt-2', groupBuyId, 1)
    expect((await pickUp(cloud, 'mr-debt-2', groupBuyId, next)).ok).toBe(true)
    await cloud.fireTimer('settle')
    const earned = splitShares(5000, 1, ownTerms()).leader
    const repaid = await balanceOf(cloud, DEMO.leader)
    expect(repaid).toMatchObject({ debtFen: Math.max(0, owed - earned), availableFen: Math.max(0, earned - owed) })
    expectNoNegative(repaid)
    expect((await payout(repaid.availableFen + 1)).error?.code).toBe('LEDGER.INSUFFICIENT')
    const clean = await reconcile()
    expect(clean.mismatches).toEqual([])
    expect(clean.debts.filter((d) => d.account === LEADER)).toEqual(owed > earned ? [{ account: LEADER, debtFen: owed - earned }] : [])
  })
})

describe('every refund leaves each party exactly the split of what is kept', () => {
  it('1 of 2 units refunded after pickup (after-sales) and the same unit short at arrival leave identical splits', async () => {
    const terms = { priceFen: 3990, supplyPriceFen: 2500, commissionBp: 1000 }
    // After pickup: the resident asks for both units back, the leader approves one.
    const gbA = await offerGroupBuy(cloud, terms)
    const a = await paidOrder(cloud, 'mr-split-a', gbA, 2)
    await closeGroupBuy(cloud, gbA)
    expect((await pickUp(cloud, 'mr-split-a', gbA, a)).ok).toBe(true)
    const asked = await ask('mr-split-a', a, 2)
    expect((await cloud.call('afterSales', DEMO.leader, { action: 'decide', caseId: asked.data.caseId, approve: true, quantity: 3 })).error?.code).toBe('INPUT.INVALID')
    const decided = await cloud.call('afterSales', DEMO.leader, { action: 'decide', caseId: asked.data.caseId, approve: true, quantity: 1 })
    expect(decided.data).toMatchObject({ status: 'APPROVED', refundFen: 3990, quantity: 1 })
    await cloud.fireTimer('settle')
    expect(cloud.pay.refundedFor(a)).toBe(3990)
    // The unit not approved is free again on the order's tally: the resident may still ask for it.
    expect((await readDoc('afterSalesTallies', a))!.quantity).toBe(1)

    // At arrival: the same unit never came.
    const gbB = await offerGroupBuy(cloud, terms)
    const b = await paidOrder(cloud, 'mr-split-b', gbB, 2)
    await closeGroupBuy(cloud, gbB)
    expect((await cloud.call('groupBuy', DEMO.leader, { action: 'markArrived', groupBuyId: gbB, receivedQuantity: 1 })).ok).toBe(true)
    await cloud.fireTimer('settle')
    expect(cloud.pay.refundedFor(b)).toBe(3990)
    expect((await pickUp(cloud, 'mr-split-b', gbB, b)).ok).toBe(true)

    const afterSales = netByParty(await orderEntries(cloud, a))
    const shortage = netByParty(await orderEntries(cloud, b))
    expect(afterSales).toEqual(shortage)
    expect(afterSales).toEqual({ merchant: 2500, leader: 399, store: FEE, platform: 3990 - 2500 - 399 - FEE })
    expect((await reconcile()).mismatches).toEqual([])
  })
})

describe('tier volume is picked up less refunds', () => {
  beforeAll(() => {
    process.env.COMMISSION_TIERS = '0:0,1000000:200'
  })
  afterAll(() => {
    delete process.env.COMMISSION_TIERS
  })

  it('a ¥20,000 sale bought from a second account, picked up and refunded through 售后, raises no tier', async () => {
    const before = (await balanceOf(cloud, DEMO.leader)).tier!
    expect(before.monthPickedUpFen).toBeLessThan(1_000_000)
    expect(before.bonusBp).toBe(0)
    const big = await offerGroupBuy(cloud, { priceFen: 2_000_000, supplyPriceFen: 1_000_000, commissionBp: 1000 })
    const orderId = await paidOrder(cloud, 'mr-tier-sock', big, 1)
    await closeGroupBuy(cloud, big)
    expect((await pickUp(cloud, 'mr-tier-sock', big, orderId)).ok).toBe(true)
    expect((await balanceOf(cloud, DEMO.leader)).tier).toMatchObject({ monthPickedUpFen: before.monthPickedUpFen + 2_000_000, bonusBp: 200 })
    // A sale booked meanwhile keeps the inputs it was booked with.
    const other = await offerGroupBuy(cloud, { priceFen: 1000, supplyPriceFen: 500, commissionBp: 1000 })
    const meanwhile = await paidOrder(cloud, 'mr-tier-buyer', other, 1)
    expect((await readLedger(meanwhile))!.terms.tierBonusBp).toBe(200)

    const asked = await ask('mr-tier-sock', orderId, 1)
    expect((await cloud.call('afterSales', DEMO.leader, { action: 'decide', caseId: asked.data.caseId, approve: true })).ok).toBe(true)
    await cloud.fireTimer('settle')
    expect(cloud.pay.refundedFor(orderId)).toBe(2_000_000)
    expect((await balanceOf(cloud, DEMO.leader)).tier).toMatchObject({ monthPickedUpFen: before.monthPickedUpFen, bonusBp: 0 })
    const later = await paidOrder(cloud, 'mr-tier-buyer-2', other, 1)
    expect((await readLedger(later))!.terms.tierBonusBp).toBe(0)
    expect((await readLedger(meanwhile))!.terms.tierBonusBp).toBe(200)
  })
})

describe('tier volume is 帮卖 goods only', () => {
  beforeAll(() => {
    process.env.COMMISSION_TIERS = '0:0,1000000:200'
  })
  afterAll(() => {
    delete process.env.COMMISSION_TIERS
  })

  it('BUG (fixed): a leader’s own group buy bought from a second account for ¥20,000 lifted the 帮卖 tier bonus — it adds nothing now', async () => {
    const before = (await balanceOf(cloud, DEMO.leader)).tier!
    expect(before.bonusBp).toBe(0)
    const own = await createGroupBuy(cloud, { priceFen: 2_000_000, minParticipants: 1, limitPerUser: 1 })
    const orderId = await paidOrder(cloud, 'mr-tier-own', own, 1)
    await closeGroupBuy(cloud, own)
    expect((await pickUp(cloud, 'mr-tier-own', own, orderId)).ok).toBe(true)
    expect((await readLedger(orderId))!).toMatchObject({ tierFen: 0 })
    expect((await balanceOf(cloud, DEMO.leader)).tier).toMatchObject({ monthPickedUpFen: before.monthPickedUpFen, bonusBp: 0 })
    // The next 帮卖 sale is split without a bonus: the platform's part is not handed to the leader.
    const offer = await offerGroupBuy(cloud, { priceFen: 1000, supplyPriceFen: 500, commissionBp: 1000 })
    const next = await paidOrder(cloud, 'mr-tier-own-buyer', offer, 1)
    expect((await readLedger(next))!.terms.tierBonusBp).toBe(0)
  })

  it('a delivered 帮卖 order counts its goods, not the store’s delivery fee; a leader’s own order counts nothing', () => {
    const offer = { kind: 'offer' as const, deliveryFeeFen: 300 }
    expect(tierVolumeFen({ amountFen: 5300, refundedFen: 0, terms: offer })).toBe(5000)
    expect(tierVolumeFen({ amountFen: 5300, refundedFen: 1000, terms: offer })).toBe(4000)
    expect(tierVolumeFen({ amountFen: 5000, refundedFen: 0, terms: { kind: 'offer' } })).toBe(5000)
    expect(tierVolumeFen({ amountFen: 5300, refundedFen: 6000, terms: offer })).toBe(0)
    expect(tierVolumeFen({ amountFen: 5000, refundedFen: 0, terms: { kind: 'own' } })).toBe(0)
  })
})

describe('points are platform value', () => {
  const campaign = (extra: Record<string, unknown>) => {
    const now = Date.now()
    return cloud.call<{ campaignId: string }>('coupon', DEMO.merchant, {
      action: 'createCampaign', title: '积分测试', priceFen: 0, total: 10, limitPerUser: 5, validFrom: now - 1000, validTo: now + 86_400_000, pickupPointIds: [cloud.pickupPointId], ...extra,
    })
  }

  it('a ¥0.01 coupon granting 100,000 points per redemption is refused, naming the cap; the admin sets the rule', async () => {
    const minting = await campaign({ valueFen: 1, pointsOnRedeem: 100_000 })
    expect(minting.error?.code).toBe('INPUT.INVALID')
    expect(minting.error?.message).toMatch(/at most 0 points/)
    expect(await readAll('couponCampaigns', { pointsOnRedeem: 100_000 })).toEqual([])
    // Default: 1 point per ¥1, at most 1,000.
    expect((await campaign({ valueFen: 5000, pointsOnRedeem: 51 })).error?.message).toMatch(/at most 50 points/)
    expect((await campaign({ valueFen: 5000, pointsOnRedeem: 50 })).ok).toBe(true)
    expect((await campaign({ valueFen: 500_000, pointsOnRedeem: 1001 })).error?.message).toMatch(/at most 1000 points/)

    // Only the admin changes the rule.
    expect((await cloud.call('admin', DEMO.merchant, { action: 'setPointsRule', pointsPerYuan: 100, maxPerRedemption: 100_000 })).ok).toBe(false)
    expect((await cloud.call('admin', DEMO.admin, { action: 'setPointsRule', pointsPerYuan: 2, maxPerRedemption: 30 })).ok).toBe(true)
    expect((await cloud.call('admin', DEMO.admin, { action: 'getPointsRule' })).data).toEqual({ pointsPerYuan: 2, maxPerRedemption: 30 })
    expect((await campaign({ valueFen: 1000, pointsOnRedeem: 20 })).ok).toBe(true)
    expect((await campaign({ valueFen: 5000, pointsOnRedeem: 31 })).error?.message).toMatch(/at most 30 points/)
    await cloud.call('admin', DEMO.admin, { action: 'setPointsRule', pointsPerYuan: 1, maxPerRedemption: 1000 })
  })

  it('a take-back voids the unredeemed coupons the points bought, latest first, until covered; only what was redeemed stays unrecovered', async () => {
    const P = 'mr-points'
    const { orders } = await pickedUpGroupBuy(cloud, { [P]: 2 }, { priceFen: 5000 }) // 100 points
    const member = (await campaign({ title: '30 积分券', valueFen: 500, pointsPrice: 30 })).data.campaignId
    const coupons: { couponId: string; code: string }[] = []
    for (let k = 0; k < 3; k++) {
      const c = await cloud.call<{ couponId: string; code: string }>('coupon', P, { action: 'claim', campaignId: member, requestId: newRequestId('pc') })
      expect(c.ok).toBe(true)
      coupons.push(c.data)
      await sleep(5)
    }
    // A claim the balance (10) refuses leaves a void spend: not listed as a spend.
    expect((await cloud.call('coupon', P, { action: 'claim', campaignId: member, requestId: newRequestId('pc') })).error?.code).toBe('MEMBER.INSUFFICIENT_POINTS')
    const me = async () => (await cloud.call('member', P, { action: 'me' })).data
    expect(await me()).toMatchObject({ points: 10, lifetimePoints: 100 })

    // One of the two units comes back through 售后: 50 points are taken back from a balance of 10.
    const first = await ask(P, orders[P], 1)
    await cloud.call('afterSales', DEMO.leader, { action: 'decide', caseId: first.data.caseId, approve: true })
    await cloud.fireTimer('settle')
    const status = async () => Promise.all(coupons.map(async (c) => (await readDoc('coupons', c.couponId))!.status))
    expect(await status()).toEqual(['ISSUED', 'VOIDED', 'VOIDED'])
    expect(await me()).toMatchObject({ points: 20, lifetimePoints: 50, unrecoveredPoints: 0 })
    expect((await cloud.call('coupon', DEMO.clerk, { action: 'redeem', code: coupons[2].code })).ok).toBe(false)
    let history = (await cloud.call('member', P, { action: 'history' })).data.items as Doc[]
    expect(history.filter((e) => e.kind === 'SPEND_VOIDED').map((e) => e.points)).toEqual([30, 30])
    expect(history.filter((e) => e.kind === 'SPEND').map((e) => e.points)).toEqual([-30, -30, -30])
    expect(await rederiveMember(database(), P)).toEqual({ points: 20, lifetimePoints: 50, unrecoveredPoints: 0 })

    // The last coupon is used at the store; the other unit comes back: what was redeemed stays unrecovered, and says so.
    expect((await cloud.call('coupon', DEMO.clerk, { action: 'redeem', code: coupons[0].code })).ok).toBe(true)
    const second = await ask(P, orders[P], 1)
    await cloud.call('afterSales', DEMO.leader, { action: 'decide', caseId: second.data.caseId, approve: true })
    await cloud.fireTimer('settle')
    expect(await status()).toEqual(['REDEEMED', 'VOIDED', 'VOIDED'])
    expect(await me()).toMatchObject({ points: 0, lifetimePoints: 0, unrecoveredPoints: 30 })
    history = (await cloud.call('member', P, { action: 'history' })).data.items as Doc[]
    expect(history[0]).toMatchObject({ kind: 'TAKE_BACK', points: -20, unrecovered: 30 })
    expect(history[0].note).toMatch(/30 分已用于已核销的券/)
    expect(await rederiveMember(database(), P)).toEqual({ points: 0, lifetimePoints: 0, unrecoveredPoints: 30 })
  })
})
