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

export function effectiveStatus(gb: Pick<GroupBuyState, 'status' | 'startAt'>, now: number): GroupBuyStatus {
  if (gb.status === 'OPEN' && now < gb.startAt) return 'UPCOMING'
  return gb.status
}

export function isJoinableAt(gb: Pick<GroupBuyState, 'status' | 'startAt' | 'endAt'>, now: number): boolean {
  return JOINABLE_STATUSES.includes(gb.status) && gb.startAt <= now && now < gb.endAt
}

/**
 * May this person take `quantity` more? `alreadyHeld` is the quantity of their live orders (unpaid or paid).
 * The cloud function enforces the same rule with conditional writes; this is the rule itself.
 */
export function decideJoin(gb: GroupBuyState, alreadyHeld: number, quantity: number, now: number): ErrorCode | null {
  if (!isJoinableAt(gb, now)) return ERROR_CODES.GROUP_BUY_NOT_OPEN
  if (alreadyHeld + quantity > gb.limitPerUser) return ERROR_CODES.GROUP_BUY_LIMIT_EXCEEDED
  if (gb.stockLeft < quantity) return ERROR_CODES.GROUP_BUY_SOLD_OUT
  return null
}

/** The largest quantity the join sheet should offer. */
export function maxJoinQuantity(gb: GroupBuyState, alreadyHeld: number): number {
  return Math.max(0, Math.min(gb.limitPerUser - alreadyHeld, gb.stockLeft))
}

export function hasReachedThreshold(gb: Pick<GroupBuyState, 'paidParticipants' | 'minParticipants'>): boolean {
  return gb.paidParticipants >= gb.minParticipants
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

/** 张** style masking: residents are visible to the leader only as the first character of their name. */
export function maskName(name: string | undefined | null): string {
  if (name === ERASED_NAME) return ERASED_NAME
  const chars = Array.from((name ?? '').trim())
  if (chars.length === 0) return '邻居**'
  return `${chars[0]}**`
}
