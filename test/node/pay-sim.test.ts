/**
 * The WeChat Pay simulator the whole team tests against: partial refunds as WeChat Pay does them (each with its
 * own out_refund_no, the sum per trade never above total_fee, a retried out_refund_no never paying twice),
 * closeOrder (ORDERPAID / ORDERCLOSED), and GET /sim/refunds. Money is driven through server/payments/pay.ts
 * (submitRefund, closeTrade), the same code the functions use.
 */
import { closeTrade, submitRefund } from '@server/payments/pay'
import { createGroupBuy, join, testCloudForThisFile, type Doc } from './support/cloud'

jest.setTimeout(60_000)

const cloud = testCloudForThisFile()

async function paidOrder(openid: string, quantity = 2): Promise<{ orderId: string; amountFen: number }> {
  const groupBuyId = await createGroupBuy(cloud, { stock: 10, minParticipants: 1, limitPerUser: 5, priceFen: 1000 })
  const res = await join(cloud, openid, groupBuyId, quantity)
  if (!res.ok) throw new Error(`join: ${res.error?.code}`)
  expect((await cloud.pay.pay(res.data.orderId)).ok).toBe(true)
  return res.data
}

async function simRefunds(): Promise<Doc[]> {
  const res = await fetch(`${cloud.url}/sim/refunds`)
  expect(res.status).toBe(200)
  const body = (await res.json()) as { ok: boolean; data: { items: Doc[] } }
  expect(body.ok).toBe(true)
  return body.data.items
}

describe('partial refunds', () => {
  it('several partial refunds of one trade each pay once; the sum may never exceed what was paid', async () => {
    const { orderId, amountFen } = await paidOrder('partial-1', 2) // 2000 fen
    expect(amountFen).toBe(2000)
    const part = (refundNo: string, refundFen: number) => submitRefund({ orderId, refundNo, amountFen: refundFen, totalFen: amountFen })

    expect(await part(`${orderId}-r1`, 500)).toEqual({ accepted: true, reason: '' })
    expect(await part(`${orderId}-r2`, 700)).toEqual({ accepted: true, reason: '' })
    // A retry of r1 (same number, same amount) is answered again and pays nothing more.
    expect(await part(`${orderId}-r1`, 500)).toEqual({ accepted: true, reason: '' })
    expect(cloud.pay.refundedFor(orderId)).toBe(1200)
    // The same number with another amount, and a refund beyond what is left, are refused.
    expect((await part(`${orderId}-r1`, 600)).accepted).toBe(false)
    const over = await part(`${orderId}-r3`, 801)
    expect(over.accepted).toBe(false)
    expect(over.reason).toMatch(/exceed/)
    expect(cloud.pay.refundedFor(orderId)).toBe(1200)
    // Exactly what is left is fine; then nothing more.
    expect((await part(`${orderId}-r3`, 800)).accepted).toBe(true)
    expect((await part(`${orderId}-r4`, 1)).accepted).toBe(false)
    expect(cloud.pay.refundedFor(orderId)).toBe(2000)
    expect(cloud.pay.refundCountFor(orderId)).toBe(3)

    const items = (await simRefunds()).filter((r) => r.outTradeNo === orderId)
    expect(items).toEqual([
      { outTradeNo: orderId, outRefundNo: `${orderId}-r1`, refundFen: 500, totalFen: 2000, status: 'SUCCESS' },
      { outTradeNo: orderId, outRefundNo: `${orderId}-r2`, refundFen: 700, totalFen: 2000, status: 'SUCCESS' },
      { outTradeNo: orderId, outRefundNo: `${orderId}-r3`, refundFen: 800, totalFen: 2000, status: 'SUCCESS' },
    ])
    expect(cloud.pay.listRefunds().filter((r) => r.outTradeNo === orderId)).toEqual(items)
  })

  it('a refund naming another total than the trade\'s, or of an unpaid trade, is refused; a full refund still works as before', async () => {
    const { orderId, amountFen } = await paidOrder('partial-2', 1)
    expect((await submitRefund({ orderId, refundNo: `${orderId}-x`, amountFen: 100, totalFen: amountFen + 1 })).accepted).toBe(false)
    expect((await submitRefund({ orderId, refundNo: `${orderId}-full`, amountFen })).accepted).toBe(true)
    expect((await submitRefund({ orderId, refundNo: `${orderId}-full`, amountFen })).accepted).toBe(true)
    expect(cloud.pay.refundedFor(orderId)).toBe(amountFen)
    expect(cloud.pay.refundCountFor(orderId)).toBe(1)

    const groupBuyId = await createGroupBuy(cloud, { stock: 5, minParticipants: 1 })
    const unpaid = await join(cloud, 'partial-3', groupBuyId, 1)
    const refused = await submitRefund({ orderId: unpaid.data.orderId, refundNo: 'never', amountFen: unpaid.data.amountFen })
    expect(refused).toMatchObject({ accepted: false, reason: 'trade not paid' })
    expect(cloud.pay.refundedFor(unpaid.data.orderId)).toBe(0)
  })
})

