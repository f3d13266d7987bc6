import { z } from 'zod'
import { cursor, fileId, id, type Page } from './common'
import { RATING_IMAGES_MAX, RATING_TAG_LABELS, RATING_TEXT_MAX, type RatingTag, type TagCount } from '../domain/feedback'

const ratingFields = {
  orderId: id,
  stars: z.number().int().min(1).max(5),
  tags: z
    .array(z.enum(RATING_TAG_LABELS))
    .max(RATING_TAG_LABELS.length)
    .refine((t) => new Set(t).size === t.length, { message: '标签重复' })
    .optional(),
  text: z.string().trim().max(RATING_TEXT_MAX).optional(),
  images: z.array(fileId).max(RATING_IMAGES_MAX).optional(),
}

export const feedbackContract = {
  /** Rate a picked-up order of one's own, once. */
  rate: z.object(ratingFields).strict(),
  /** Replace one's rating within 24 h of giving it (never a second rating). */
  edit: z.object(ratingFields).strict(),
  /** My rating of an order (null if none yet). */
  mine: z.object({ orderId: id }).strict(),
  /** A group buy's ratings, names masked, newest first, with its aggregate. */
  listForGroupBuy: z.object({ groupBuyId: id, cursor: cursor.optional() }).strict(),
  /** The merchant's products with their ratings (one page of products, newest first). */
  myProducts: z.object({ cursor: cursor.optional() }).strict(),
  /** One product's feedback: overall, per pickup point, and its ratings. */
  forProduct: z.object({ productId: id, cursor: cursor.optional() }).strict(),
  /** The numbers of the product's last offer, shown when publishing its next one (为下次选品和营销提供依据). */
  lastRound: z.object({ productId: id }).strict(),
} as const

export interface RatingSummary {
  /** Average stars, one decimal; 0 when count is 0. */
  avg: number
  count: number
}

export interface RatingAggregateView extends RatingSummary {
  /** How many ratings gave each star value, index 0 = 1 star. */
  stars: [number, number, number, number, number]
  tagCounts: TagCount[]
}

/**
 * A rating as others see it (a group buy's or a product's list; the merchant's feedback): no order and no instant.
 * An order id or a to-the-millisecond time would join the words to a line of the merchant's ledger (跟团号, paid at)
 * or a row of a 接龙 list — what one resident said, linked to what they bought (found by an audit:
 * test/node/attacks-insight.test.ts).
 */
export interface RatingView {
  /** Opaque, for lists only (unique within an answer; not the order's or the rating's id). */
  key: string
  groupBuyId: string
  maskedName: string
  stars: number
  tags: RatingTag[]
  text: string
  images: string[]
  imageUrls: string[]
  /** The China day it was rated (its midnight, ms). */
  ratedOn: number
}

/** The resident's own rating: theirs to see in full. */
export interface MyRatingView extends RatingView {
  orderId: string
  createdAt: number
  updatedAt: number
  /** Until when it may still be edited. */
  editableUntil: number
}

export interface PointFeedbackView extends RatingAggregateView {
  pickupPointId: string
  name: string
}

export interface LastRoundView {
  offerId: string
  startAt: number
  endAt: number
  /** Units paid for across the offer's group buys. */
  sold: number
  groupBuys: number
  rating: RatingAggregateView
  topComplaints: TagCount[]
  /** Units paid for that did not arrive (signed off short), across the offer's group buys. */
  shortage: number
}

export interface FeedbackOutputs {
  rate: { rating: MyRatingView }
  edit: { rating: MyRatingView }
  mine: { rating: MyRatingView | null }
  listForGroupBuy: Page<RatingView> & { rating: RatingAggregateView }
  myProducts: Page<{ productId: string; name: string; rating: RatingAggregateView }>
  forProduct: { productId: string; rating: RatingAggregateView; points: PointFeedbackView[]; ratings: Page<RatingView> }
  lastRound: { lastRound: LastRoundView | null }
}
