/**
 * Issue #11's model test: random sequences of payments (replayed, of the wrong amount), arrivals and pickups,
 * shortages, partial and full refunds (each confirmed later, possibly after failed attempts), payouts and failed
 * payouts — some of them at the same time — run through the real functions on the local cloud. After each
 * sequence the ledger must balance to the fen against the payment simulator and the split rule.
 * Issue #19 adds after-sales refunds of picked-up units (afterSales.request/decide), releases once the after-sales
 * window has closed, refunds of released money interleaved with payouts (debts), and points spent on coupons then
 * taken back (coupon voiding); its invariants: no balance below 0 at any step, each party's entries for an order =
 * the split of what is kept (kept units and amount, computed here independently), and a take-back leaves points
 * unrecovered only when nothing the points bought before it is still unused.
 */
import fc from 'fast-check'
import type { ReconcileReport } from '@shared/contracts/ledger'
import { balanceFromEntries, PARTIES, splitShares, type SplitTerms } from '@shared/domain/ledger'
import { releaseDue } from '@server/ledger/ledger-flow'
import { processDuePayouts } from '@server/ledger/payouts'
import { rederiveMember } from '@server/members/points'
import { derivedBalance } from '@server/ledger/reconcile'
import { processDueRefunds, requestPartialRefund, requestRefund } from '@server/payments/refunds'
import { copyRidingSales, DEMO, createGroupBuy, database, join, newRequestId, readAll, readDoc, readLedger, testCloudForThisFile } from './support/cloud'
import { offerGroupBuy } from './support/ledger'

jest.setTimeout(600_000)

const cloud = testCloudForThisFile()
const HANDLING_FEE = 30
let pointsCampaignId = ''

type Op =
  | { t: 'buy'; gb: 0 | 1; qty: number; wrongBy: number }
  | { t: 'replay'; i: number }
  | { t: 'arrive'; gb: 0 | 1 }
  | { t: 'pickup'; i: number }
  | { t: 'shortage'; i: number; units: number }
  | { t: 'partial'; i: number; part: number }
  | { t: 'full'; i: number }
  | { t: 'refundFailures'; n: number }
  | { t: 'settleRefunds' }
  | { t: 'payout'; who: 'leader' | 'merchant'; part: number }
  | { t: 'payoutFailures'; n: number; final: boolean }
  | { t: 'settlePayouts' }
  | { t: 'closeOffer' }
  | { t: 'afterSales'; i: number; units: number; approve: number }
  | { t: 'release' }
  | { t: 'adminRefund'; i: number; units: number }
  | { t: 'spendPoints'; i: number }
  | { t: 'redeemCoupon'; i: number }
  | { t: 'together'; ops: Op[] }

