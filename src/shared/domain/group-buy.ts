import type { GroupBuyStatus } from '../contracts/group-buy'
import { ERROR_CODES, type ErrorCode } from '../errors'

/** What is stored. UPCOMING is never stored: it is OPEN before its start time. */
export type StoredGroupBuyStatus = Exclude<GroupBuyStatus, 'UPCOMING'>

/** The fields the rules need; the stored document has more. */
export interface GroupBuyState {
  status: StoredGroupBuyStatus
  startAt: number
  endAt: number
  stock: number
  stockLeft: number
  minParticipants: number
  paidParticipants: number
  limitPerUser: number
}

/** Statuses in which a group buy still takes joins (if inside its time window and stock remains). */
export const JOINABLE_STATUSES: readonly StoredGroupBuyStatus[] = ['OPEN', 'SUCCEEDED']

/**
 * A condition on one field, in the few forms the join rule needs. The rule is stated once, as conditions: the
 * predicates below evaluate them (`meets`), and the join's conditional write is built from the very same
 * conditions (server/group-buys/conditions.ts), so the database can never enforce a different rule.
 */
export type FieldCondition = { in: readonly (string | number)[] } | { gte: number } | { lte: number } | { gt: number }
export type Conditions<T> = { [K in keyof T]?: FieldCondition }

export function meets<T>(doc: T, conditions: Conditions<T>): boolean {
  for (const field of Object.keys(conditions) as Array<keyof T>) {
    const c = conditions[field] as FieldCondition
    const v = doc[field] as unknown
    if ('in' in c) {
      if (!(c.in as readonly unknown[]).includes(v)) return false
    } else if (typeof v !== 'number') return false
    else if ('gte' in c ? !(v >= c.gte) : 'lte' in c ? !(v <= c.lte) : !(v > c.gt)) return false
  }
  return true
}

/** The join window: startAt <= now < endAt. */
export function windowConditions(now: number): Conditions<GroupBuyState> {
  return { startAt: { lte: now }, endAt: { gt: now } }
}

/** A group buy takes joins while its status is joinable and it is inside its window. */
export function joinableConditions(now: number): Conditions<GroupBuyState> {
  return { status: { in: JOINABLE_STATUSES }, ...windowConditions(now) }
}

/** A person's tally (what they hold: the participation's `quantity`) may grow by `quantity` within the limit. */
export function quotaConditions(limitPerUser: number, quantity: number): Conditions<{ quantity: number }> {
  return { quantity: { lte: limitPerUser - quantity } }
}

/** Enough stock left for `quantity` more. */
export function stockConditions(quantity: number): Conditions<GroupBuyState> {
  return { stockLeft: { gte: quantity } }
}

export function effectiveStatus(gb: Pick<GroupBuyState, 'status' | 'startAt'>, now: number): GroupBuyStatus {
  if (gb.status === 'OPEN' && now < gb.startAt) return 'UPCOMING'
  return gb.status
}

export function isJoinableAt(gb: Pick<GroupBuyState, 'status' | 'startAt' | 'endAt'>, now: number): boolean {
  return meets(gb, joinableConditions(now))
}

export function isInsideJoinWindow(gb: Pick<GroupBuyState, 'startAt' | 'endAt'>, now: number): boolean {
  return meets(gb, windowConditions(now))
}

export function isWithinLimit(gb: Pick<GroupBuyState, 'limitPerUser'>, alreadyHeld: number, quantity: number): boolean {
  return meets({ quantity: alreadyHeld }, quotaConditions(gb.limitPerUser, quantity))
}

/**
 * Why a group buy cannot give `quantity` now, or null: the stock half of decideJoin (the per-person half is the
 * participation's own conditional write).
 */
export function decideStock(gb: Pick<GroupBuyState, 'status' | 'startAt' | 'endAt' | 'stockLeft'>, quantity: number, now: number): ErrorCode | null {
  if (!isJoinableAt(gb, now)) return ERROR_CODES.GROUP_BUY_NOT_OPEN
  if (!meets(gb, stockConditions(quantity))) return ERROR_CODES.GROUP_BUY_SOLD_OUT
  return null
}

/**
 * May this person take `quantity` more? `alreadyHeld` is the quantity of their live orders (unpaid or paid).
 * The cloud function enforces the same rule with conditional writes; this is the rule itself.
 */
export function decideJoin(gb: GroupBuyState, alreadyHeld: number, quantity: number, now: number): ErrorCode | null {
  if (!isJoinableAt(gb, now)) return ERROR_CODES.GROUP_BUY_NOT_OPEN
  if (!isWithinLimit(gb, alreadyHeld, quantity)) return ERROR_CODES.GROUP_BUY_LIMIT_EXCEEDED
  return decideStock(gb, quantity, now)
}

/** The largest quantity the join sheet should offer. */
export function maxJoinQuantity(gb: GroupBuyState, alreadyHeld: number): number {
  return Math.max(0, Math.min(gb.limitPerUser - alreadyHeld, gb.stockLeft))
}

/** 成团: at least `minParticipants` residents have paid. The payment that makes it so wins OPEN → SUCCEEDED with these. */
export function thresholdConditions(minParticipants: number): Conditions<GroupBuyState> {
  return { paidParticipants: { gte: minParticipants } }
}

export function hasReachedThreshold(gb: Pick<GroupBuyState, 'paidParticipants' | 'minParticipants'>): boolean {
  return meets(gb, thresholdConditions(gb.minParticipants))
}

/**
 * What happens to a group buy when its end time passes: SUCCEEDED ones close, OPEN ones that never reached
 * their threshold fail (and are refunded), anything already final stays.
 */
export function statusAtEnd(gb: Pick<GroupBuyState, 'status' | 'paidParticipants' | 'minParticipants'>): StoredGroupBuyStatus {
  if (gb.status === 'SUCCEEDED') return 'CLOSED'
  if (gb.status === 'OPEN') return hasReachedThreshold(gb) ? 'CLOSED' : 'FAILED'
  return gb.status
}

/** What leaders and clerks see instead of a name once the resident deleted their account (user.deleteMe). */
export const ERASED_NAME = '已注销用户'

/**
 * How a resident is named to leaders, clerks and merchants on anything they wrote or bought (orders, ratings, 售后
 * cases): masked, or 已注销用户 once erased (user.deleteMe stamps `erasedAt`; an order also keeps ERASED_NAME).
 */
export function shownName(doc: { nickname?: string | null; erasedAt?: number | null }): string {
  return doc.erasedAt ? ERASED_NAME : maskName(doc.nickname)
}

/** 张** style masking: residents are visible to the leader only as the first character of their name. */
export function maskName(name: string | undefined | null): string {
  if (name === ERASED_NAME) return ERASED_NAME
  const chars = Array.from((name ?? '').trim())
  if (chars.length === 0) return '邻居**'
  return `${chars[0]}**`
}
