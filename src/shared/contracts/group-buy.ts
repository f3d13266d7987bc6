import { z } from 'zod'
import type { StaffContactView } from '../domain/contact'
import { ON_FAIL_CHOICES } from '../domain/on-fail'
import { isPickupWindow } from '../domain/pickup'
import { canReachMinimum, MINIMUM_MESSAGE, PICKUP_AFTER_END_MESSAGE, pickupWindowOutlastsEnd } from '../domain/group-buy-terms'
import { MAX_TIERS, MIN_TIERS, priceTiersProblem, type PriceTier } from '../domain/price-tiers'
import { SHARE_SCENE_PATTERN } from '../domain/share-code'
import { building, deliverySlot, fulfilment, room } from './delivery'
import { cursor, epochMs, fen, id, pageLimit, PICKUP_WINDOW_MESSAGE, pickupWindowFields, requestId, shortText, type Page, type PickupPlaceView } from './common'

/** A poster code's scene (groupBuy.shareCode issues them; src/shared/domain/share-code.ts). */
export const scene = z.string().regex(SHARE_SCENE_PATTERN, 'must be a scene from groupBuy.shareCode')

export { ON_FAIL_CHOICES, type OnFail } from '../domain/on-fail'

export const GROUP_BUY_STATUSES = ['UPCOMING', 'OPEN', 'SUCCEEDED', 'CLOSED', 'FAILED'] as const
export type GroupBuyStatus = (typeof GROUP_BUY_STATUSES)[number]

/** 阶梯价: 2–5 tiers, the first from 1 unit at the group buy's priceFen, quantities rising, prices falling. */
const priceTiers = z.array(z.object({ minQuantity: z.number().int().min(1).max(1_000_000), priceFen: fen.min(1) }).strict()).min(MIN_TIERS).max(MAX_TIERS)

/** The tier table's own rule, as a refinement of an input carrying priceFen and priceTiers. */
function tiersFit(v: { priceFen: number; priceTiers?: PriceTier[] }, ctx: z.RefinementCtx) {
  const problem = v.priceTiers ? priceTiersProblem(v.priceTiers, v.priceFen) : null
  if (problem) ctx.addIssue({ code: z.ZodIssueCode.custom, message: problem, path: ['priceTiers'] })
}

const createInput = z
  .object({
    title: shortText(60),
    description: z.string().max(2000).optional(),
    images: z.array(z.string().min(1).max(500)).max(9).optional(),
    unit: z.string().trim().min(1).max(8).optional(),
    priceFen: fen.min(1),
    originalPriceFen: fen.optional(),
    stock: z.number().int().min(1).max(1_000_000),
    minParticipants: z.number().int().min(1).max(10_000),
    limitPerUser: z.number().int().min(1).max(999),
    startAt: epochMs,
    endAt: epochMs,
    pickupPointId: id,
    ...pickupWindowFields,
    priceTiers: priceTiers.optional(),
  })
  .strict()
  .superRefine(tiersFit)
  .refine((v) => v.endAt > v.startAt, { message: '结束时间必须晚于开始时间', path: ['endAt'] })
  .refine(isPickupWindow, { message: PICKUP_WINDOW_MESSAGE, path: ['pickupEndAt'] })
  .refine((v) => v.originalPriceFen === undefined || v.originalPriceFen >= v.priceFen, {
    message: '原价不能低于团购价',
    path: ['originalPriceFen'],
  })
  .refine((v) => v.limitPerUser <= v.stock, { message: '每人限购不能超过库存', path: ['limitPerUser'] })
  .refine(canReachMinimum, { message: MINIMUM_MESSAGE, path: ['minParticipants'] })
  .refine((v) => pickupWindowOutlastsEnd(v, v.endAt), { message: PICKUP_AFTER_END_MESSAGE, path: ['pickupEndAt'] })

export type CreateGroupBuyInput = z.infer<typeof createInput>

/** A service's appointment slot, by its position in the group buy's table (0-based) or by its id (voucher.slots). */
export const slotRef = { slotIndex: z.number().int().min(0).max(19).optional(), slotId: id.optional() }

