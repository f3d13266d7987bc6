import type { SlotView } from '@shared/contracts/voucher'
import { DEFAULT_VOUCHER_GRACE_MS } from '@shared/domain/voucher'
import { msSetting } from '@server/settings'

/** Stored shapes of the vouchers room (database/schema.json). */

export const SLOTS = 'serviceSlots'
export const VOUCHERS = 'vouchers'

/** serviceSlots/<groupBuyId>-s<index>: one appointment slot; `left` moves only by conditional writes (never < 0). */
export interface SlotDoc {
  _id: string
  groupBuyId: string
  index: number
  startAt: number
  endAt: number
  capacity: number
  left: number
}

/** vouchers/<code>: the code space (keyed insert = no two orders share a code) and who may redeem it. */
export interface VoucherDoc {
  _id: string
  orderId: string
  groupBuyId: string
  providerId: string
  servingPointIds: string[]
  createdAt: number
}

export function slotIdFor(groupBuyId: string, index: number): string {
  return `${groupBuyId}-s${index}`
}

export function toSlotView(s: SlotDoc): SlotView {
  return { slotId: s._id, index: s.index, startAt: s.startAt, endAt: s.endAt, capacity: s.capacity, left: s.left }
}

/** 过期退's grace after a slot ends (VOUCHER_GRACE_MS, ms; default 2 h). */
export function voucherGraceMs(): number {
  return msSetting(process.env.VOUCHER_GRACE_MS, DEFAULT_VOUCHER_GRACE_MS)
}
