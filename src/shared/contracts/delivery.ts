import { isVisibleText, VISIBLE_TEXT_MESSAGE } from '../domain/visible-text'
import { z } from 'zod'
import { epochMs, fen, id } from './common'
import type { StaffContactView } from '../domain/contact'
import {
  BUILDING_MAX,
  DELIVERY_BUILDINGS_MAX,
  DELIVERY_FEE_MAX_FEN,
  DELIVERY_SLOTS_MAX,
  deliverySettingsProblem,
  FULFILMENTS,
  ROOM_MAX,
  type DeliveryAddress,
  type DeliverySettings,
  type DeliverySlot,
} from '../domain/delivery'

/**
 * The pieces of 配送到家 (#25) several functions' contracts share: admin.setDelivery, groupBuy.join's delivery
 * fields, user.setContact's 楼栋/门牌, pickup.deliveryList. (Not a function of its own: each action's schema is in
 * its function's contract file and built from these.)
 */
export const building = z.string().trim().min(1).max(BUILDING_MAX).refine(isVisibleText, VISIBLE_TEXT_MESSAGE)
export const room = z.string().trim().min(1).max(ROOM_MAX).refine(isVisibleText, VISIBLE_TEXT_MESSAGE)
export const deliverySlot = z.object({ startAt: epochMs, endAt: epochMs }).strict()
export const fulfilment = z.enum(FULFILMENTS)

export const setDeliveryInput = z
  .object({
    pickupPointId: id,
    enabled: z.boolean(),
    feeFen: fen.max(DELIVERY_FEE_MAX_FEN),
    freeOverFen: fen.min(1).optional(),
    buildings: z.array(building).max(DELIVERY_BUILDINGS_MAX),
    slots: z.array(deliverySlot).max(DELIVERY_SLOTS_MAX),
  })
  .strict()
  .superRefine((v, ctx) => {
    const problem = deliverySettingsProblem({ ...v, freeOverFen: v.freeOverFen ?? null })
    if (problem) ctx.addIssue({ code: z.ZodIssueCode.custom, message: problem, path: ['slots'] })
  })

/** What residents of the point see (on the pickup point: the detail page's 配送到家 choice). Slots still open only. */
export type DeliveryTermsView = DeliverySettings

/** What a delivery order shows its owner and the order page: 配送 to building/room in the slot, and its fee. */
export type OrderDeliveryView = DeliveryAddress

/** One stop of a 配送单. */
export interface DeliveryStop {
  orderId: string
  groupBuyId: string
  title: string
  building: string
  room: string
  slotStartAt: number
  slotEndAt: number
  /** Still to hand over (served less any part already delivered). */
  leftQuantity: number
  servedQuantity: number
  maskedName: string
  /** 收货人 (称呼, phone tail, note): the list is only for the point's leader and clerks. */
  contact: StaffContactView | null
}

/** What a 配送到家 join adds to groupBuy.join (the join sheet's answer, passed on by the store). */
export interface JoinDelivery {
  fulfilment: 'DELIVERY'
  building: string
  room: string
  slot: DeliverySlot
}

export type { DeliverySlot }