const i = fc.nat(50)
const simpleOp: fc.Arbitrary<Op> = fc.oneof(
  { weight: 5, arbitrary: fc.record({ t: fc.constant('buy' as const), gb: fc.constantFrom(0 as const, 1 as const), qty: fc.integer({ min: 1, max: 3 }), wrongBy: fc.oneof({ weight: 6, arbitrary: fc.constant(0) }, { weight: 1, arbitrary: fc.integer({ min: -5, max: 5 }) }) }) },
  { weight: 2, arbitrary: fc.record({ t: fc.constant('replay' as const), i }) },
  { weight: 2, arbitrary: fc.record({ t: fc.constant('arrive' as const), gb: fc.constantFrom(0 as const, 1 as const) }) },
  { weight: 4, arbitrary: fc.record({ t: fc.constant('pickup' as const), i }) },
  { weight: 2, arbitrary: fc.record({ t: fc.constant('shortage' as const), i, units: fc.integer({ min: 1, max: 3 }) }) },
  { weight: 2, arbitrary: fc.record({ t: fc.constant('partial' as const), i, part: fc.double({ min: 0.01, max: 1, noNaN: true }) }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('full' as const), i }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('refundFailures' as const), n: fc.integer({ min: 1, max: 3 }) }) },
  { weight: 3, arbitrary: fc.record({ t: fc.constant('settleRefunds' as const) }) },
  { weight: 4, arbitrary: fc.record({ t: fc.constant('payout' as const), who: fc.constantFrom('leader' as const, 'merchant' as const), part: fc.constantFrom(0.3, 0.5, 1, 1.5) }) },
  { weight: 2, arbitrary: fc.record({ t: fc.constant('payoutFailures' as const), n: fc.integer({ min: 1, max: 6 }), final: fc.oneof(fc.constant(true), fc.boolean()) }) },
  { weight: 2, arbitrary: fc.record({ t: fc.constant('settlePayouts' as const) }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('closeOffer' as const) }) },
  { weight: 4, arbitrary: fc.record({ t: fc.constant('afterSales' as const), i, units: fc.integer({ min: 1, max: 3 }), approve: fc.integer({ min: 0, max: 3 }) }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('release' as const) }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('adminRefund' as const), i, units: fc.integer({ min: 1, max: 2 }) }) },
  { weight: 2, arbitrary: fc.record({ t: fc.constant('spendPoints' as const), i }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('redeemCoupon' as const), i }) },
)
const op: fc.Arbitrary<Op> = fc.oneof({ weight: 8, arbitrary: simpleOp }, { weight: 1, arbitrary: fc.record({ t: fc.constant('together' as const), ops: fc.array(simpleOp.filter((o) => o.t !== 'full' && o.t !== 'closeOffer'), { minLength: 2, maxLength: 4 }) }) })
/** Past the default 48 h after-sales window: releases everything no case or refund holds. */
const PAST_WINDOW_MS = 49 * 3600_000

interface ModelOrder {
  orderId: string
  openid: string
  gb: 0 | 1
  quantity: number
  amountFen: number
  /** Paid the order's amount (not a wrong amount). */
  paidRight: boolean
  served: number
  /** Units refunds took back after pickup (after-sales, admin refunds). */
  unitsBack: number
  /** Points coupons this order's buyer claimed (ids and codes). */
  coupons: { couponId: string; code: string }[]
  /** Refunds requested (pending or done) for this order. */
  refundRequestedFen: number
  fullRefund: boolean
  pickedUp: boolean
}

interface Run {
  gbIds: [string, string]
  price: [number, number]
  terms: [SplitTerms, SplitTerms]
  orders: ModelOrder[]
  clock: number
  seq: number
  closed: boolean
  /** The member campaign whose coupons cost points. */
  pointsCampaignId: string
}

const db = () => database()
const pick = <T,>(xs: T[], n: number): T | undefined => (xs.length ? xs[n % xs.length] : undefined)

