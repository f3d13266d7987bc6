/**
 * Issue #11: the four-party ledger on the local cloud — splits booked at payment, released at pickup, reversed
 * by refunds; payouts held by one conditional write; admin.reconcile against the payment simulator.
 */
import { existsSync } from 'fs'
import path from 'path'
import type { LedgerOutputs, ReconcileReport } from '@shared/contracts/ledger'
import { chinaMonth } from '@shared/domain/calendar'
import { processDuePayouts } from '@server/ledger/payouts'
import { DEMO, createGroupBuy, database, newRequestId, readDoc, sleep, testCloudForThisFile, unbookLedger } from './support/cloud'
import { accountEntries, balanceOf, closeGroupBuy, netByParty, offerGroupBuy, orderEntries, paidOrder, partialRefund, pickUp } from './support/ledger'

jest.setTimeout(120_000)

const cloud = testCloudForThisFile()
// The statement's CSV goes to cloud storage; the local cloud answers storage calls once local-cloud/storage exists
// (another branch). Until then this one test is skipped, not faked.
const storageReady = ['storage', 'storage.ts'].some((f) => existsSync(path.resolve(__dirname, '../../local-cloud', f)))

async function reconcile(): Promise<ReconcileReport> {
  const res = await cloud.call<ReconcileReport>('admin', DEMO.admin, { action: 'reconcile' })
  if (!res.ok) throw new Error(`reconcile: ${res.error?.code}`)
  return res.data
}

