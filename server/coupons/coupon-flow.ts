import { COUPON_CODE_LENGTH } from '@shared/domain/coupon'
import { allocateCode, drawDigits, reserveKeyed } from '@server/codes'
import type { CouponDoc } from '@server/coupons/model'
import { findById, updatedCount } from '@server/fetch'
import { releaseCouponHoldInTx } from '@server/coupons/holds'
import { crashPoint } from '@server/crash-points'
import { inTransaction, txGet } from '@server/ledger/txn'
import type { PaymentOutcome } from '@server/payments/payment-flow'
import { closeBeforeRelease } from '@server/payments/close-flow'
import { queryPaid } from '@server/payments/pay'
import { requestCouponRefund } from '@server/payments/refunds'
import { docsOf } from '@server/paging'
import type { DueQuery } from '@server/due'

const BATCH = 100

/** Reserve a fresh 12-digit coupon code for this coupon (unique through the keyed couponCodes insert). */
export function allocateCouponCode(db: DB.Database, coupon: Pick<CouponDoc, '_id' | 'campaignId'>, now: number): Promise<string> {
  return allocateCode(() => drawDigits(COUPON_CODE_LENGTH), reserveKeyed(db, 'couponCodes', { couponId: coupon._id, campaignId: coupon.campaignId, createdAt: now }))
}

/**
 * Apply a payment for a bought coupon, as applyPayment does for orders: trust nothing in the notice (ask
 * queryOrder, check the amount), then one conditional PENDING_PAYMENT → ISSUED that also sets the code. A
 * replay or a racing twin loses that write and changes nothing (its spare code is given back); money for a
 * hold that already expired is refunded automatically, once.
 */
export async function applyCouponPayment(db: DB.Database, couponId: string, now: number): Promise<PaymentOutcome> {
  const coupon = await findById<CouponDoc>(db, 'coupons', couponId)
  // A free coupon never had a trade: a notice naming one is forged.
  if (!coupon || !coupon.amountFen) return 'UNKNOWN_ORDER'
  const confirmed = await queryPaid(couponId)
  if (!confirmed.paid) return 'NOT_PAID'
  if (confirmed.totalFee !== coupon.amountFen) {
    // Money that does not match the price: never count it, give it back (the hold expires as usual).
    await requestCouponRefund(db, coupon, confirmed.totalFee, '支付金额不符', now)
    return 'REFUNDING'
  }

  if (coupon.status === 'PENDING_PAYMENT') {
    // The code is only drawn now: until paid there is nothing a clerk could redeem.
    const code = await allocateCouponCode(db, coupon, now)
    // A crash here leaves a reserved code no coupon carries (it blocks nothing); the re-sent notice, or settle at
    // the hold's expiry (closeBeforeRelease finds the trade paid), issues the coupon with a fresh one.
    crashPoint('coupon:after-code')
    const issued = await db
      .collection('coupons')
      .where({ _id: couponId, status: 'PENDING_PAYMENT' })
      .update({ data: { status: 'ISSUED', code, paidAt: now, transactionId: confirmed.transactionId } })
    if (updatedCount(issued) === 1) return 'PAID'
    await db.collection('couponCodes').where({ _id: code, couponId }).remove()
  }

  const current = (await findById<CouponDoc>(db, 'coupons', couponId)) ?? coupon
  if (current.status === 'EXPIRED') {
    // Paid after its hold was released (the slot may be someone else's by now): the money goes back.
    await requestCouponRefund(db, current, coupon.amountFen, '购券超时后到账', now)
    return 'REFUNDING'
  }
  return 'ALREADY_APPLIED'
}

/**
 * Move an unpaid coupon purchase to EXPIRED and hand back its campaign slot and the buyer's tally, in one
 * transaction (#27: a crash leaves all three or none), only if the coupon is still PENDING_PAYMENT, so a hold is
 * released exactly once however many timer runs race.
 */
export async function releaseUnpaidCoupon(db: DB.Database, coupon: Pick<CouponDoc, '_id' | 'campaignId' | 'openid'>, now: number): Promise<boolean> {
  return inTransaction(db, async (t) => {
    const c = await txGet<CouponDoc>(t, 'coupons', coupon._id)
    if (!c || c.status !== 'PENDING_PAYMENT') return false
    await t.collection('coupons').doc(c._id).update({ data: { status: 'EXPIRED', endedAt: now } })
    crashPoint('coupon:after-expired')
    await releaseCouponHoldInTx(t, c)
    return true
  })
}

/** What expireUnpaidCoupons selects: coupon purchases past their payment window. */
export const UNPAID_COUPONS_DUE: DueQuery = { collection: 'coupons', where: (_, now) => ({ status: 'PENDING_PAYMENT', expiresAt: _.lte(now) }) }

/**
 * Unpaid coupon purchases past their payment window: their WeChat Pay trade is closed, then they give their slot
 * back (index status_expires) — unless WeChat Pay says it was paid meanwhile: then the coupon is issued instead.
 */
export async function expireUnpaidCoupons(db: DB.Database, now: number): Promise<{ expired: number; paidAtExpiry: number }> {
  const _ = db.command
  const res = await docsOf<CouponDoc>(db.collection('coupons').where(UNPAID_COUPONS_DUE.where(_, now)).orderBy('expiresAt', 'asc').limit(BATCH))
  let expired = 0
  let paidAtExpiry = 0
  for (const c of res) {
    const end = await closeBeforeRelease(c._id, () => applyCouponPayment(db, c._id, now))
    if (end === 'PAID') paidAtExpiry++
    else if (end === 'RELEASE' && (await releaseUnpaidCoupon(db, c, now))) expired++
  }
  return { expired, paidAtExpiry }
}