async function exec(run: Run, o: Op): Promise<void> {
  switch (o.t) {
    case 'buy': {
      const openid = `m-${newRequestId('r')}`
      const res = await join(cloud, openid, run.gbIds[o.gb], o.qty)
      if (!res.ok) return
      const amountFen = res.data.amountFen
      if (o.wrongBy !== 0 && amountFen + o.wrongBy > 0) {
        ;(cloud.pay as unknown as { trades: Map<string, { totalFee: number }> }).trades.get(res.data.orderId)!.totalFee = amountFen + o.wrongBy
      }
      const paid = await cloud.pay.pay(res.data.orderId)
      if (!paid.ok) return
      run.orders.push({ orderId: res.data.orderId, openid, gb: o.gb, quantity: o.qty, amountFen, paidRight: o.wrongBy === 0 || amountFen + o.wrongBy <= 0, served: o.qty, unitsBack: 0, coupons: [], refundRequestedFen: 0, fullRefund: false, pickedUp: false })
      return
    }
    case 'replay': {
      const m = pick(run.orders, o.i)
      if (m) await cloud.pay.notify(m.orderId, 2)
      return
    }
    case 'arrive':
      await cloud.call('groupBuy', DEMO.leader, { action: 'markArrived', groupBuyId: run.gbIds[o.gb] })
      return
    case 'pickup': {
      const m = pick(run.orders.filter((x) => x.paidRight && !x.pickedUp && !x.fullRefund), o.i)
      if (!m) return
      const codeOf = async () => (await cloud.call<{ order: { pickupCode: string | null } }>('order', m.openid, { action: 'get', orderId: m.orderId })).data.order?.pickupCode
      // The leader signs off arrival first when the goods are not marked arrived yet.
      let code = await codeOf()
      if (!code) {
        await cloud.call('groupBuy', DEMO.leader, { action: 'markArrived', groupBuyId: run.gbIds[m.gb] })
        code = await codeOf()
      }
      if (!code) return
      const res = await cloud.call('pickup', DEMO.clerk, { action: 'verify', code })
      if (res.ok) m.pickedUp = true
      return
    }
    case 'shortage':
    case 'partial': {
      // After arrival and before pickup: part of the order is refunded under its own refund number.
      const m = pick(run.orders.filter((x) => x.paidRight && !x.pickedUp && !x.fullRefund), o.i)
      if (!m) return
      // A shortage is known only once the goods are there (as in markArrived): an order still PAID would have its
      // served quantity set again by its arrival, which the real flow decides in one place.
      if (o.t === 'shortage' && (await readDoc('orders', m.orderId))?.status !== 'READY_FOR_PICKUP') return
      const left = m.amountFen - m.refundRequestedFen
      // The model's own bookkeeping moves before any await, so ops running together see each other's refunds.
      let amountFen: number
      let served = m.served
      if (o.t === 'shortage') {
        const units = Math.min(o.units, m.served)
        amountFen = units * run.price[m.gb]
        served -= units
      } else amountFen = Math.max(1, Math.floor(left * o.part))
      if (amountFen > left || amountFen <= 0) return
      m.refundRequestedFen += amountFen
      if (served !== m.served) {
        m.served = served
        await db().collection('orders').doc(m.orderId).update({ data: { servedQuantity: served } })
      }
      const refundId = `rp${run.seq++}${newRequestId('x').replace(/-/g, '')}`.slice(0, 32)
      const order = (await readDoc('orders', m.orderId))!
      await requestPartialRefund(db(), order as never, { refundId, amountFen, reason: o.t === 'shortage' ? '缺货退款' : '售后退款' }, run.clock)
      return
    }
    case 'full': {
      const m = pick(run.orders.filter((x) => x.paidRight && !x.pickedUp && !x.fullRefund && x.refundRequestedFen === 0), o.i)
      if (!m) return
      const order = (await readDoc('orders', m.orderId))!
      if (order.status === 'PICKED_UP') return
      m.fullRefund = true
      m.refundRequestedFen = m.amountFen
      await requestRefund(db(), order as never, '团长取消', run.clock)
      return
    }
    case 'refundFailures':
      cloud.pay.failNextRefunds(o.n)
      return
    case 'settleRefunds':
      run.clock += 3 * 3600_000
      await processDueRefunds(db(), run.clock)
      return
    case 'payout': {
      const openid = o.who === 'leader' ? DEMO.leader : DEMO.merchant
      const bal = await cloud.call<{ availableFen: number }>('ledger', openid, { action: 'balance', as: o.who })
      const amountFen = Math.floor((bal.data.availableFen ?? 0) * o.part)
      if (amountFen < 1) return
      const res = await cloud.call('ledger', openid, { action: 'requestPayout', amountFen, requestId: newRequestId('p'), as: o.who })
      if (!res.ok && res.error?.code !== 'LEDGER.INSUFFICIENT') throw new Error(`payout: ${res.error?.code}`)
      // floor(available × part) can equal the balance for part > 1 (1 fen × 1.5 → 1): only more than it must be refused.
      if (amountFen > (bal.data.availableFen ?? 0) && res.ok) throw new Error(`a payout above the available balance was accepted: ${amountFen} > ${bal.data.availableFen}`)
      return
    }
    case 'payoutFailures':
      cloud.transfer.failNext(o.n, o.final)
      return
    case 'settlePayouts':
      run.clock += 3 * 3600_000
      await processDuePayouts(db(), run.clock)
      return
    case 'closeOffer': {
      // The supply group buy's time is up: settle closes it, and only then can its goods arrive.
      if (run.closed) return
      run.closed = true
      await db().collection('groupBuys').doc(run.gbIds[1]).update({ data: { endAt: Date.now() - 1000 } })
      await cloud.fireTimer('settle')
      return
    }
    case 'afterSales': {
      // After pickup, within the window: the resident asks for units back, the leader approves some (or rejects).
      // With nothing picked up yet, an order is handed over first (so the random runs reach after-sales often).
      const open = () => run.orders.filter((x) => x.pickedUp && x.served - x.unitsBack > 0)
      if (open().length === 0) await exec(run, { t: 'pickup', i: o.i })
      const m = pick(open(), o.i)
      if (!m) return
      const units = Math.min(o.units, m.served - m.unitsBack)
      // The model's own 'partial' refunds give money back for no unit (no product flow does): the decider approves
      // no more units than the money left can refund.
      const fits = Math.floor((m.amountFen - m.refundRequestedFen) / run.price[m.gb])
      const approved = o.approve === 0 ? 0 : Math.min(o.approve, units, fits)
      const fen = approved * run.price[m.gb]
      // Bookkeeping first (ops running together see it); undone if the request is refused.
      m.unitsBack += approved
      m.refundRequestedFen += fen
      const asked = await cloud.call<{ caseId: string }>('afterSales', m.openid, { action: 'request', orderId: m.orderId, quantity: units, reason: 'QUALITY', requestId: newRequestId('as') })
      if (!asked.ok) {
        m.unitsBack -= approved
        m.refundRequestedFen -= fen
        if (!['AFTER_SALES.WINDOW_CLOSED', 'AFTER_SALES.QUANTITY_EXCEEDED'].includes(asked.error?.code ?? '')) throw new Error(`afterSales.request: ${asked.error?.code}`)
        return
      }
      const decided = await cloud.call('afterSales', DEMO.leader, { action: 'decide', caseId: asked.data.caseId, approve: approved > 0, ...(approved > 0 ? { quantity: approved } : {}) })
      if (!decided.ok) throw new Error(`afterSales.decide: ${decided.error?.code}`)
      return
    }
    case 'release':
      // Time passes beyond the after-sales window: settle releases what no case or refund holds any more.
      await releaseDue(db(), Date.now() + PAST_WINDOW_MS)
      return
    case 'adminRefund': {
      // A refund nothing stops any more (an admin's) of released, perhaps already paid-out, money.
      const candidates: ModelOrder[] = []
      for (const x of run.orders.filter((y) => y.pickedUp && y.served - y.unitsBack > 0)) if ((await readLedger(x.orderId))?.released) candidates.push(x)
      const m = pick(candidates, o.i)
      if (!m) return
      const units = Math.min(o.units, m.served - m.unitsBack)
      const amountFen = units * run.price[m.gb]
      if (amountFen > m.amountFen - m.refundRequestedFen) return
      m.unitsBack += units
      m.refundRequestedFen += amountFen
      const order = (await readDoc('orders', m.orderId))!
      await requestPartialRefund(db(), order as never, { refundId: `rp${run.seq++}${newRequestId('y').replace(/-/g, '')}`.slice(0, 32), amountFen, reason: '平台退款', units }, run.clock)
      return
    }
    case 'spendPoints': {
      const m = pick(run.orders.filter((x) => x.pickedUp), o.i)
      if (!m) return
      const c = await cloud.call<{ couponId: string; code: string }>('coupon', m.openid, { action: 'claim', campaignId: run.pointsCampaignId, requestId: newRequestId('pc') })
      if (c.ok) m.coupons.push({ couponId: c.data.couponId, code: c.data.code })
      else if (c.error?.code !== 'MEMBER.INSUFFICIENT_POINTS') throw new Error(`claim: ${c.error?.code}`)
      return
    }
    case 'redeemCoupon': {
      const m = pick(run.orders.filter((x) => x.coupons.length > 0), o.i)
      if (!m) return
      await cloud.call('coupon', DEMO.clerk, { action: 'redeem', code: m.coupons[o.i % m.coupons.length].code })
      return
    }
    case 'together':
      await Promise.all(o.ops.map((x) => exec(run, x)))
      return
  }
}

