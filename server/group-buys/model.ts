import type { BuyerDays, RefundsByDay, SalesByDay } from '@shared/domain/insight'
import type { Role } from '@shared/contracts/common'
import type { GroupBuyView } from '@shared/contracts/group-buy'
import { type StoredGroupBuyStatus, effectiveStatus } from '@shared/domain/group-buy'
import type { PriceTier } from '@shared/domain/price-tiers'
import type { ArrivalLine } from '@shared/domain/supply'

// The group-buys room's stored shapes (database/schema.json): groupBuys, participations, arrivals and shareCodes.

export interface GroupBuyDoc {
  _id: string
  title: string
  description: string
  images: string[]
  unit: string
  priceFen: number
  originalPriceFen: number | null
  stock: number
  /** stock - reserved (unpaid) - sold (paid); never below zero, guarded by every conditional write. */
  stockLeft: number
  reservedQuantity: number
  soldQuantity: number
  minParticipants: number
  /** Distinct residents with at least one paid order. */
  paidParticipants: number
  /** The last 跟团号 given (server/group-buys/join-order.ts); absent on group buys from before the counter. */
  paidSeq?: number
  limitPerUser: number
  startAt: number
  endAt: number
  pickupPointId: string
  creatorOpenid: string
  creatorRole: Role
  status: StoredGroupBuyStatus
  createdAt: number
  succeededAt: number | null
  /** false between 成团 and the end of its messages (settle re-sends, keyed, what a crash cut off). */
  succeededNotified?: boolean
  /** When its orders were settled (unpaid cancelled, refunds requested) after it ended; 0 until then (an
   * indexable value, unlike null, so the settle timer finds the unsettled ones without scanning the rest). */
  settledAt: number
  arrivedAt: number | null
  /** 帮卖: the supply offer this group buy sells, and that offer's merchant (absent on a leader's own). */
  offerId?: string | null
  merchantId?: string | null
  /** The offer's supply price per unit, fixed when the leader opened the group buy. */
  supplyPriceFen?: number | null
  /** The offer's commission for the leader, in basis points of each sale, fixed when the group buy opened. */
  commissionBp?: number | null
  /**
   * The store's handling fee per order (分), as the pickup point charged it when the group buy opened (#23): the
   * sale's split uses it, so a fee changed mid-sale moves neither a sale's shares nor the floor its price was
   * checked against, and a payment need not read the point. Absent on older group buys (the point's is read).
   */
  handlingFeeFen?: number
  /** What the leader signed off as arrived (absent/null until then). */
  receivedQuantity?: number | null
  /** Set with arrivedAt: less arrived than was paid for (late payers are then refunded, not served). */
  arrivalShort?: boolean
  /** Unsold units handed back to the offer when the group buy ended (set once). */
  offerReturnedAt?: number | null
  /** 提货时间 (absent/null = none given). */
  pickupStartAt?: number | null
  pickupEndAt?: number | null
  /** 提货时间 reminders walked (server/pickup/reminders.ts): the window's start, and its last call. */
  windowStartRemindedAt?: number
  lastCallRemindedAt?: number
  /** 截团: when its leader (or the admin) ended it early, and who; endAt was moved to that instant. */
  closedEarlyAt?: number | null
  closedBy?: string | null
  /** 阶梯价 (absent/null = one price); the first tier is priceFen. */
  priceTiers?: PriceTier[] | null
  /** The tier reached by the units paid by the end, decided once with 成团 (absent until then). */
  finalPriceFen?: number | null
  /** Per China day: what was paid in it and what of it was refunded (#23 rollups; @shared/domain/insight). */
  salesByDay?: SalesByDay
  refundsByDay?: RefundsByDay
  /**
   * #25 服务: absent = GOODS. A SERVICE group buy (voucher.publish) sells vouchers for appointment slots
   * (`serviceSlots`, server/vouchers/): no purchase order, no arrival; stock = the slots' capacities.
   */
  kind?: 'GOODS' | 'SERVICE'
  productId?: string
  /** The provider: the merchant owning the service. */
  providerId?: string
  category?: string
  durationMinutes?: number
  /** The stores whose clerks may redeem its vouchers (the product's servingPointIds). */
  servingPointIds?: string[]
  serviceArea?: string
  /** The slot table as published (places left live in `serviceSlots`). */
  slots?: { slotId: string; startAt: number; endAt: number; capacity: number }[]
}

export interface ParticipationDoc {
  _id: string
  groupBuyId: string
  openid: string
  /** Quantity of this person's live orders, the per-person limit's tally. */
  quantity: number
  paidOrders: number
  /** The repeat rate's rollup (#23): this buyer's orders in the group buy per China day paid, moved by the payment's count (server/insight/buyer-days.ts). */
  paidDays?: BuyerDays
  /** The order whose join made this participation, until another order of the buyer is counted here (first-payer.ts). */
  madeBy?: string
  /** When that join made it (first-payer.ts: a count waits for the order it names, not longer than a join runs). */
  madeAt?: number
}

/** `urls` maps the doc's image ids to temp URLs (server/storage/files.ts tempUrls). */
export function toGroupBuyView(doc: GroupBuyDoc, now: number, urls: ReadonlyMap<string, string>): GroupBuyView {
  return {
    groupBuyId: doc._id,
    title: doc.title,
    description: doc.description,
    images: doc.images,
    unit: doc.unit,
    priceFen: doc.priceFen,
    originalPriceFen: doc.originalPriceFen,
    stock: doc.stock,
    stockLeft: doc.stockLeft,
    minParticipants: doc.minParticipants,
    paidParticipants: doc.paidParticipants,
    limitPerUser: doc.limitPerUser,
    startAt: doc.startAt,
    endAt: doc.endAt,
    pickupPointId: doc.pickupPointId,
    status: effectiveStatus(doc, now),
    createdAt: doc.createdAt,
    arrivedAt: doc.arrivedAt,
    imageUrls: doc.images.map((i) => urls.get(i) ?? ''),
    offerId: doc.offerId ?? null,
    merchantId: doc.merchantId ?? null,
    pickupStartAt: doc.pickupStartAt ?? null,
    pickupEndAt: doc.pickupEndAt ?? null,
    priceTiers: doc.priceTiers ?? null,
    paidQuantity: doc.soldQuantity,
    finalPriceFen: doc.finalPriceFen ?? null,
    ...(doc.kind === 'SERVICE' ? { kind: 'SERVICE' as const, durationMinutes: doc.durationMinutes } : {}),
  }
}

/**
 * What one sign-off decided, stored once per group buy (arrivals/<groupBuyId>): the first call's received
 * quantity and the plan over the orders paid at that moment. Every later or concurrent call carries out the
 * same plan — each step is a conditional write or a keyed insert — so repeats change nothing and a call cut
 * off halfway is finished by the next one.
 */
export interface ArrivalDoc {
  _id: string
  receivedQuantity: number
  paidQuantity: number
  lines: ArrivalLine[]
  createdAt: number
  /** 0 until a sign-off carried the plan out to the end; settle carries out a plan a crash cut off (finishInterruptedArrivals). */
  finishedAt?: number
}

/** shareCodes/<scene>: one per group buy, the mini-program code of its poster and whom it attributes joins to. */
export interface ShareCodeDoc {
  _id: string
  groupBuyId: string
  /** The leader whose poster it is (referrerLeader on the orders it brings). */
  leaderOpenid: string
  fileID: string
  createdAt: number
}
