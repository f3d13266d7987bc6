import { z } from 'zod'
import { ERROR_CODES, fail, ok } from '@shared/errors'
import { action, defineFunction } from '@server/define'
import { applyCouponPayment } from '@server/coupons/coupon-flow'
import { isCouponTradeNo } from '@server/ids'
import { applyPayment } from '@server/payments/payment-flow'

const notice = z.object({ outTradeNo: z.string().min(1).max(32), returnCode: z.string().optional(), resultCode: z.string().optional() }).passthrough()

const paid = action({
  access: 'payment-callback',
  input: notice,
  async run({ db, now }, raw) {
    const parsed = notice.safeParse(raw)
    if (!parsed.success) return fail(ERROR_CODES.INPUT_INVALID, 'not a payment notice')
    // The out_trade_no says what was bought: a coupon id (c…) or an order id (o…).
    const tradeNo = parsed.data.outTradeNo
    const outcome = isCouponTradeNo(tradeNo) ? await applyCouponPayment(db, tradeNo, now) : await applyPayment(db, tradeNo, now)
    return ok({ outcome })
  },
})

const handle = defineFunction({ paid }, { paymentAction: 'paid' })

/**
 * WeChat Pay's notice (cloudPay unifiedOrder names this function). It retries until we answer errcode 0, so
 * anything we could not finish answers non-zero and is redone on the retry — every step is idempotent.
 */
export async function main(event: unknown): Promise<{ errcode: number; errmsg: string }> {
  const res = await handle(event)
  if (res.ok) return { errcode: 0, errmsg: 'OK' }
  // A notice we can never act on (malformed) is acknowledged so it stops; internal failures ask for a retry.
  return res.error.code === ERROR_CODES.INTERNAL ? { errcode: 1, errmsg: res.error.message } : { errcode: 0, errmsg: res.error.code }
}
