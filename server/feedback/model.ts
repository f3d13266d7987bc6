import type { RatingTag, RatingTotals } from '@shared/domain/feedback'

// The feedback room's stored shapes (database/schema.json): ratings and ratingStats.

/**
 * 数据反馈: one rating per picked-up order (`ratings/<ratingIdFor(orderId)>`, so a double tap is a duplicate
 * insert) and aggregates per scope in `ratingStats`, moved only by the increments of a rating's own state
 * change: the insert (won once) adds it, an edit (a write conditional on the rating's `rev`, won once per rev)
 * moves it from its old content to its new. A recount of the ratings (recountTotals) gives the same numbers.
 */
export interface RatingDoc {
  _id: string
  orderId: string
  openid: string
  nickname: string | null
  groupBuyId: string
  pickupPointId: string
  /** 帮卖 group buys: the offer, its product and merchant (null on a leader's own group buy). */
  offerId: string | null
  productId: string | null
  merchantId: string | null
  stars: number
  tags: RatingTag[]
  /** Absent once its author was erased (user.deleteMe). */
  text?: string
  /** When its author was erased (user.deleteMe): shown as 已注销用户 from then on. */
  erasedAt?: number
  images?: string[]
  /** Bumped by every edit (the edit's conditional write is on it). */
  rev: number
  /** The rev whose content the aggregates count; below rev only while an insert or edit is being applied. */
  appliedRev: number
  /** When the current rev was written, until its increments are applied (then 0): how settle finds a call cut off halfway. */
  pendingSince: number
  createdAt: number
  updatedAt: number
}

export interface RatingStatsDoc extends RatingTotals {
  _id: string
  /** +1 with every change, so a heal writes only over exactly the numbers it checked. */
  version: number
  scope: RatingScope
  groupBuyId: string | null
  offerId: string | null
  productId: string | null
  pickupPointId: string | null
  updatedAt: number
}

export type RatingScope = 'groupBuy' | 'offer' | 'product' | 'productPoint'