export const groupBuyContract = {
  create: createInput,
  list: z
    .object({ pickupPointId: id, cursor: cursor.optional(), limit: pageLimit.optional(), sort: z.enum(['newest', 'endingSoon']).optional() })
    .strict(),
  /** By id, or by the scene of a poster's code (the detail page opened from a poster). */
  get: z.union([z.object({ groupBuyId: id }).strict(), z.object({ scene }).strict()]),
  /** `scene`: the poster code the resident came from; the order is attributed to its leader (referrerLeader). */
  /** #25: a SERVICE group buy's join books one slot (`slotIndex` or `slotId`, exactly one); goods joins name none. */
  join: z
    .object({
      groupBuyId: id, quantity: z.number().int().min(1).max(999), requestId, scene: scene.optional(), onFail: z.enum(ON_FAIL_CHOICES).optional(), ...slotRef,
      /** 配送到家 (#25): absent = PICKUP. DELIVERY needs a slot; building and room default to the resident's 收货人. */
      fulfilment: fulfilment.optional(), building: building.optional(), room: room.optional(), slot: deliverySlot.optional(),
    })
    .strict()
    .refine((v) => v.fulfilment === 'DELIVERY' || (v.building === undefined && v.room === undefined && v.slot === undefined), { message: 'building, room and slot are for delivery', path: ['fulfilment'] })
    .refine((v) => v.fulfilment !== 'DELIVERY' || v.slot !== undefined, { message: '请选择配送时段', path: ['slot'] })
    .refine((v) => (v.building === undefined) === (v.room === undefined), { message: '楼栋和门牌需同时填写', path: ['room'] })
    // A held order moves to the leader's next group, which may be at a point that does not deliver (or not there).
    // A service (a slot booked) is redeemed by its provider, never delivered.
    .refine((v) => v.fulfilment !== 'DELIVERY' || (v.slotIndex === undefined && v.slotId === undefined), { message: '服务不能配送到家', path: ['fulfilment'] })
    .refine((v) => v.fulfilment !== 'DELIVERY' || v.onFail !== 'ROLL_OVER', { message: '配送订单不能保留到下一团', path: ['onFail'] }),
  listMine: z.object({ cursor: cursor.optional() }).strict(),
  participants: z.object({ groupBuyId: id, cursor: cursor.optional() }).strict(),
  /** receivedQuantity absent = everything paid for arrived. */
  markArrived: z.object({ groupBuyId: id, receivedQuantity: z.number().int().min(0).max(1_000_000).optional() }).strict(),
  /** 帮卖: a leader sells a merchant's supply offer at their own pickup point. */
  createFromOffer: z
    .object({
      offerId: id,
      priceFen: fen.min(1),
      stock: z.number().int().min(1).max(1_000_000),
      minParticipants: z.number().int().min(1).max(10_000),
      limitPerUser: z.number().int().min(1).max(999),
      startAt: epochMs.optional(),
      endAt: epochMs.optional(),
      priceTiers: priceTiers.optional(),
      /** Absent = the offer's default 提货时间 (if it has one). */
      ...pickupWindowFields,
    })
    .strict()
    .superRefine(tiersFit)
    .refine(isPickupWindow, { message: PICKUP_WINDOW_MESSAGE, path: ['pickupEndAt'] })
    .refine((v) => v.limitPerUser <= v.stock, { message: '每人限购不能超过库存', path: ['limitPerUser'] })
    .refine(canReachMinimum, { message: MINIMUM_MESSAGE, path: ['minParticipants'] })
    .refine((v) => v.endAt === undefined || pickupWindowOutlastsEnd(v, v.endAt), { message: PICKUP_AFTER_END_MESSAGE, path: ['pickupEndAt'] })
    .refine((v) => v.startAt === undefined || v.endAt === undefined || v.endAt > v.startAt, { message: '结束时间必须晚于开始时间', path: ['endAt'] }),
  pickList: z.object({ groupBuyId: id, format: z.enum(['json', 'csv']).optional() }).strict(),
  /** The poster's mini-program code (its leader). */
  shareCode: z.object({ groupBuyId: id }).strict(),
  /** 截团: its leader (or the admin) ends the group buy now; it settles exactly as its end time would. */
  close: z.object({ groupBuyId: id }).strict(),
} as const