/** Let every refund and payout finish (failures cleared), as settle would over the following hours. */
async function drain(run: Run): Promise<void> {
  // Failures still armed hit the first round, as they would the next timer run; then the systems recover.
  run.clock += 3 * 3600_000
  await processDuePayouts(db(), run.clock)
  cloud.pay.failNextRefunds(0)
  cloud.transfer.failNext(0)
  for (let k = 0; k < 8; k++) {
    run.clock += 3 * 3600_000
    await processDueRefunds(db(), run.clock)
    await releaseDue(db(), Date.now() + PAST_WINDOW_MS)
    await processDuePayouts(db(), run.clock)
    // The payees tap 确认收款 on the bills still waiting for them (those the run let wait too long were cancelled).
    for (const t of cloud.transfer.list()) if (t.state === 'WAIT_USER_CONFIRM') await cloud.transfer.confirm(t.outBillNo)
  }
  expect(await readAll('refunds', { status: 'PENDING' })).toEqual([])
  expect(await readAll('payouts', { status: 'PENDING' })).toEqual([])
}

async function checkBalances(): Promise<void> {
  const accounts = new Set((await readAll<{ account: string }>('ledgerEntries', {})).map((e) => e.account))
  for (const account of accounts) {
    const entries = await readAll<{ amountFen: number; kind: string; state: 'FROZEN' | 'AVAILABLE' | 'PAYOUT_PENDING' | 'PAID_OUT' }>('ledgerEntries', { account })
    const derived = balanceFromEntries(entries)
    for (const v of Object.values(derived)) expect(v).toBeGreaterThanOrEqual(0)
    const kept = await readDoc<{ heldFen: number; pendingPayoutFen: number; paidOutFen: number }>('ledgerBalances', account)
    const [party, partyId] = account.split(':')
    if (party !== 'leader' && party !== 'merchant') {
      // The store's and the platform's balances are only ever derived; they never withdraw.
      expect(kept).toBeNull()
      expect(derived.pendingPayoutFen + derived.paidOutFen).toBe(0)
      continue
    }
    // The payout document: what payouts hold out of AVAILABLE, pending and paid — each equal to its entries.
    const heldByEntries = 0 - entries.filter((e) => e.kind === 'PAYOUT' && e.state === 'AVAILABLE').reduce((s, e) => s + e.amountFen, 0)
    if (kept) expect({ heldFen: kept.heldFen, pendingPayoutFen: kept.pendingPayoutFen, paidOutFen: kept.paidOutFen }).toEqual({ heldFen: heldByEntries, pendingPayoutFen: derived.pendingPayoutFen, paidOutFen: derived.paidOutFen })
    else expect(heldByEntries + derived.pendingPayoutFen + derived.paidOutFen).toBe(0)
    expect(derived.paidOutFen).toBe(cloud.transfer.paidTo(partyId))
  }
}

