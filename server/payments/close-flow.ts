import type { PaymentOutcome } from '@server/payments/payment-flow'
import { closeTrade } from '@server/payments/pay'

/** What to do with an unpaid hold we stop waiting for, once WeChat Pay has been told. */
export type HoldEnd = 'RELEASE' | 'PAID' | 'WAIT'

/**
 * Close the hold's WeChat Pay trade before releasing the hold (an expired order or coupon purchase, an ended
 * group's unpaid order), so the resident can no longer complete the pay sheet and be refunded instead of served.
 * If WeChat Pay answers that it was paid (the payment raced the expiry), the payment is applied exactly as the
 * callback would apply it, and the hold is kept. If WeChat Pay cannot be asked, the hold is released anyway:
 * unifiedOrder's time_expire already stops the sheet, and money that still arrives is refunded automatically.
 */
export async function closeBeforeRelease(tradeNo: string, applyPaid: () => Promise<PaymentOutcome>): Promise<HoldEnd> {
  const closed = await closeTrade(tradeNo)
  if (closed.outcome === 'FAILED') console.warn(`[closeOrder] ${tradeNo}: ${closed.reason}; released anyway`)
  if (closed.outcome !== 'PAID') return 'RELEASE'
  const outcome = await applyPaid()
  if (outcome === 'PAID' || outcome === 'ALREADY_APPLIED') return 'PAID'
  // WeChat Pay said paid but queryOrder does not confirm it yet: decide on the next tick.
  if (outcome === 'NOT_PAID') return 'WAIT'
  return 'RELEASE' // refunding (wrong amount, group ended): the hold itself is still released
}
