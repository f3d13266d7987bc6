import { z } from 'zod'
import { cursor, id, type Page } from './common'
import type { ErrorCode } from '../errors'
import type { DeliveryStop } from './delivery'
import { PHONE_TAIL_PATTERN, type StaffContactView } from '../domain/contact'

/** 部分提货: how many to hand over now (absent = everything left on the order). */
const handQuantity = z.number().int().min(1).max(10_000)

/** 8 digits, exactly as shown to the resident (spaces and dashes are for display only; strip before sending). */
export const pickupCode = z.string().regex(/^\d{8}$/, 'must be 8 digits')

export const pickupContract = {
  /**
   * One code at the counter: an order's own code, a proxy code (代取) or a resident's all-my-orders code (一码提货).
   * `quantity` (own or proxy code only) hands over part of what is left; the rest stays READY_FOR_PICKUP.
   */
  verify: z.object({ code: pickupCode, quantity: handQuantity.optional() }).strict(),
  /** `phoneTail`: only orders whose resident's 收货人 phone ends in these 4 digits (the counter's 尾号 search). */
  today: z.object({ cursor: cursor.optional(), phoneTail: z.string().regex(PHONE_TAIL_PATTERN, 'must be 4 digits').optional() }).strict(),
  /** The clerk hands over an order found in 待提货 (by 跟团号 or 尾号), after checking the person: audited like a code. */
  handOver: z.object({ orderId: id, quantity: handQuantity.optional() }).strict(),
  /** 代取: the order's owner gets a one-time code for someone else to pick up with; a new one replaces the old. */
  delegate: z.object({ orderId: id }).strict(),
  revokeDelegate: z.object({ orderId: id }).strict(),
  /** 一码提货: one code for every READY order of the caller at this pickup point (expires; bound to the point). */
  myCode: z.object({ pickupPointId: id }).strict(),
  /** 催取: the leader reminds every resident still waiting to pick up this group buy's goods (once a day). */
  remind: z.object({ groupBuyId: id }).strict(),
  /** 配送单 (#25): the point's delivery orders waiting to be delivered, by building and room; 'csv' also writes a file. */
  deliveryList: z.object({ pickupPointId: id, format: z.enum(['json', 'csv']).optional() }).strict(),
} as const

export interface HandedOverOrder {
  orderId: string
  groupBuyId: string
  /** What to hand over now: the served quantity (less than ordered after a shortage), or the part asked for. */
  quantity: number
  /** What the resident ordered. */
  orderedQuantity: number
  /** Still to pick up after this hand-over (0 once PICKED_UP). */
  leftQuantity: number
  /** READY_FOR_PICKUP after a partial hand-over. */
  status: 'PICKED_UP' | 'READY_FOR_PICKUP'
  title: string
  /** 张** style: enough for the clerk to confirm the person at the counter. */
  maskedName: string
  /** 收货人 (the clerk works at this order's point). */
  contact: StaffContactView | null
}

/**
 * The first (for an order's own or proxy code, the only) order handed over, and the whole list: an
 * all-my-orders code hands over every READY order of its resident at the point, each with its quantity.
 */
export interface PickupVerifyOutput extends HandedOverOrder {
  orders: HandedOverOrder[]
  via: 'code' | 'delegate' | 'myCode' | 'list'
}

export interface PickupTodayItem {
  orderId: string
  groupBuyId: string
  title: string
  /** What was ordered. */
  quantity: number
  /** What to hand over after a shortage at arrival (≤ quantity). */
  servedQuantity: number
  /** Still to hand over (servedQuantity less any part already picked up). */
  leftQuantity: number
  /** 跟团号 within its group buy (null only for an order numbered by no count: one rolled over before numbers were kept). */
  seq: number | null
  maskedName: string
  /** 收货人: 称呼, phone tail, note (null when the resident gave none). */
  contact: StaffContactView | null
  readyAt: number
  pickupExpiresAt: number | null
}

/** One line of the verifications audit, as a clerk sees it (no codes: the log is not a code list). */
export interface VerificationView {
  /** voucher: a service's voucher redeemed at this store (#25). */
  kind: 'pickup' | 'coupon' | 'voucher'
  outcome: 'PICKED_UP' | 'HANDED_PART' | 'REDEEMED' | ErrorCode
  orderId: string | null
  couponId: string | null
  at: number
}

export interface PickupOutputs {
  verify: PickupVerifyOutput
  /**
   * Ready orders at the clerk's pickup point, newest first, paged. `recent` and `counts` come with the first
   * page only (no cursor): they are the header of the screen, not part of the list.
   */
  today: Page<PickupTodayItem> & {
    recent?: VerificationView[]
    counts?: { readyCount: number; pickedUpToday: number }
  }
  /** How many waiting residents were reminded now. */
  remind: { reminded: number }
  handOver: PickupVerifyOutput
  /** Stops in building, room (natural order) and slot order; `fileID`/`tempFileURL` with format 'csv' (UTF-8 with BOM). */
  deliveryList: { items: DeliveryStop[]; fileID?: string; tempFileURL?: string }
  /** The proxy code (8 digits, shown as text and QR) for whoever picks up; valid once, until revoked or the order's code expires. */
  delegate: { orderId: string; code: string; qrPayload: string }
  revokeDelegate: { orderId: string; revoked: boolean }
  /** `orders`: how many READY orders the code would hand over right now. */
  myCode: { code: string; qrPayload: string; pickupPointId: string; expiresAt: number; orders: number }
}