async function checkOrders(run: Run): Promise<void> {
  // Sales' entries ride on their orders until settle copies them (#23: server/ledger/sale-entries.ts); the books as
  // settle keeps them. (checkBalances runs without this: no entry of an order is ever written before its sale's.)
  await copyRidingSales()
  for (const m of run.orders) {
    const entries = await readAll<{ party: (typeof PARTIES)[number]; amountFen: number }>('ledgerEntries', { orderId: m.orderId })
    const trade = (await cloud.pay.api().queryOrder({ out_trade_no: m.orderId })) as { tradeState?: string; totalFee?: number }
    const paid = trade.tradeState === 'SUCCESS' ? Number(trade.totalFee) : 0
    const refunded = cloud.pay.refundedFor(m.orderId)
    const sum = entries.reduce((s, e) => s + e.amountFen, 0)
    expect({ orderId: m.orderId, sum }).toEqual({ orderId: m.orderId, sum: paid - refunded })
    if (!m.paidRight) {
      expect(entries).toEqual([])
      continue
    }
    expect(refunded).toBe(m.refundRequestedFen)
    // What is kept: the amount less every refund, the units served less the units refunds took back after pickup.
    const expected = splitShares(m.amountFen - refunded, Math.max(0, m.served - m.unitsBack), run.terms[m.gb])
    const net = Object.fromEntries(PARTIES.map((p) => [p, 0]))
    for (const e of entries) net[e.party] += e.amountFen
    expect({ orderId: m.orderId, net }).toEqual({ orderId: m.orderId, net: expected })
    if (m.refundRequestedFen === m.amountFen) expect(Object.values(net).every((v) => v === 0)).toBe(true)
  }
}

