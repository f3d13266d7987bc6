/**
 * 服务券: local services (家政, 维修, 宠物护理) sold as vouchers for an appointment slot. Pure rules shared by the
 * `voucher` function, the join of a service group buy and the client: when a slot can be booked, a voucher
 * redeemed, cancelled (随时退) or moved to another slot, and when an unredeemed one is refunded (过期退).
 */
import { ERROR_CODES, type ErrorCode } from '../errors'

/** What a product is: goods shipped to the pickup point (every product before #25), or a service done by appointment. */
export const PRODUCT_KINDS = ['GOODS', 'SERVICE'] as const
export type ProductKind = (typeof PRODUCT_KINDS)[number]

/** The service categories the feed's 服务 section knows (free text is refused so the section can group by them). */
export const SERVICE_CATEGORIES = ['家政', '维修', '宠物护理'] as const

/** Voucher codes: 10 digits, a space of their own (`vouchers`), never a pickup code (8 digits). */
export const VOUCHER_CODE_LENGTH = 10
export const VOUCHER_CODE_PATTERN = /^\d{10}$/

export function isVoucherCodeFormat(code: string): boolean {
  return VOUCHER_CODE_PATTERN.test(code)
}

/** 过期退: an unredeemed voucher is refunded once its slot ended this long ago (VOUCHER_GRACE_MS overrides it). */
export const DEFAULT_VOUCHER_GRACE_MS = 2 * 3600_000

/** A service group buy has 1…20 slots, each at most a day long, 1…500 places. */
export const MAX_SLOTS = 20
export const MAX_SLOT_MS = 24 * 3600_000
export const MAX_SLOT_CAPACITY = 500

export interface SlotTerms {
  startAt: number
  endAt: number
  capacity: number
}

/** The problem with a service's slot table (in Chinese, for the form), or null. Slots must not overlap. */
export function slotsProblem(slots: readonly SlotTerms[]): string | null {
  if (slots.length < 1 || slots.length > MAX_SLOTS) return `预约时段需 1–${MAX_SLOTS} 个`
  const sorted = [...slots].sort((a, b) => a.startAt - b.startAt)
  for (let i = 0; i < sorted.length; i++) {
    const s = sorted[i]
    if (s.endAt <= s.startAt) return '时段的结束时间必须晚于开始时间'
    if (s.endAt - s.startAt > MAX_SLOT_MS) return '单个时段不能超过 24 小时'
    if (i > 0 && s.startAt < sorted[i - 1].endAt) return '预约时段不能重叠'
  }
  return null
}

/** A slot as stored (`serviceSlots`): its terms and the places left (moved only by conditional writes). */
export interface SlotState extends SlotTerms {
  slotId: string
  index: number
  left: number
}

/** Booking or moving into a slot: it must not have started, and must have room for `quantity`. */
export function decideSlot(slot: Pick<SlotState, 'startAt' | 'left'>, quantity: number, now: number): ErrorCode | null {
  if (now >= slot.startAt) return ERROR_CODES.VOUCHER_SLOT_STARTED
  if (slot.left < quantity) return ERROR_CODES.VOUCHER_SLOT_FULL
  return null
}

/** The voucher's part of a service order (server/docs.ts OrderDoc). */
export interface VoucherState {
  status: string
  voucherCode?: string | null
  slotStartAt?: number
  voucherExpiresAt?: number | null
  voucherCancelledAt?: number | null
}

/** Until when an unredeemed voucher of a slot ending at `slotEndAt` is still good. */
export function voucherExpiresAtFor(slotEndAt: number, graceMs: number): number {
  return slotEndAt + graceMs
}

/** Why a voucher cannot be redeemed now, or null: redeemed once; not after its cancel or its expiry. */
export function decideRedeem(o: VoucherState, now: number): ErrorCode | null {
  if (o.status === 'PICKED_UP') return ERROR_CODES.VOUCHER_ALREADY_REDEEMED
  if (o.status !== 'PAID' || !o.voucherCode || o.voucherCancelledAt) return ERROR_CODES.VOUCHER_NOT_VALID
  if (o.voucherExpiresAt == null || now >= o.voucherExpiresAt) return ERROR_CODES.VOUCHER_EXPIRED
  return null
}

/** 随时退 and 改约 both need an issued, unredeemed, uncancelled voucher whose slot has not started. */
export function decideChange(o: VoucherState, now: number): ErrorCode | null {
  if (o.status === 'PICKED_UP') return ERROR_CODES.VOUCHER_ALREADY_REDEEMED
  if (o.status !== 'PAID' || !o.voucherCode || o.voucherCancelledAt) return ERROR_CODES.VOUCHER_NOT_VALID
  if (o.slotStartAt === undefined || now >= o.slotStartAt) return ERROR_CODES.VOUCHER_SLOT_STARTED
  return null
}

/** What the resident's order page shows of a voucher. */
export type VoucherViewState = 'PENDING' | 'VALID' | 'REDEEMED' | 'CANCELLED' | 'EXPIRED'

export function voucherViewState(o: VoucherState, now: number): VoucherViewState {
  if (o.status === 'PICKED_UP') return 'REDEEMED'
  if (o.voucherCancelledAt) return 'CANCELLED'
  if (o.status === 'PENDING_PAYMENT' || (o.status === 'PAID' && !o.voucherCode)) return 'PENDING'
  if (o.status === 'PAID' && o.voucherExpiresAt != null && now < o.voucherExpiresAt) return 'VALID'
  if (o.status === 'PAID' || o.status === 'REFUNDING' || o.status === 'REFUNDED') return o.voucherCode ? 'EXPIRED' : 'CANCELLED'
  return 'CANCELLED'
}

/** The QR payload of a voucher: the code itself (the provider's scanner reads it as typed). */
export function voucherQrPayload(code: string): string {
  return code
}

/** The resident's voucher on an order of a service (OrderView.voucher). */
export interface VoucherView {
  state: VoucherViewState
  /** Only once paid and issued (VALID, REDEEMED, EXPIRED). */
  code: string | null
  /** The QR payload (the code), null with the code. */
  qrPayload: string | null
  slotId: string
  slotStartAt: number
  slotEndAt: number
  /** After this an unredeemed voucher is refunded (slot end + VOUCHER_GRACE_MS); null until issued. */
  expiresAt: number | null
  redeemedAt: number | null
  cancelledAt: number | null
}

/** A stored service order's voucher fields, as the owner sees them (the code only once paid and issued). */
export function toVoucherView(
  o: VoucherState & { slotId?: string; slotEndAt?: number; pickedUpAt: number | null },
  now: number,
): VoucherView {
  const state = voucherViewState(o, now)
  const showCode = state === 'VALID' || state === 'REDEEMED' || state === 'EXPIRED'
  const code = showCode ? (o.voucherCode ?? null) : null
  return {
    state, code, qrPayload: code ? voucherQrPayload(code) : null, slotId: o.slotId ?? '', slotStartAt: o.slotStartAt ?? 0, slotEndAt: o.slotEndAt ?? 0,
    expiresAt: o.voucherExpiresAt ?? null, redeemedAt: o.status === 'PICKED_UP' ? o.pickedUpAt : null, cancelledAt: o.voucherCancelledAt ?? null,
  }
}