export interface GroupBuyView {
  groupBuyId: string
  title: string
  description: string
  images: string[]
  unit: string
  priceFen: number
  originalPriceFen: number | null
  stock: number
  stockLeft: number
  minParticipants: number
  paidParticipants: number
  limitPerUser: number
  startAt: number
  endAt: number
  pickupPointId: string
  status: GroupBuyStatus
  createdAt: number
  arrivedAt: number | null
  /** Temporary URLs for `images` (cloud:// ids are turned into http URLs the client can show). */
  imageUrls: string[]
  /** Set on group buys sold from a merchant's supply offer (帮卖). */
  offerId: string | null
  merchantId: string | null
  /** 提货时间 (null when the group buy has none). */
  pickupStartAt?: number | null
  pickupEndAt?: number | null
  // The three below are always sent; optional so views built before tiers (fixtures) still type.
  /** 阶梯价 (null = one price): residents pay the first tier; the tier reached by paidQuantity is the final price. */
  priceTiers?: PriceTier[] | null
  /** Units paid for so far (what the tiers count). */
  paidQuantity?: number
  /** Set once when a tiered group buy ends 成团: the tier reached by what was paid by its end. */
  finalPriceFen?: number | null
  /** #25: SERVICE = sold as vouchers for appointment slots (voucher.slots); absent on goods. */
  kind?: 'SERVICE'
  durationMinutes?: number
}

/** What WeChat Pay's sheet needs (wx.requestPayment); in local mode the simulator's equivalent. */
export interface PaymentParams {
  timeStamp: string
  nonceStr: string
  package: string
  signType: string
  paySign: string
}

export interface ParticipantView {
  /** 跟团号: the number the order was counted with (payment order, group-buys/join-order.ts); null while unpaid. */
  seq: number | null
  maskedName: string
  quantity: number
  /** What is (or will be) handed over: less than quantity after a shortage, 0 once refunded in full (always sent). */
  servedQuantity?: number
  status: string
  createdAt: number
  /** 收货人, only for the leader and clerks of the group buy's pickup point (null otherwise or when none given). */
  contact?: StaffContactView | null
  /** Joined through the leader's poster code (the order's referrerLeader is this group buy's leader): 来自海报. */
  fromPoster: boolean
}

/** What a poster prints besides the group buy: the leader's 称呼 and the pickup point. */
export interface SharePosterText {
  leaderName: string
  pickupPointName: string
  pickupPointAddress: string
}

export interface PickListItem {
  /** 跟团号 (null only for an order numbered by no count: one rolled over before numbers were kept) */
  seq: number | null
  maskedName: string
  quantity: number
  /** What will be handed over (less than quantity after a shortage; 0 if refunded in full). */
  servedQuantity: number
  status: string
  /** 收货人, only for the leader and clerks of the group buy's pickup point. */
  contact?: StaffContactView | null
}

export interface GroupBuyOutputs {
  create: { groupBuyId: string }
  list: Page<GroupBuyView>
  /** `rating`: residents' stars after pickup (feedback.rate); optional so older fixtures still type. */
  /** `pickupPoint`: 自提点, address, opening hours and contact phone (null if the point was removed). */
  get: { groupBuy: GroupBuyView & { myQuantity: number; rating?: { avg: number; count: number }; pickupPoint?: PickupPlaceView | null } }
  join: { orderId: string; status: 'PENDING_PAYMENT'; payment: PaymentParams; amountFen: number; expiresAt: number }
  listMine: Page<GroupBuyView>
  participants: Page<ParticipantView>
  markArrived: { readyOrders: number; shortOrders: number; refundedFen: number }
  createFromOffer: { groupBuyId: string }
  pickList: { items: PickListItem[]; fileID?: string; tempFileURL?: string }
  /**
   * The outcome (the same for every concurrent or repeated call): CLOSED (成团, ready for 确认到货) or FAILED (refunds
   * requested). `closedNow`: this call moved the end time; `settled`: unpaid holds cancelled, refunds requested
   * and (帮卖) unsold units handed back — false only when more is left than one call does (the timer finishes).
   */
  close: { groupBuyId: string; status: 'CLOSED' | 'FAILED'; endAt: number; closedNow: boolean; settled: boolean }
  /** The code's PNG in cloud storage (made once per group buy), a temp URL for it, and the scene it carries. */
  shareCode: { fileID: string; tempFileURL: string; scene: string; poster: SharePosterText }
}
