import { randomBytes } from 'crypto'

/**
 * WeChat Pay's 商家转账 (merchant transfer to a WeChat balance), offline, in the request/reply shape
 * server/ledger/transfer.ts uses. Idempotent by out_bill_no like the real API; the next `count` calls can be
 * made to fail (transiently, like a SYSTEM_ERROR, or finally, like a payee WeChat Pay refuses).
 */
interface Bill {
  outBillNo: string
  openid: string
  amountFen: number
  transferBillNo: string
}

export class TransferSimulator {
  private readonly bills = new Map<string, Bill>()
  private failuresLeft = 0
  private failFinally = false
  /** Transfer calls made, accepted or not (tests assert on retries). */
  calls = 0

  api() {
    return {
      transfer: async (req: { out_bill_no: string; openid: string; transfer_amount: number }) => {
        this.calls++
        if (this.failuresLeft > 0) {
          this.failuresLeft--
          return this.failFinally ? { state: 'FAIL', message: 'simulated: payee cannot receive transfers' } : { code: 'SYSTEM_ERROR', message: 'simulated transfer failure' }
        }
        const prior = this.bills.get(req.out_bill_no)
        if (prior) return { state: 'SUCCESS', transfer_bill_no: prior.transferBillNo }
        if (!Number.isInteger(req.transfer_amount) || req.transfer_amount <= 0 || !req.openid) return { code: 'PARAM_ERROR', message: 'invalid amount or openid' }
        const bill = { outBillNo: req.out_bill_no, openid: req.openid, amountFen: req.transfer_amount, transferBillNo: `1330${Date.now()}${randomBytes(4).toString('hex')}` }
        this.bills.set(bill.outBillNo, bill)
        return { state: 'SUCCESS', transfer_bill_no: bill.transferBillNo }
      },
      queryTransfer: async (req: { out_bill_no: string }) => {
        const b = this.bills.get(req.out_bill_no)
        return b ? { state: 'SUCCESS', transfer_amount: b.amountFen, openid: b.openid } : { code: 'NOT_FOUND', message: 'no such transfer' }
      },
    }
  }

  /** The next `count` transfer calls fail; `final` makes them definitive refusals instead of retryable errors. */
  failNext(count: number, final = false): void {
    this.failuresLeft = count
    this.failFinally = final
  }

  /** What was transferred to one payee in total. */
  paidTo(openid: string): number {
    let sum = 0
    for (const b of this.bills.values()) if (b.openid === openid) sum += b.amountFen
    return sum
  }

  billCount(): number {
    return this.bills.size
  }
}
