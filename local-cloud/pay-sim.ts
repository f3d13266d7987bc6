import { randomBytes } from 'crypto'
import { appendFileSync, existsSync, readFileSync } from 'fs'

/**
 * WeChat Pay as cloud.cloudPay presents it, offline: the same request/reply shapes the production path uses
 * (server/payments/pay.ts). `pay()` is the resident confirming in the pay sheet; the simulator then delivers the
 * notice to the function unifiedOrder named, retrying like WeChat Pay until it answers errcode 0.
 */
interface Trade {
  outTradeNo: string
  totalFee: number
  functionName: string
  /** CLOSED: closeOrder closed it unpaid; it can never be paid (WeChat Pay's trade_state CLOSED). */
  state: 'NOTPAY' | 'SUCCESS' | 'CLOSED'
  transactionId: string | null
  subMchId: string
}

interface Refund {
  outRefundNo: string
  outTradeNo: string
  refundFee: number
  totalFee: number
}

/** One refund as GET /sim/refunds and `PaySimulator.listRefunds()` show it. */
export interface RefundRecord {
  outTradeNo: string
  outRefundNo: string
  refundFen: number
  totalFen: number
  /** Refunds the simulator accepts succeed at once. */
  status: 'SUCCESS'
}

const fail = (errCode: string, errCodeDes: string) => ({ returnCode: 'SUCCESS', resultCode: 'FAIL', errCode, errCodeDes })

export type Deliver = (functionName: string, notice: Record<string, unknown>) => Promise<{ errcode?: number } | unknown>

export class PaySimulator {
  private readonly trades = new Map<string, Trade>()
  private readonly refunds = new Map<string, Refund>()
  private refundFailuresLeft = 0
  private closeFailuresLeft = 0
  /** How many refund calls were made, accepted or not (tests assert on retries). */
  refundCalls = 0
  /** How many closeOrder calls were made. */
  closeCalls = 0

  /**
   * `file` (<dataDir>/pay-sim.json for a local cloud with a data directory): every change of a trade or a refund is
   * appended to a journal beside it (`pay-sim.jsonl`, one record per line, written before the call answers) and read
   * back on start, so a restarted local cloud answers queryOrder, refund and queryRefund as WeChat Pay would — it
   * does not forget. Appending one line keeps a crowd's cost per trade flat (rewriting the whole file per change
   * grew with every trade and took most of a crowd's CPU). A line a kill cut off is skipped: its call never answered.
   * A whole-file `pay-sim.json` from before the journal is read first.
   */
  constructor(private readonly deliver: Deliver, private readonly file?: string) {
    if (file && existsSync(file)) {
      const saved = JSON.parse(readFileSync(file, 'utf8')) as { trades: Trade[]; refunds: Refund[] }
      for (const t of saved.trades) this.trades.set(t.outTradeNo, t)
      for (const r of saved.refunds) this.refunds.set(r.outRefundNo, r)
    }
    if (this.journal && existsSync(this.journal)) {
      for (const line of readFileSync(this.journal, 'utf8').split('\n')) {
        let rec: { trade?: Trade; refund?: Refund }
        try {
          rec = JSON.parse(line) as { trade?: Trade; refund?: Refund }
        } catch {
          continue
        }
        if (rec.trade) this.trades.set(rec.trade.outTradeNo, rec.trade)
        if (rec.refund) this.refunds.set(rec.refund.outRefundNo, rec.refund)
      }
    }
  }

  private get journal(): string | undefined {
    return this.file ? `${this.file.replace(/\.json$/, '')}.jsonl` : undefined
  }

  private save(rec: { trade?: Trade; refund?: Refund }): void {
    if (!this.journal) return
    // A leading newline ends a line a kill may have cut off, so this record parses on its own.
    appendFileSync(this.journal, `\n${JSON.stringify(rec)}`)
  }

