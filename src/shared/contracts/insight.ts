import { z } from 'zod'
import { epochMs, id, shortText } from './common'

/**
 * An audience is a rule, never a list (精准推送 without exposing anyone). Only residents who consented to
 * marketing are ever inside one; see src/shared/domain/insight.ts for what each rule means.
 */
export const audience = z
  .object({
    pickupPointIds: z.array(id).min(1).max(50).optional(),
    boughtCategories: z.array(shortText(20)).min(1).max(20).optional(),
    withinDays: z.number().int().min(1).max(366).optional(),
    minOrders: z.number().int().min(1).max(1000).optional(),
    minLevel: z.number().int().min(0).max(100).optional(),
  })
  .strict()

/** The longest range a dashboard covers. */
export const MAX_DASHBOARD_DAYS = 366

export const insightContract = {
  dashboard: z
    .object({ from: epochMs, to: epochMs })
    .strict()
    .refine((v) => v.to > v.from, { message: '结束时间必须晚于开始时间', path: ['to'] })
    .refine((v) => v.to - v.from <= MAX_DASHBOARD_DAYS * 86_400_000, { message: '最长一年', path: ['to'] }),
  audienceSize: z.object({ audience }).strict(),
} as const

export interface DashboardDay {
  /** China time (UTC+8). */
  day: string
  /** Orders paid that day. */
  orders: number
  units: number
  salesFen: number
  /** Refunds confirmed that day (full and partial, any cause). */
  refundsFen: number
}

export interface DashboardPoint {
  pickupPointId: string
  name: string
  units: number
  salesFen: number
  /** Succeeded / ended group buys that ended in the range; null when none ended. */
  fillRate: number | null
  /** Paid units that did not arrive (short arrivals of group buys that ended in the range). */
  shortageUnits: number
}

export interface DashboardProduct {
  /** null for a leader's own group buy (not from a merchant's catalogue): one row per such group buy. */
  productId: string | null
  name: string
  units: number
  salesFen: number
  /** Average stars of the ratings of these group buys; null without ratings (or before ratings exist). */
  ratingAvg: number | null
  topTags: string[]
}

export interface InsightOutputs {
  dashboard: {
    /** Whose goods: a merchant's own, a leader's or clerk's pickup point, or everything (admin). */
    scope: { kind: 'merchant' | 'pickupPoint' | 'all'; id: string | null }
    days: DashboardDay[]
    points: DashboardPoint[]
    products: DashboardProduct[]
    /** Buyers with ≥ 2 paid orders in the range / all buyers; null when nobody bought — and, for a merchant, when fewer than K_ANONYMITY_MIN (10) bought. */
    repeatRate: number | null
  }
  audienceSize: { size: number }
}