describe('closeOrder', () => {
  it('closes an unpaid trade once; a paid one answers ORDERPAID; an unknown one counts as closed', async () => {
    const groupBuyId = await createGroupBuy(cloud, { stock: 5, minParticipants: 1 })
    const res = await join(cloud, 'close-sim', groupBuyId, 1)
    expect(await closeTrade(res.data.orderId)).toEqual({ outcome: 'CLOSED', reason: '' })
    expect(await closeTrade(res.data.orderId)).toEqual({ outcome: 'CLOSED', reason: 'ORDERCLOSED' })
    expect(await cloud.pay.pay(res.data.orderId)).toMatchObject({ ok: false })
    const { orderId } = await paidOrder('close-paid', 1)
    expect(await closeTrade(orderId)).toEqual({ outcome: 'PAID', reason: 'ORDERPAID' })
    expect(await closeTrade('o-never-opened')).toEqual({ outcome: 'CLOSED', reason: 'ORDERNOTEXIST' })
    cloud.pay.failNextCloses(1)
    expect((await closeTrade(orderId)).outcome).toBe('FAILED')
  })
})

describe('the simulator keeps its trades across a restart (a journal appended per change)', () => {
  it('a new simulator on the same file answers queryOrder, refund replays and queryRefund as before; a line a kill cut off is skipped', async () => {
    const { mkdtempSync, appendFileSync, readFileSync } = await import('fs')
    const os = await import('os')
    const path = await import('path')
    const { PaySimulator } = await import('../../local-cloud/pay-sim')
    const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'pay-sim-')), 'pay-sim.json')
    const first = new PaySimulator(async () => ({ errcode: 0 }), file)
    const api = first.api()
    expect((await api.unifiedOrder({ out_trade_no: 'j-1', total_fee: 300 })).resultCode).toBe('SUCCESS')
    expect((await api.unifiedOrder({ out_trade_no: 'j-2', total_fee: 500 })).resultCode).toBe('SUCCESS')
    expect((await first.pay('j-1', { deliver: false })).ok).toBe(true)
    expect((await api.refund({ out_trade_no: 'j-1', out_refund_no: 'r-1', total_fee: 300, refund_fee: 100 })).resultCode).toBe('SUCCESS')
    expect((await api.closeOrder({ out_trade_no: 'j-2' })).resultCode).toBe('SUCCESS')
    // One line per change, appended (not the whole state rewritten).
    expect(readFileSync(file.replace(/\.json$/, '.jsonl'), 'utf8').split('\n').filter(Boolean)).toHaveLength(5)
    // A kill in the middle of an append leaves half a line.
    appendFileSync(file.replace(/\.json$/, '.jsonl'), '\n{"trade":{"outTradeNo":"j-3","tot')

    const again = new PaySimulator(async () => ({ errcode: 0 }), file).api()
    expect(await again.queryOrder({ out_trade_no: 'j-1' })).toMatchObject({ tradeState: 'SUCCESS', totalFee: 300 })
    expect(await again.queryOrder({ out_trade_no: 'j-2' })).toMatchObject({ tradeState: 'CLOSED' })
    expect((await again.queryOrder({ out_trade_no: 'j-3' })).errCode).toBe('ORDERNOTEXIST')
    expect(await again.queryRefund({ out_refund_no: 'r-1' })).toMatchObject({ refundStatusList: ['SUCCESS'], refundFeeList: [100] })
    // The refund is remembered: the same out_refund_no answers it again, and no more than was paid goes back.
    expect((await again.refund({ out_trade_no: 'j-1', out_refund_no: 'r-1', total_fee: 300, refund_fee: 100 })).resultCode).toBe('SUCCESS')
    expect((await again.refund({ out_trade_no: 'j-1', out_refund_no: 'r-2', total_fee: 300, refund_fee: 201 })).resultCode).toBe('FAIL')
    // A line written after the cut one still reads (it starts on its own line).
    expect((await again.unifiedOrder({ out_trade_no: 'j-4', total_fee: 100 })).resultCode).toBe('SUCCESS')
    expect((await new PaySimulator(async () => ({ errcode: 0 }), file).api().queryOrder({ out_trade_no: 'j-4' })).tradeState).toBe('NOTPAY')
  })
})
