import { randomBytes } from 'crypto'

/**
 * WeChat Pay as cloud.cloudPay presents it, offline: the same request/reply shapes the production path uses
 * (server/pay.ts). `pay()` is the resident confirming in the pay sheet; the simulator then delivers the
 * notice to the function unifiedOrder named, retrying like WeChat Pay until it answers errcode 0.
 */
interface Trade {
  outTradeNo: string
  totalFee: number
  functionName: string
  state: 'NOTPAY' | 'SUCCESS'
  transactionId: string | null
  subMchId: string
}

interface Refund {
  outRefundNo: string
  outTradeNo: string
  refundFee: number
}

export type Deliver = (functionName: string, notice: Record<string, unknown>) => Promise<{ errcode?: number } | unknown>

export class PaySimulator {
  private readonly trades = new Map<string, Trade>()
  private readonly refunds = new Map<string, Refund>()
  private refundFailuresLeft = 0
  /** How many refund calls were made, accepted or not (tests assert on retries). */
  refundCalls = 0

  constructor(private readonly deliver: Deliver) {}

  /** The object installed as cloud.cloudPay. */
  api() {
    return {
      unifiedOrder: async (req: Record<string, unknown>) => {
        const outTradeNo = String(req.out_trade_no ?? '')
        const totalFee = Number(req.total_fee)
        if (!outTradeNo || !Number.isInteger(totalFee) || totalFee <= 0) return { returnCode: 'SUCCESS', resultCode: 'FAIL', returnMsg: 'invalid out_trade_no or total_fee' }
        const existing = this.trades.get(outTradeNo)
        if (existing && existing.totalFee !== totalFee) return { returnCode: 'SUCCESS', resultCode: 'FAIL', returnMsg: 'ORDERNO_REUSED with another amount' }
        if (!existing) this.trades.set(outTradeNo, { outTradeNo, totalFee, functionName: String(req.function_name ?? ''), state: 'NOTPAY', transactionId: null, subMchId: String(req.sub_mch_id ?? '') })
        const nonceStr = randomBytes(8).toString('hex')
        return {
          returnCode: 'SUCCESS',
          resultCode: 'SUCCESS',
          payment: { timeStamp: String(Math.floor(Date.now() / 1000)), nonceStr, package: `prepay_id=sim_${outTradeNo}`, signType: 'MD5', paySign: 'LOCAL-SIMULATOR' },
        }
      },
      queryOrder: async (req: Record<string, unknown>) => {
        const t = this.trades.get(String(req.out_trade_no ?? ''))
        if (!t) return { returnCode: 'SUCCESS', resultCode: 'FAIL', errCode: 'ORDERNOTEXIST' }
        return { returnCode: 'SUCCESS', resultCode: 'SUCCESS', tradeState: t.state, totalFee: t.totalFee, transactionId: t.transactionId ?? '', outTradeNo: t.outTradeNo }
      },
      refund: async (req: Record<string, unknown>) => {
        this.refundCalls++
        if (this.refundFailuresLeft > 0) {
          this.refundFailuresLeft--
          return { returnCode: 'SUCCESS', resultCode: 'FAIL', errCode: 'SYSTEMERROR', errCodeDes: 'simulated refund failure' }
        }
        const outRefundNo = String(req.out_refund_no ?? '')
        const t = this.trades.get(String(req.out_trade_no ?? ''))
        const refundFee = Number(req.refund_fee)
        if (!t || t.state !== 'SUCCESS') return { returnCode: 'SUCCESS', resultCode: 'FAIL', errCodeDes: 'trade not paid' }
        const prior = this.refunds.get(outRefundNo)
        if (prior) return { returnCode: 'SUCCESS', resultCode: 'SUCCESS', outRefundNo } // same refund number: nothing new is paid out
        const refunded = this.refundedFor(t.outTradeNo)
        if (!Number.isInteger(refundFee) || refundFee <= 0 || refunded + refundFee > t.totalFee) return { returnCode: 'SUCCESS', resultCode: 'FAIL', errCodeDes: 'refund exceeds payment' }
        this.refunds.set(outRefundNo, { outRefundNo, outTradeNo: t.outTradeNo, refundFee })
        return { returnCode: 'SUCCESS', resultCode: 'SUCCESS', outRefundNo }
      },
      queryRefund: async (req: Record<string, unknown>) => {
        const r = this.refunds.get(String(req.out_refund_no ?? ''))
        if (!r) return { returnCode: 'SUCCESS', resultCode: 'FAIL', errCode: 'REFUNDNOTEXIST' }
        return { returnCode: 'SUCCESS', resultCode: 'SUCCESS', refundCount: 1, outRefundNoList: [r.outRefundNo], refundFeeList: [r.refundFee], refundStatusList: ['SUCCESS'] }
      },
    }
  }

  /** The resident pays in WeChat Pay's sheet; then the notice is delivered (with WeChat Pay's retries). */
  async pay(outTradeNo: string): Promise<{ ok: boolean; reason?: string; delivered?: boolean }> {
    const t = this.trades.get(outTradeNo)
    if (!t) return { ok: false, reason: 'no such trade (join first)' }
    if (t.state === 'SUCCESS') return { ok: false, reason: 'already paid' }
    t.state = 'SUCCESS'
    t.transactionId = `4200${Date.now()}${randomBytes(4).toString('hex')}`
    return { ok: true, delivered: await this.notify(outTradeNo) }
  }

  /** Deliver the payment notice again, as WeChat Pay may do at any time. */
  async notify(outTradeNo: string, attempts = 5): Promise<boolean> {
    const t = this.trades.get(outTradeNo)
    if (!t || t.state !== 'SUCCESS') return false
    const notice = {
      returnCode: 'SUCCESS', resultCode: 'SUCCESS', outTradeNo: t.outTradeNo, totalFee: t.totalFee, transactionId: t.transactionId,
      subMchId: t.subMchId, tradeType: 'JSAPI', timeEnd: new Date().toISOString(),
    }
    for (let i = 0; i < attempts; i++) {
      const res = (await this.deliver(t.functionName, notice).catch(() => null)) as { errcode?: number } | null
      if (res && res.errcode === 0) return true
      await new Promise((r) => setTimeout(r, 20 * (i + 1)))
    }
    return false
  }

  failNextRefunds(count: number): void {
    this.refundFailuresLeft = count
  }

  refundedFor(outTradeNo: string): number {
    let sum = 0
    for (const r of this.refunds.values()) if (r.outTradeNo === outTradeNo) sum += r.refundFee
    return sum
  }

  refundCountFor(outTradeNo: string): number {
    return [...this.refunds.values()].filter((r) => r.outTradeNo === outTradeNo).length
  }
}