/**
 * Points: every member's balance ≥ 0 and equal to its entries; a take-back left points unrecovered only if every
 * coupon those points bought before it was already redeemed (or voided) — an unused one would have been voided.
 */
async function checkPoints(run: Run): Promise<void> {
  for (const openid of new Set(run.orders.map((m) => m.openid))) {
    const member = await readDoc<{ points: number; lifetimePoints: number; unrecoveredPoints: number }>('members', openid)
    if (!member) continue
    expect(member.points).toBeGreaterThanOrEqual(0)
    expect(await rederiveMember(db(), openid)).toEqual({ points: member.points, lifetimePoints: member.lifetimePoints, unrecoveredPoints: member.unrecoveredPoints })
    const entries = await readAll<{ kind: string; ref: string; unrecovered: number; createdAt: number; void?: boolean }>('pointEntries', { openid })
    for (const tb of entries.filter((e) => e.kind === 'TAKE_BACK' && e.unrecovered > 0)) {
      for (const spend of entries.filter((e) => e.kind === 'SPEND' && !e.void && e.createdAt < tb.createdAt)) {
        expect({ coupon: spend.ref, status: (await readDoc('coupons', spend.ref))?.status }).not.toEqual({ coupon: spend.ref, status: 'ISSUED' })
      }
    }
  }
}

