/**
 * Money attacks from this stop's audit that were already refused, kept as regression tests (docs/api.md "Money
 * rules (issue #19)"). The two it found are fixed and tested where they live: refunds reckoned at the first tier of
 * a 阶梯价 group buy signed off before its end (price-tiers.test.ts), and two refunds of one order confirmed at once
 * taking back more points than it earned (refund-cost.test.ts).
 */
import { releaseDue } from '@server/ledger/ledger-flow'
import { processDueRefunds } from '@server/payments/refunds'
import { copyRidingSales, DEMO, createGroupBuy, database, join, newRequestId, readAll, readDoc, sleep, testCloudForThisFile } from './support/cloud'
import { balanceOf, paidOrder, pickUp } from './support/ledger'

jest.setTimeout(180_000)

const cloud = testCloudForThisFile()
const LATER = () => Date.now() + 49 * 3600_000 // past the default 48 h after-sales window

describe('attacks that are refused', () => {
  it('REFUSED: join with a zero, negative, fractional or huge quantity, or a client-chosen price/amount', async () => {
    const gb = await createGroupBuy(cloud, { priceFen: 1000, minParticipants: 1, limitPerUser: 5 })
    for (const quantity of [0, -1, 1.5, 1000]) {
      const r = await join(cloud, 'audit-q', gb, quantity)
      expect(r.error?.code).toBe('INPUT.INVALID')
    }
    const priced = await cloud.call('groupBuy', 'audit-q', { action: 'join', groupBuyId: gb, quantity: 1, requestId: newRequestId(), priceFen: 1, amountFen: 1 })
    expect(priced.error?.code).toBe('INPUT.INVALID')
  })

  it('REFUSED: a payout requestId reused for another amount; 10 concurrent payouts never hold more than available', async () => {
    const gb = await createGroupBuy(cloud, { priceFen: 5000, minParticipants: 1, limitPerUser: 5 })
    const orderId = await paidOrder(cloud, 'audit-po', gb, 1)
    expect((await pickUp(cloud, 'audit-po', gb, orderId)).ok).toBe(true)
    await releaseDue(database(), LATER())
    const b = await balanceOf(cloud, DEMO.leader)
    const rid = newRequestId('po')
    const first = await cloud.call('ledger', DEMO.leader, { action: 'requestPayout', amountFen: 1, requestId: rid })
    expect(first.ok).toBe(true)
    expect((await cloud.call('ledger', DEMO.leader, { action: 'requestPayout', amountFen: 2, requestId: rid })).error?.code).toBe('INPUT.INVALID')
    const left = b.availableFen - 1
    const racing = await Promise.all(Array.from({ length: 10 }, () => cloud.call('ledger', DEMO.leader, { action: 'requestPayout', amountFen: Math.ceil(left / 2), requestId: newRequestId('po') })))
    expect(racing.filter((r) => r.ok).length).toBeLessThanOrEqual(left >= 2 * Math.ceil(left / 2) ? 2 : 1)
    const end = await balanceOf(cloud, DEMO.leader)
    expect(end.availableFen).toBeGreaterThanOrEqual(0)
  })

  it('REFUSED: after-sales asked 5× concurrently for all units, approvals raced: at most the picked-up units are refunded, each case once', async () => {
    const R = 'audit-as-race'
    const gb = await createGroupBuy(cloud, { priceFen: 1000, minParticipants: 1, limitPerUser: 5 })
    const orderId = await paidOrder(cloud, R, gb, 2)
    expect((await pickUp(cloud, R, gb, orderId)).ok).toBe(true)
    const asks = await Promise.all(Array.from({ length: 5 }, () => cloud.call<{ caseId: string }>('afterSales', R, { action: 'request', orderId, quantity: 2, reason: 'QUALITY', requestId: newRequestId('as') })))
    const ok = asks.filter((a) => a.ok)
    expect(ok).toHaveLength(1)
    const decisions = await Promise.all(Array.from({ length: 5 }, () => cloud.call('afterSales', DEMO.leader, { action: 'decide', caseId: ok[0].data.caseId, approve: true })))
    expect(decisions.filter((d) => d.ok).length).toBeGreaterThanOrEqual(1)
    await processDueRefunds(database(), Date.now())
    expect(cloud.pay.refundedFor(orderId)).toBe(2000)
    // Nothing more can be asked for.
    const more = await cloud.call('afterSales', R, { action: 'request', orderId, quantity: 1, reason: 'QUALITY', requestId: newRequestId('as') })
    expect(more.error?.code).toBe('AFTER_SALES.QUANTITY_EXCEEDED')
  })

  it('REFUSED: a forged payCallback for an unpaid order, and a replay of a paid one, change nothing', async () => {
    const gb = await createGroupBuy(cloud, { priceFen: 1000, minParticipants: 1, limitPerUser: 5 })
    const j = await join(cloud, 'audit-forge', gb, 1)
    const forged = await cloud.invoke('payCallback', { outTradeNo: j.data.orderId, returnCode: 'SUCCESS', resultCode: 'SUCCESS', totalFee: 1000 }, null)
    expect(forged).toMatchObject({ errcode: 0 })
    expect((await readDoc('orders', j.data.orderId))!.status).toBe('PENDING_PAYMENT')
    expect((await cloud.pay.pay(j.data.orderId)).ok).toBe(true)
    await Promise.all(Array.from({ length: 5 }, () => cloud.invoke('payCallback', { outTradeNo: j.data.orderId }, null)))
    await copyRidingSales()
    const entries = await readAll('ledgerEntries', { orderId: j.data.orderId })
    expect(entries.reduce((s, e) => s + e.amountFen, 0)).toBe(1000)
    expect((await readDoc('groupBuys', gb))!.soldQuantity).toBe(1)
  })

  it('REFUSED: a paid order cannot be cancelled for a refund by its owner (not rolled over)', async () => {
    const gb = await createGroupBuy(cloud, { priceFen: 1000, minParticipants: 1, limitPerUser: 5 })
    const orderId = await paidOrder(cloud, 'audit-cancel', gb, 1)
    const res = await cloud.call('order', 'audit-cancel', { action: 'cancel', orderId })
    expect(res.error?.code).toBe('ORDER.NOT_CANCELLABLE')
    await sleep(10)
    expect(await readAll('refunds', { orderId })).toEqual([])
  })
})