  /** The object installed as cloud.cloudPay. */
  api() {
    return {
      unifiedOrder: async (req: Record<string, unknown>) => {
        const outTradeNo = String(req.out_trade_no ?? '')
        const totalFee = Number(req.total_fee)
        if (!outTradeNo || !Number.isInteger(totalFee) || totalFee <= 0) return { returnCode: 'SUCCESS', resultCode: 'FAIL', returnMsg: 'invalid out_trade_no or total_fee' }
        const existing = this.trades.get(outTradeNo)
        if (existing && existing.totalFee !== totalFee) return { returnCode: 'SUCCESS', resultCode: 'FAIL', returnMsg: 'ORDERNO_REUSED with another amount' }
        if (existing?.state === 'CLOSED') return { ...fail('ORDERCLOSED', 'trade closed'), returnMsg: 'ORDERCLOSED' }
        if (existing?.state === 'SUCCESS') return { ...fail('ORDERPAID', 'trade already paid'), returnMsg: 'ORDERPAID' }
        if (!existing) {
          const trade: Trade = { outTradeNo, totalFee, functionName: String(req.function_name ?? ''), state: 'NOTPAY', transactionId: null, subMchId: String(req.sub_mch_id ?? '') }
          this.trades.set(outTradeNo, trade)
          this.save({ trade })
        }
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
      // Partial refunds as WeChat Pay does them: each with its own out_refund_no, total_fee naming the trade's
      // amount, the sum per trade never above it; a retried out_refund_no answers its refund again, never pays twice.
      refund: async (req: Record<string, unknown>) => {
        this.refundCalls++
        if (this.refundFailuresLeft > 0) {
          this.refundFailuresLeft--
          return fail('SYSTEMERROR', 'simulated refund failure')
        }
        const outRefundNo = String(req.out_refund_no ?? '')
        const t = this.trades.get(String(req.out_trade_no ?? ''))
        const refundFee = Number(req.refund_fee)
        const totalFee = req.total_fee === undefined ? undefined : Number(req.total_fee)
        if (!outRefundNo) return fail('PARAM_ERROR', 'out_refund_no is required')
        if (!t) return fail('ORDERNOTEXIST', 'trade does not exist')
        if (t.state !== 'SUCCESS') return fail('TRADE_STATE_ERROR', 'trade not paid')
        const prior = this.refunds.get(outRefundNo)
        if (prior) {
          if (prior.outTradeNo !== t.outTradeNo || prior.refundFee !== refundFee) return fail('INVALID_REQUEST', 'out_refund_no reused with another trade or amount')
          return { returnCode: 'SUCCESS', resultCode: 'SUCCESS', outRefundNo, refundFee: prior.refundFee, totalFee: t.totalFee }
        }
        if (totalFee !== undefined && totalFee !== t.totalFee) return fail('INVALID_REQUEST', 'total_fee does not match the trade')
        if (!Number.isInteger(refundFee) || refundFee <= 0) return fail('PARAM_ERROR', 'refund_fee must be a positive integer')
        if (this.refundedFor(t.outTradeNo) + refundFee > t.totalFee) return fail('INVALID_REQUEST', 'refunds would exceed the payment (退款金额大于支付金额)')
        const refund: Refund = { outRefundNo, outTradeNo: t.outTradeNo, refundFee, totalFee: t.totalFee }
        this.refunds.set(outRefundNo, refund)
        this.save({ refund })
        return { returnCode: 'SUCCESS', resultCode: 'SUCCESS', outRefundNo, refundFee, totalFee: t.totalFee }
      },
      // Closing an unpaid trade makes it unpayable; a paid one cannot be closed (ORDERPAID: treat it as paid).
      closeOrder: async (req: Record<string, unknown>) => {
        this.closeCalls++
        if (this.closeFailuresLeft > 0) {
          this.closeFailuresLeft--
          return fail('SYSTEMERROR', 'simulated closeOrder failure')
        }
        const t = this.trades.get(String(req.out_trade_no ?? ''))
        if (!t) return fail('ORDERNOTEXIST', 'trade does not exist')
        if (t.state === 'SUCCESS') return fail('ORDERPAID', 'trade already paid')
        if (t.state === 'CLOSED') return fail('ORDERCLOSED', 'trade already closed')
        t.state = 'CLOSED'
        this.save({ trade: t })
        return { returnCode: 'SUCCESS', resultCode: 'SUCCESS' }
      },
      queryRefund: async (req: Record<string, unknown>) => {
        const r = this.refunds.get(String(req.out_refund_no ?? ''))
        if (!r) return { returnCode: 'SUCCESS', resultCode: 'FAIL', errCode: 'REFUNDNOTEXIST' }
        return { returnCode: 'SUCCESS', resultCode: 'SUCCESS', refundCount: 1, outRefundNoList: [r.outRefundNo], refundFeeList: [r.refundFee], refundStatusList: ['SUCCESS'] }
      },
    }
  }

  /**
   * The resident pays in WeChat Pay's sheet; then the notice is delivered (with WeChat Pay's retries) — or, with
   * `deliver: false`, it is still on its way (a payment racing an expiry), to be delivered later by notify().
   */
  async pay(outTradeNo: string, opts: { deliver?: boolean } = {}): Promise<{ ok: boolean; reason?: string; delivered?: boolean }> {
    const t = this.trades.get(outTradeNo)
    if (!t) return { ok: false, reason: 'no such trade (join first)' }
    if (t.state === 'SUCCESS') return { ok: false, reason: 'already paid' }
    if (t.state === 'CLOSED') return { ok: false, reason: 'ORDERCLOSED: the trade was closed (the order expired)' }
    t.state = 'SUCCESS'
    t.transactionId = `4200${Date.now()}${randomBytes(4).toString('hex')}`
    this.save({ trade: t })
    if (opts.deliver === false) return { ok: true, delivered: false }
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

  /** The next `count` closeOrder calls answer SYSTEMERROR. */
  failNextCloses(count: number): void {
    this.closeFailuresLeft = count
  }

  /** WeChat Pay's trade state for a trade number, or null when no trade was opened. */
  tradeState(outTradeNo: string): Trade['state'] | null {
    return this.trades.get(outTradeNo)?.state ?? null
  }

  /** Every refund paid out, oldest first (what GET /sim/refunds shows). */
  listRefunds(): RefundRecord[] {
    return [...this.refunds.values()].map((r) => ({ outTradeNo: r.outTradeNo, outRefundNo: r.outRefundNo, refundFen: r.refundFee, totalFen: r.totalFee, status: 'SUCCESS' }))
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
