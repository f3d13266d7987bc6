import { z } from 'zod'
import { cursor, type Page } from './common'
import type { ErrorCode } from '../errors'

/** 8 digits, exactly as shown to the resident (spaces and dashes are for display only; strip before sending). */
export const pickupCode = z.string().regex(/^\d{8}$/, 'must be 8 digits')

export const pickupContract = {
  verify: z.object({ code: pickupCode }).strict(),
  today: z.object({ cursor: cursor.optional() }).strict(),
} as const

export interface PickupVerifyOutput {
  orderId: string
  groupBuyId: string
  /** What to hand over: the served quantity (less than ordered after a shortage at arrival). */
  quantity: number
  /** What the resident ordered. */
  orderedQuantity: number
  status: 'PICKED_UP'
  title: string
  /** 张** style: enough for the clerk to confirm the person at the counter. */
  maskedName: string
}

export interface PickupTodayItem {
  orderId: string
  groupBuyId: string
  title: string
  quantity: number
  maskedName: string
  readyAt: number
  pickupExpiresAt: number | null
}

/** One line of the verifications audit, as a clerk sees it (no codes: the log is not a code list). */
export interface VerificationView {
  kind: 'pickup' | 'coupon'
  outcome: 'PICKED_UP' | 'REDEEMED' | ErrorCode
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
}