describe('ledger model', () => {
  beforeAll(async () => {
    process.env.COMMISSION_TIERS = '0:0'
    process.env.PLATFORM_FEE_BP = '500'
    const fee = await cloud.call('admin', DEMO.admin, { action: 'setHandlingFee', pickupPointId: cloud.pickupPointId, handlingFeeFen: HANDLING_FEE })
    expect(fee.ok).toBe(true)
    const now = Date.now()
    const campaign = await cloud.call<{ campaignId: string }>('coupon', DEMO.merchant, {
      action: 'createCampaign', title: '5 积分券', valueFen: 100, priceFen: 0, total: 100_000, limitPerUser: 99, validFrom: now - 1000, validTo: now + 7 * 86_400_000, pickupPointIds: [cloud.pickupPointId], pointsPrice: 5,
    })
    expect(campaign.ok).toBe(true)
    pointsCampaignId = campaign.data.campaignId
  })
  afterAll(() => {
    delete process.env.COMMISSION_TIERS
    delete process.env.PLATFORM_FEE_BP
  })

  it('random sequences keep every order at paid − refunded, every share at the split, every balance ≥ 0 and equal to its entries', async () => {
    let runs = 0
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 100, max: 3000 }),
        fc.integer({ min: 10, max: 80 }),
        fc.integer({ min: 0, max: 3000 }),
        fc.array(op, { minLength: 4, maxLength: 28 }),
        async (ownPrice, supplyPct, commissionBp, ops) => {
          runs++
          const offerPrice = 1000
          const supplyPriceFen = Math.floor((offerPrice * supplyPct) / 100)
          fc.pre(offerPrice - supplyPriceFen - Math.floor((offerPrice * commissionBp) / 10_000) - HANDLING_FEE >= 0)
          const own = await createGroupBuy(cloud, { priceFen: ownPrice, minParticipants: 1, limitPerUser: 5, stock: 200 })
          const offer = await offerGroupBuy(cloud, { priceFen: offerPrice, supplyPriceFen, commissionBp, stock: 200 })
          const run: Run = {
            gbIds: [own, offer],
            price: [ownPrice, offerPrice],
            terms: [
              { kind: 'own', supplyPriceFen: 0, commissionBp: 0, tierBonusBp: 0, handlingFeeFen: HANDLING_FEE, platformFeeBp: 500 },
              { kind: 'offer', supplyPriceFen, commissionBp, tierBonusBp: 0, handlingFeeFen: HANDLING_FEE, platformFeeBp: 0 },
            ],
            orders: [],
            clock: Date.now(),
            seq: 0,
            closed: false,
            pointsCampaignId,
          }
          for (const o of ops) {
            await exec(run, o)
            // A payee's balances are never below 0 at any step.
            for (const acc of [`leader:${DEMO.leader}`, `merchant:${DEMO.merchant}`]) {
              const b = await derivedBalance(db(), acc)
              expect(Math.min(b.frozenFen, b.availableFen, b.pendingPayoutFen, b.paidOutFen)).toBeGreaterThanOrEqual(0)
            }
          }
          await drain(run)
          await checkOrders(run)
          await checkBalances()
          await checkPoints(run)
        },
      ),
      {
        numRuns: Number(process.env.FC_RUNS ?? 40),
        endOnFailure: true,
        // One sequence that surely reaches every kind of event, whatever the seed; the random ones mix them up.
        examples: [[500, 60, 1000, [
          { t: 'buy', gb: 0, qty: 2, wrongBy: 0 }, { t: 'buy', gb: 1, qty: 2, wrongBy: 0 }, { t: 'buy', gb: 0, qty: 1, wrongBy: 3 },
          { t: 'closeOffer' }, { t: 'pickup', i: 0 }, { t: 'pickup', i: 1 },
          // #19: points spent, then an after-sales refund of a picked-up unit takes them back (coupons voided), with a
          // payout racing it; the window passes and settle releases.
          { t: 'spendPoints', i: 1 }, { t: 'spendPoints', i: 1 }, { t: 'spendPoints', i: 1 }, { t: 'spendPoints', i: 1 }, { t: 'afterSales', i: 1, units: 1, approve: 1 },
          { t: 'payout', who: 'merchant', part: 1.5 }, { t: 'settleRefunds' }, { t: 'release' },
          { t: 'payout', who: 'leader', part: 0.5 }, { t: 'payoutFailures', n: 1, final: true }, { t: 'settlePayouts' },
          { t: 'payout', who: 'merchant', part: 1 }, { t: 'settlePayouts' },
          { t: 'buy', gb: 0, qty: 2, wrongBy: 0 }, { t: 'arrive', gb: 0 }, { t: 'shortage', i: 2, units: 1 }, { t: 'refundFailures', n: 1 }, { t: 'settleRefunds' }, { t: 'settleRefunds' },
          // #19: released money paid out, then refunded by an admin: a debt, repaid by the next release.
          { t: 'payout', who: 'leader', part: 1 }, { t: 'settlePayouts' }, { t: 'adminRefund', i: 0, units: 1 }, { t: 'settleRefunds' },
          { t: 'pickup', i: 0 }, { t: 'release' },
        ]]], ...(process.env.FC_SEED ? { seed: Number(process.env.FC_SEED) } : {}) },
    )
    expect(runs).toBeGreaterThanOrEqual(Number(process.env.FC_RUNS ?? 40))
    // The sequences did reach every kind of event (a model test that never refunds proves nothing).
    const count = async (c: string, w: Record<string, unknown>) => ((await database().collection(c).where(w).count()) as unknown as { total: number }).total
    const seen = {
      sales: await count('ledgerEntries', { kind: 'SALE' }),
      releases: await count('ledgerEntries', { kind: 'RELEASE' }),
      reversals: await count('ledgerEntries', { kind: 'REVERSAL' }),
      payoutsPaid: await count('payouts', { status: 'PAID' }),
      payoutsFailed: await count('payouts', { status: 'FAILED' }),
      refundRetries: await count('refunds', { status: 'DONE', attempts: database().command.gt(1) }),
      afterSalesRefunds: await count('afterSalesCases', { status: 'APPROVED' }),
      debts: await count('ledgerEntries', { state: 'DEBT', amountFen: database().command.lt(0) }),
      debtRepays: await count('ledgerEntries', { kind: 'DEBT_REPAY' }),
      couponsVoided: await count('pointEntries', { kind: 'SPEND_VOIDED' }),
    }
    console.log('ledger model coverage', seen)
    for (const v of Object.values(seen)) expect(v).toBeGreaterThan(0)
    const report = await cloud.call<ReconcileReport>('admin', DEMO.admin, { action: 'reconcile' })
    expect(report.data.orders).toBeGreaterThan(25)
    expect(report.data.mismatches).toEqual([])
  })
})
