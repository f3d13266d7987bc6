import type { ErrorCode } from '@shared/errors'

/** One line of the counter's audit log: every pickup or coupon attempt, whatever its outcome. */
export interface VerificationDoc {
  _id?: string
  /** voucher: a service's voucher redeemed by its provider (#25, server/vouchers/redeem.ts). */
  kind: 'pickup' | 'coupon' | 'voucher'
  code: string
  clerkOpenid: string
  /** Where the attempt was made (the caller's bound point); null when the caller has none. */
  pickupPointId: string | null
  orderId?: string
  couponId?: string
  /** HANDED_PART: part of the order handed over (部分提货), the rest still to pick up. */
  outcome: 'PICKED_UP' | 'HANDED_PART' | 'REDEEMED' | ErrorCode
  at: number
  /** How the order was found: its own code (absent), a proxy code, an all-my-orders code, or the 待提货 list. */
  via?: 'code' | 'delegate' | 'myCode' | 'list'
  /** Units handed over by this attempt. */
  quantity?: number
}

/**
 * Append to the audit. A write failing here must not turn a hand-over that already happened into an error the
 * clerk would retry (and then see ALREADY_USED), so it is logged rather than thrown.
 */
export async function audit(db: DB.Database, entry: VerificationDoc): Promise<void> {
  try {
    await db.collection('verifications').add({ data: entry })
  } catch (err) {
    console.error('[verifications] audit write failed', entry.kind, entry.outcome, err)
  }
}