describe('ledger', () => {
  // These tests are about the split and the payouts: the after-sales window (test/node/money-rules.test.ts) is 0
  // here, so the money of a picked-up order is released at settle's next run.
  beforeAll(() => {
    process.env.AFTER_SALES_WINDOW_MS = '0'
  })
  afterAll(() => {
    delete process.env.AFTER_SALES_WINDOW_MS
  })
  beforeAll(async () => {
    const fee = await cloud.call('admin', DEMO.admin, { action: 'setHandlingFee', pickupPointId: cloud.pickupPointId, handlingFeeFen: 50 })
    expect(fee.ok).toBe(true)
  })

  it('a leader’s own group buy: platform 5%, store its fee, leader the rest — once, whatever is replayed', async () => {
    const groupBuyId = await createGroupBuy(cloud, { priceFen: 1000, minParticipants: 1, limitPerUser: 5 })
    const before = await balanceOf(cloud, DEMO.leader)
    const orderId = await paidOrder(cloud, 'lg-own-a', groupBuyId, 2)

    expect(netByParty(await orderEntries(cloud, orderId))).toEqual({ merchant: 0, leader: 1850, store: 50, platform: 100 })
    const after = await balanceOf(cloud, DEMO.leader)
    expect(after.frozenFen - before.frozenFen).toBe(1850)
    expect(after.availableFen).toBe(before.availableFen)

    // Replayed notices, many at once, and re-run timers book nothing more.
    await Promise.all(Array.from({ length: 10 }, () => cloud.pay.notify(orderId)))
    await cloud.fireTimer('settle')
    await cloud.fireTimer('settle')
    const entries = await orderEntries(cloud, orderId)
    expect(entries).toHaveLength(3)
    expect(entries.every((e) => e.kind === 'SALE' && e.state === 'FROZEN' && e.title === '测试团购' && e.seq === 1)).toBe(true)

    // Picked up, and (window 0) released by settle: the shares become available, once, however often the code is scanned.
    expect((await pickUp(cloud, 'lg-own-a', groupBuyId, orderId)).ok).toBe(true)
    const code = (await cloud.call<{ order: { pickupCode: string } }>('order', 'lg-own-a', { action: 'get', orderId })).data.order.pickupCode
    const again = await cloud.call('pickup', DEMO.clerk, { action: 'verify', code })
    expect(again.error?.code).toBe('PICKUP.ALREADY_USED')
    await cloud.fireTimer('settle')
    const picked = await balanceOf(cloud, DEMO.leader)
    expect(picked.frozenFen).toBe(before.frozenFen)
    expect(picked.availableFen - before.availableFen).toBe(1850)
    const store = await balanceOf(cloud, DEMO.clerk)
    expect(store.party).toBe('store')
    expect(store.availableFen).toBeGreaterThanOrEqual(50)
    expect(netByParty(await orderEntries(cloud, orderId))).toEqual({ merchant: 0, leader: 1850, store: 50, platform: 100 })
  })

  it('a 帮卖 group buy: merchant the supply price, leader the commission, the platform the remainder; a shortage refund reverses exactly its split', async () => {
    const groupBuyId = await offerGroupBuy(cloud, { priceFen: 1000, supplyPriceFen: 600, commissionBp: 1000 })
    const orderId = await paidOrder(cloud, 'lg-offer-a', groupBuyId, 3)
    expect(netByParty(await orderEntries(cloud, orderId))).toEqual({ merchant: 1800, leader: 300, store: 50, platform: 850 })
    expect((await balanceOf(cloud, DEMO.merchant)).frozenFen).toBe(1800)

    // The group closes, the goods arrive one short: the leader signs off 2 of 3 (groupBuy.markArrived), the lead's
    // shortage flow asks for a 10.00 partial refund, settle has WeChat Pay confirm it, and the ledger reverses it.
    await closeGroupBuy(cloud, groupBuyId)
    const arrived = await cloud.call<{ refundsRequested?: number }>('groupBuy', DEMO.leader, { action: 'markArrived', groupBuyId, receivedQuantity: 2 })
    expect(arrived.ok).toBe(true)
    expect((await readDoc('orders', orderId))!.servedQuantity).toBe(2)
    await cloud.fireTimer('settle')
    expect(cloud.pay.refundedFor(orderId)).toBe(1000)
    expect((await readDoc('orders', orderId))!.refundedFen).toBe(1000)
    const entries = await orderEntries(cloud, orderId)
    expect(netByParty(entries)).toEqual({ merchant: 1200, leader: 200, store: 50, platform: 550 })
    expect(netByParty(entries.filter((e) => e.kind === 'REVERSAL'))).toEqual({ merchant: -600, leader: -100, store: 0, platform: -300 })
    expect(entries.filter((e) => e.kind === 'REVERSAL').every((e) => e.state === 'FROZEN')).toBe(true)
    expect(entries.reduce((s, e) => s + e.amountFen, 0)).toBe(3000 - 1000)

    // Booking the same confirmation again changes nothing.
    const refundId = entries.find((e) => e.kind === 'REVERSAL')!.entryId.split('_rv_')[0]
    const { bookRefund } = await import('@server/ledger/ledger-flow')
    expect(await bookRefund(database(), { _id: refundId, orderId, amountFen: 1000 }, Date.now())).toBe('ALREADY')
    expect(await orderEntries(cloud, orderId)).toHaveLength(entries.length)

    // Picked up: what is kept becomes available to the merchant once settle releases it (after any refund under way).
    expect((await pickUp(cloud, 'lg-offer-a', groupBuyId, orderId)).ok).toBe(true)
    // A partial refund of what is left, booked directly as the after-sales flow will: the split of the rest.
    await partialRefund(orderId, 1)
    await cloud.fireTimer('settle')
    expect(netByParty(await orderEntries(cloud, orderId))).toEqual({ merchant: 1200, leader: 199, store: 50, platform: 550 })
    const merchant = await balanceOf(cloud, DEMO.merchant)
    expect(merchant.frozenFen).toBe(0)
    expect(merchant.availableFen).toBe(1200)
    expect((await balanceOf(cloud, DEMO.leader)).frozenFen).toBeGreaterThanOrEqual(0)
    expect((await reconcile()).mismatches).toEqual([])
  })

  it('a failed group’s refund brings every share of its orders back to exactly 0', async () => {
    const groupBuyId = await createGroupBuy(cloud, { priceFen: 777, minParticipants: 5, endAt: Date.now() + 1500 })
    const orderId = await paidOrder(cloud, 'lg-fail-a', groupBuyId, 1)
    expect(netByParty(await orderEntries(cloud, orderId))).toEqual({ merchant: 0, leader: 777 - 38 - 50, store: 50, platform: 38 })
    await sleep(1600)
    await cloud.fireTimer('settle')
    await cloud.fireTimer('settle')
    expect((await readDoc('orders', orderId))!.status).toBe('REFUNDED')
    const entries = await orderEntries(cloud, orderId)
    expect(netByParty(entries)).toEqual({ merchant: 0, leader: 0, store: 0, platform: 0 })
    expect(entries.filter((e) => e.kind === 'REVERSAL')).toHaveLength(3)
  })

  it('money paid of the wrong amount never enters the ledger and goes back in full', async () => {
    const groupBuyId = await createGroupBuy(cloud, { priceFen: 500, minParticipants: 1 })
    const joined = await cloud.call<{ orderId: string }>('groupBuy', 'lg-wrong', { action: 'join', groupBuyId, quantity: 1, requestId: newRequestId() })
    const orderId = joined.data.orderId
    ;(cloud.pay as unknown as { trades: Map<string, { totalFee: number }> }).trades.get(orderId)!.totalFee = 499
    await cloud.pay.pay(orderId)
    await cloud.fireTimer('settle')
    expect(cloud.pay.refundedFor(orderId)).toBe(499)
    expect(await orderEntries(cloud, orderId)).toEqual([])
  })

  it('20 concurrent payout requests for the whole available balance: exactly one holds it', async () => {
    const available = (await balanceOf(cloud, DEMO.leader)).availableFen
    expect(available).toBeGreaterThan(0)
    const replies = await Promise.all(Array.from({ length: 20 }, () => cloud.call<{ payoutId: string; status: string }>('ledger', DEMO.leader, { action: 'requestPayout', amountFen: available, requestId: newRequestId('po') })))
    const won = replies.filter((r) => r.ok)
    expect(won).toHaveLength(1)
    expect(replies.filter((r) => !r.ok).every((r) => r.error?.code === 'LEDGER.INSUFFICIENT')).toBe(true)
    const held = await balanceOf(cloud, DEMO.leader)
    expect(held.availableFen).toBe(0)
    expect(held.pendingPayoutFen).toBe(available)

    // The payout's 商家转账 bill waits for the leader's 确认收款 (the transfer simulator's confirm is that tap);
    // the notification then closes it, and the settle timer after it changes nothing.
    expect(cloud.transfer.bill(won[0].data.payoutId)?.state).toBe('WAIT_USER_CONFIRM')
    expect((await cloud.transfer.confirm(won[0].data.payoutId)).delivered).toBe(true)
    await cloud.fireTimer('settle')
    const paid = await balanceOf(cloud, DEMO.leader)
    expect(paid.pendingPayoutFen).toBe(0)
    expect(paid.paidOutFen).toBeGreaterThanOrEqual(available)
    expect(cloud.transfer.paidTo(DEMO.leader)).toBe(paid.paidOutFen)
    expect((await readDoc('payouts', won[0].data.payoutId))!.status).toBe('PAID')
  })

  it('the same requestId returns the same payout; a payout that keeps failing goes back to available', async () => {
    const groupBuyId = await createGroupBuy(cloud, { priceFen: 2000, minParticipants: 1 })
    const orderId = await paidOrder(cloud, 'lg-po-a', groupBuyId, 1)
    expect((await pickUp(cloud, 'lg-po-a', groupBuyId, orderId)).ok).toBe(true)
    await cloud.fireTimer('settle')
    const start = await balanceOf(cloud, DEMO.leader)
    const requestId = newRequestId('po')
    // Failing from the first attempt, which requestPayout itself makes (the bill is created at once).
    cloud.transfer.failNext(100)
    const callsBefore = cloud.transfer.calls
    const first = await cloud.call<{ payoutId: string; status: string }>('ledger', DEMO.leader, { action: 'requestPayout', amountFen: 1000, requestId })
    const replay = await cloud.call<{ payoutId: string; status: string }>('ledger', DEMO.leader, { action: 'requestPayout', amountFen: 1000, requestId })
    expect(first.ok && replay.ok).toBe(true)
    expect(replay.data.payoutId).toBe(first.data.payoutId)
    expect((await cloud.call('ledger', DEMO.leader, { action: 'requestPayout', amountFen: 999, requestId })).error?.code).toBe('INPUT.INVALID')
    expect((await balanceOf(cloud, DEMO.leader)).availableFen).toBe(start.availableFen - 1000)

    let t = Date.now()
    for (let i = 0; i < 6; i++) {
      await processDuePayouts(database(), t)
      t += 3 * 3600_000
    }
    cloud.transfer.failNext(0)
    expect(cloud.transfer.calls - callsBefore).toBe(5)
    expect((await readDoc('payouts', first.data.payoutId))!.status).toBe('FAILED')
    const back = await balanceOf(cloud, DEMO.leader)
    expect(back.availableFen).toBe(start.availableFen)
    expect(back.pendingPayoutFen).toBe(0)
    expect(back.paidOutFen).toBe(start.paidOutFen)
    expect(cloud.transfer.paidTo(DEMO.leader)).toBe(start.paidOutFen)
  })

  it('the tier bonus comes from picked-up sales before the order, never retroactively', async () => {
    const picked = (await balanceOf(cloud, DEMO.leader)).tier!.monthPickedUpFen
    process.env.COMMISSION_TIERS = `0:0,${picked + 1000}:200`
    try {
      const groupBuyId = await offerGroupBuy(cloud, { priceFen: 1000, supplyPriceFen: 500, commissionBp: 1000 })
      const early = await paidOrder(cloud, 'lg-tier-a', groupBuyId, 1)
      expect(netByParty(await orderEntries(cloud, early)).leader).toBe(100)
      const tier = (await balanceOf(cloud, DEMO.leader)).tier!
      expect(tier).toEqual({ bonusBp: 0, monthPickedUpFen: picked, nextThresholdFen: picked + 1000 })

      // A 帮卖 sale picked up lifts the tier (a leader's own group buy would not: money-rules.test.ts).
      const other = await offerGroupBuy(cloud, { priceFen: 1000, supplyPriceFen: 500, commissionBp: 1000, minParticipants: 1 })
      const big = await paidOrder(cloud, 'lg-tier-b', other, 1)
      await closeGroupBuy(cloud, other)
      expect((await pickUp(cloud, 'lg-tier-b', other, big)).ok).toBe(true)
      expect((await balanceOf(cloud, DEMO.leader)).tier).toEqual({ bonusBp: 200, monthPickedUpFen: picked + 1000, nextThresholdFen: null })

      const late = await paidOrder(cloud, 'lg-tier-c', groupBuyId, 1)
      expect(netByParty(await orderEntries(cloud, late)).leader).toBe(120)
      expect(netByParty(await orderEntries(cloud, early)).leader).toBe(100)
    } finally {
      delete process.env.COMMISSION_TIERS
    }
  })

  it('roles: only leaders and merchants withdraw; orderEntries and reconcile are the admin’s', async () => {
    expect((await cloud.call('ledger', 'lg-nobody', { action: 'balance' })).error?.code).toBe('AUTH.FORBIDDEN')
    expect((await cloud.call('ledger', DEMO.clerk, { action: 'requestPayout', amountFen: 1, requestId: newRequestId() })).error?.code).toBe('AUTH.FORBIDDEN')
    expect((await cloud.call('ledger', DEMO.leader, { action: 'orderEntries', orderId: 'x' })).error?.code).toBe('AUTH.FORBIDDEN')
    expect((await cloud.call('admin', DEMO.leader, { action: 'reconcile' })).error?.code).toBe('AUTH.FORBIDDEN')
    expect((await cloud.call('ledger', DEMO.leader, { action: 'requestPayout', amountFen: 1, requestId: newRequestId(), openid: 'x' })).error?.code).toBe('INPUT.INVALID')
    expect((await cloud.call('ledger', DEMO.leader, { action: 'requestPayout', amountFen: 100_000_000, requestId: newRequestId() })).error?.code).toBe('LEDGER.INSUFFICIENT')
    expect((await cloud.call('admin', DEMO.admin, { action: 'setHandlingFee', pickupPointId: 'nope', handlingFeeFen: 1 })).error?.code).toBe('PICKUP_POINT.NOT_FOUND')
  })

  it('someone with several roles picks the account with `as`; a role they lack is no account', async () => {
    expect((await cloud.call('admin', DEMO.admin, { action: 'grantRole', openid: 'lg-dual', role: 'leader', pickupPointId: cloud.pickupPointId })).ok).toBe(true)
    expect((await cloud.call('admin', DEMO.admin, { action: 'grantRole', openid: 'lg-dual', role: 'merchant' })).ok).toBe(true)
    expect((await balanceOf(cloud, 'lg-dual')).party).toBe('leader')
    expect((await balanceOf(cloud, 'lg-dual', 'merchant'))).toMatchObject({ party: 'merchant', partyId: 'lg-dual' })
    expect((await cloud.call('ledger', DEMO.clerk, { action: 'balance', as: 'leader' })).error?.code).toBe('LEDGER.NO_ACCOUNT')
    expect((await cloud.call('ledger', 'lg-dual', { action: 'balance', as: 'store' })).error?.code).toBe('LEDGER.NO_ACCOUNT')
  })

  it('entries are listed newest first with their order’s title and 跟团号', async () => {
    const page = await cloud.call<{ items: { createdAt: number; title: string | null; seq: number | null; kind: string }[]; nextCursor: string | null }>('ledger', DEMO.leader, { action: 'entries' })
    expect(page.ok).toBe(true)
    expect(page.data.items.length).toBe(20)
    for (let i = 1; i < page.data.items.length; i++) expect(page.data.items[i - 1].createdAt).toBeGreaterThanOrEqual(page.data.items[i].createdAt)
    expect(page.data.items.filter((e) => e.kind !== 'PAYOUT').every((e) => typeof e.title === 'string' && typeof e.seq === 'number')).toBe(true)
    const next = await cloud.call<{ items: { entryId: string }[] }>('ledger', DEMO.leader, { action: 'entries', cursor: page.data.nextCursor })
    expect(next.data.items.length).toBeGreaterThan(0)
  })

  ;(storageReady ? it : it.skip)('the monthly statement totals the month and its CSV lists every entry', async () => {
    const month = chinaMonth(Date.now())
    const res = await cloud.call<LedgerOutputs['statement']>('ledger', DEMO.merchant, { action: 'statement', month })
    expect(res.ok).toBe(true)
    const mine = (await accountEntries(`merchant:${DEMO.merchant}`)) as unknown as { kind: string; amountFen: number; orderId: string }[]
    const sales = mine.filter((e) => e.kind === 'SALE')
    expect(res.data.totals).toMatchObject({ orders: new Set(sales.map((e) => e.orderId)).size, salesFen: sales.reduce((s, e) => s + e.amountFen, 0) })
    expect(res.data.totals.refundsFen).toBe(mine.filter((e) => e.kind === 'REVERSAL').reduce((s, e) => s + e.amountFen, 0))
    const bytes = Buffer.from(await (await fetch(res.data.csv.tempFileURL)).arrayBuffer())
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]) // the BOM Excel needs for UTF-8
    const csv = bytes.subarray(3).toString('utf8')
    expect(csv.split('\r\n')[0]).toBe('时间,订单号,商品,跟团号,类型,状态,金额(元)')
    expect(csv).toContain('帮卖测试品')
    expect(csv.split('\r\n').filter((l) => /^\d{4}-/.test(l))).toHaveLength(mine.length)
  })

  it('settle books what a hook could not (a crash right after the payment, the hand-over or the refund)', async () => {
    const groupBuyId = await createGroupBuy(cloud, { priceFen: 1500, minParticipants: 1 })
    const sold = await paidOrder(cloud, 'lg-crash-a', groupBuyId, 1)
    const handed = await paidOrder(cloud, 'lg-crash-b', groupBuyId, 1)
    const refunded = await paidOrder(cloud, 'lg-crash-c', groupBuyId, 1)
    // The sale's hook never ran: no ledger record, no entries.
    await database().collection('ledgerEntries').where({ orderId: sold }).remove()
    await unbookLedger(sold)
    // The hand-over was written (as pickup.verify writes it: its later steps marked not done) but nothing after it ran.
    await cloud.call('groupBuy', DEMO.leader, { action: 'markArrived', groupBuyId })
    await database().collection('orders').doc(handed).update({ data: { status: 'PICKED_UP', pickedUpAt: Date.now(), handoverFinishedAt: 0 } })
    // WeChat Pay refunded and the refund was marked DONE, but the reversal was never booked.
    const refundId = `rc${refunded.slice(1, 31)}x`
    await cloud.pay.api().refund({ out_trade_no: refunded, out_refund_no: refundId, refund_fee: 1500, total_fee: 1500 })
    await database().collection('refunds').add({ data: { _id: refundId, kind: 'order', orderId: refunded, openid: 'lg-crash-c', groupBuyId, amountFen: 1500, reason: '测试', status: 'DONE', attempts: 1, nextAttemptAt: 0, lastError: null, createdAt: Date.now(), doneAt: Date.now() } })

    const before = await reconcile()
    expect(before.mismatches.map((m) => `${m.orderId}:${m.kind}`).sort()).toEqual([`${sold}:PAID_MINUS_REFUNDED`, `${handed}:NOT_RELEASED`, `${handed}:POINTS`, `${refunded}:PAID_MINUS_REFUNDED`, `${refunded}:REFUNDED_FEN`].sort())
    const tick = (await cloud.fireTimer('settle')) as { data: { ledger: { sales: number; pickups: number; refunds: number }; finished: { handovers: number } } }
    // The hand-over's release (and points) are finished by settle's first step; the catch-up books the other two.
    expect(tick.data.finished.handovers).toBe(1)
    expect(tick.data.ledger).toEqual({ sales: 1, pickups: 0, refunds: 1 })
    expect(netByParty(await orderEntries(cloud, sold))).toEqual({ merchant: 0, leader: 1500 - 75 - 50, store: 50, platform: 75 })
    expect((await orderEntries(cloud, handed)).filter((e) => e.kind === 'RELEASE' && e.state === 'AVAILABLE').reduce((s, e) => s + e.amountFen, 0)).toBe(1500)
    expect(netByParty(await orderEntries(cloud, refunded))).toEqual({ merchant: 0, leader: 0, store: 0, platform: 0 })
    expect((await reconcile()).mismatches).toEqual([])
    expect(((await cloud.fireTimer('settle')) as { data: { ledger: unknown } }).data.ledger).toEqual({ sales: 0, pickups: 0, refunds: 0 })
  })

  it('after the whole story reconcile reports 0 mismatches; a tampered entry is reported, not fixed', async () => {
    const clean = await reconcile()
    expect(clean.orders).toBeGreaterThan(5)
    expect(clean.mismatches).toEqual([])
    const last = await cloud.call<{ report: ReconcileReport }>('admin', DEMO.admin, { action: 'lastReconciliation' })
    expect(last.data.report.reconciliationId).toBe(clean.reconciliationId)

    const victim = (await accountEntries(`leader:${DEMO.leader}`)).find((e) => e.kind === 'SALE') as unknown as { _id: string; orderId: string }
    await database().collection('ledgerEntries').doc(victim._id).update({ data: { amountFen: database().command.inc(1) } })
    const dirty = await reconcile()
    expect(dirty.mismatches.map((m) => [m.orderId, m.kind]).sort()).toEqual([[victim.orderId, 'PAID_MINUS_REFUNDED'], [victim.orderId, 'SPLIT']])
    expect((await readDoc('ledgerEntries', victim._id))!.amountFen).toBeDefined()
    expect((await reconcile()).mismatchCount).toBe(2)
  })
})
