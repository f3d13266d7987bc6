/** 会员互通: points and levels. Pure. */

/** Levels by lifetime points (earned, less what refunds took back; spending never lowers a level). */
export const MEMBER_LEVELS = [
  { level: 0, name: '普通', minLifetime: 0 },
  { level: 1, name: '银卡', minLifetime: 500 },
  { level: 2, name: '金卡', minLifetime: 2000 },
] as const

export type MemberLevel = (typeof MEMBER_LEVELS)[number]['level']

export function levelFor(lifetimePoints: number): { level: MemberLevel; levelName: string; nextLevelAt: number | null } {
  let i = 0
  while (i + 1 < MEMBER_LEVELS.length && lifetimePoints >= MEMBER_LEVELS[i + 1].minLifetime) i++
  const next = MEMBER_LEVELS[i + 1]
  return { level: MEMBER_LEVELS[i].level, levelName: MEMBER_LEVELS[i].name, nextLevelAt: next ? next.minLifetime : null }
}

/** The fewest lifetime points that reach `level` (a level above the top one is unreachable: Infinity). */
export function minLifetimeFor(level: number): number {
  if (level <= 0) return 0
  return MEMBER_LEVELS.find((l) => l.level >= level)?.minLifetime ?? Infinity
}

/** 1 point per whole yuan. */
export function pointsForFen(fen: number): number {
  return Math.max(0, Math.floor(fen / 100))
}

/**
 * An order earns on what was paid and kept: amount less refunds confirmed so far. A refund confirmed after
 * pickup takes back the difference it makes, so however refunds add up the order keeps exactly
 * pointsForFen(what stays paid) (the take-backs telescope).
 */
export function pointsForOrder(order: { amountFen: number; refundedFen?: number }): number {
  return pointsForFen(order.amountFen - (order.refundedFen ?? 0))
}

export function pointsTakenBackBy(order: { amountFen: number; refundedFen?: number }, refundFen: number): number {
  const before = order.amountFen - (order.refundedFen ?? 0)
  return pointsForFen(before) - pointsForFen(before - refundFen)
}

/**
 * How much of a take-back the balance can cover: points never go below 0; the rest is recorded as
 * unrecovered on the entry (and the balance doc), not hidden.
 */
export function splitTakeBack(balance: number, wanted: number): { taken: number; unrecovered: number } {
  const taken = Math.min(Math.max(balance, 0), wanted)
  return { taken, unrecovered: wanted - taken }
}

/**
 * SPEND_VOIDED: a refund took back points already spent, so an unredeemed coupon they bought was voided and its
 * points returned to the balance (which the take-back then took).
 */
export const POINT_ENTRY_KINDS = ['EARN_PICKUP', 'EARN_REDEEM', 'TAKE_BACK', 'SPEND', 'SPEND_RETURNED', 'SPEND_VOIDED'] as const
export type PointEntryKind = (typeof POINT_ENTRY_KINDS)[number]

/**
 * Points are platform value (they buy every merchant's member coupons and unlock levels), so what a campaign may
 * grant per redemption is the platform's rule, not the merchant's: `pointsPerYuan` of the coupon's value, at most
 * `maxPerRedemption`. The admin sets it (admin.setPointsRule); this is the default.
 */
export interface PointsRule {
  pointsPerYuan: number
  maxPerRedemption: number
}
export const DEFAULT_POINTS_RULE: PointsRule = { pointsPerYuan: 1, maxPerRedemption: 1000 }

/** The most points one redemption of a coupon worth `valueFen` may grant under `rule`. */
export function maxPointsOnRedeem(valueFen: number, rule: PointsRule): number {
  return Math.max(0, Math.min(rule.maxPerRedemption, Math.floor((Math.max(0, valueFen) * rule.pointsPerYuan) / 100)))
}
