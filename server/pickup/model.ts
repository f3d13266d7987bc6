import type { ErrorCode } from '@shared/errors'
import type { StoredDeliverySettings } from '@server/delivery/model'

// The pickup room's stored shapes (database/schema.json): pickupCodes, pickupPoints and verifications.

/**
 * pickupCodes: keyed by the code itself, so a duplicate insert is a collision (codes are never reused). One
 * space for three kinds: an order's own code (kind absent), a proxy code for one order (代取, 'delegate') and a
 * resident's all-my-orders code at one point (一码提货, 'mine': no orderId, it expires).
 */
export interface PickupCodeDoc {
  _id: string
  kind?: 'delegate' | 'mine'
  orderId?: string
  pickupPointId: string
  /**
   * The resident the code belongs to: delegate and mine, and (#23) an order's own code, so pickup.verify reads the
   * clerk and the resident in one query. An erased resident's order codes are re-linked with their orders, not removed.
   */
  openid?: string
  /** 'mine' only. */
  expiresAt?: number
  createdAt: number
}

/** pickupPoints as stored (openingHours and contactPhone came with #22; absent on older points). */
export interface PickupPointDoc {
  _id: string
  name: string
  address: string
  storeName: string
  openingHours?: string | null
  contactPhone?: string | null
  handlingFeeFen?: number
  /** 配送到家 (#25): server/delivery/model.ts. */
  delivery?: StoredDeliverySettings | null
}

/** One line of the counter's audit log: every pickup or coupon attempt, whatever its outcome. */
export interface VerificationDoc {
  _id?: string
  /** voucher: a service's voucher redeemed by its provider (#25, server/vouchers/redeem.ts). */
  kind: 'pickup' | 'coupon' | 'voucher'
  /** What was typed or scanned; '' for a hand-over from the 待提货 list (nothing was typed). */
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
