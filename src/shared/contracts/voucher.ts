import { z } from 'zod'
import { MAX_SLOT_CAPACITY, MAX_SLOTS, slotsProblem, VOUCHER_CODE_PATTERN, type VoucherViewState } from '../domain/voucher'
import { epochMs, fen, id, shortText } from './common'
import { slotRef, type GroupBuyView } from './group-buy'

/** 10 digits, exactly as shown to the resident (spaces are for display only; strip before sending). */
export const voucherCode = z.string().regex(VOUCHER_CODE_PATTERN, 'must be 10 digits')

const slot = z.object({ startAt: epochMs, endAt: epochMs, capacity: z.number().int().min(1).max(MAX_SLOT_CAPACITY) }).strict()

const oneSlot = (v: { slotIndex?: number; slotId?: string }) => (v.slotIndex === undefined) !== (v.slotId === undefined)
const ONE_SLOT = '请选择一个预约时段（slotIndex 或 slotId 二选一）'

export const voucherContract = {
  /**
   * The provider (the merchant owning a SERVICE product) opens a group buy of it at one of the pickup points the
   * service serves: appointment slots with a capacity each instead of stock. Joins close when the last slot
   * starts unless `endAt` says earlier.
   */
  publish: z
    .object({
      productId: id,
      pickupPointId: id,
      priceFen: fen.min(1),
      originalPriceFen: fen.optional(),
      title: shortText(60).optional(),
      slots: z.array(slot).min(1).max(MAX_SLOTS),
      minParticipants: z.number().int().min(1).max(10_000).optional(),
      limitPerUser: z.number().int().min(1).max(99).optional(),
      startAt: epochMs.optional(),
      endAt: epochMs.optional(),
    })
    .strict()
    .superRefine((v, ctx) => {
      const problem = slotsProblem(v.slots)
      if (problem) ctx.addIssue({ code: z.ZodIssueCode.custom, message: problem, path: ['slots'] })
    }),
  /** The slots of a service group buy with the places left (the join's slot picker). */
  slots: z.object({ groupBuyId: id }).strict(),
  /** 服务: the open service group buys at a pickup point (the feed's 服务 section). */
  services: z.object({ pickupPointId: id }).strict(),
  /** The provider (merchant owning the service, or a clerk bound to a store serving it) redeems at the appointment. */
  redeem: z.object({ code: voucherCode }).strict(),
  /** 随时退: the resident gives an unredeemed voucher back for a full refund, until its slot starts. */
  cancel: z.object({ orderId: id }).strict(),
  /** 改约: the resident moves an unredeemed voucher to another slot with room, before either starts. */
  reschedule: z.object({ orderId: id, ...slotRef }).strict().refine(oneSlot, { message: ONE_SLOT, path: ['slotIndex'] }),
  /** Today's appointments (Beijing day) of the caller: a merchant's services, or a clerk's store. */
  today: z.object({}).strict(),
} as const

export interface SlotView {
  slotId: string
  index: number
  startAt: number
  endAt: number
  capacity: number
  left: number
}

/** A service group buy as the feed's 服务 section shows it. */
export interface ServiceView extends GroupBuyView {
  kind: 'SERVICE'
  productId: string
  category: string
  durationMinutes: number
  serviceArea: string
  /** The earliest slot not started yet with places left (null: fully booked or over). */
  nextSlot: SlotView | null
}

export type { VoucherView } from '../domain/voucher'

/** One appointment in the provider's 今日预约 list. */
export interface AppointmentView {
  orderId: string
  groupBuyId: string
  title: string
  quantity: number
  slotStartAt: number
  slotEndAt: number
  maskedName: string
  /** VALID: waiting to be redeemed; REDEEMED: done; EXPIRED/CANCELLED for the record. */
  state: VoucherViewState
  redeemedAt: number | null
}

export interface RedeemedView {
  orderId: string
  groupBuyId: string
  title: string
  quantity: number
  slotStartAt: number
  slotEndAt: number
  maskedName: string
  redeemedAt: number
}

export interface VoucherOutputs {
  publish: { groupBuyId: string; slots: SlotView[] }
  slots: { groupBuyId: string; durationMinutes: number; slots: SlotView[] }
  services: { items: ServiceView[] }
  redeem: RedeemedView
  cancel: { orderId: string; status: 'REFUNDING'; refundFen: number }
  reschedule: { orderId: string; slot: SlotView }
  today: { items: AppointmentView[] }
}
