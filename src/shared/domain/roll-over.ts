import { formatChina } from './calendar'
import { isJoinableAt, type StoredGroupBuyStatus } from './group-buy'

/**
 * 拼团未成，保留到下一团: at join a resident chooses what happens to their paid order if the group fails —
 * refunded (as always), or kept and moved to the same leader's next group buy of the same product at the same
 * pickup point that opens within 7 days at a price no higher than what was paid (the difference refunded).
 */
export { ON_FAIL_CHOICES, type OnFail } from './on-fail'

export const ROLL_OVER_WINDOW_DAYS = 7
export const ROLL_OVER_WINDOW_MS = ROLL_OVER_WINDOW_DAYS * 86_400_000

export interface RollOverGroup {
  groupBuyId: string
  creatorOpenid: string
  pickupPointId: string
  offerId: string | null
  title: string
  priceFen: number
  status: StoredGroupBuyStatus
  startAt: number
  endAt: number
  stockLeft: number
  /** The group's per-person limit, and how many units the order's owner already holds in it (their live orders). */
  limitPerUser: number
  heldByOwner: number
}

/** Until when a held order waits for a next group: 7 days after its group ended. */
export function rollOverDeadline(failedAt: number): number {
  return failedAt + ROLL_OVER_WINDOW_MS
}

/** The same product: the same supply offer, or (a leader's own group buys have no product id) the same title. */
export function isSameProduct(from: Pick<RollOverGroup, 'offerId' | 'title'>, to: Pick<RollOverGroup, 'offerId' | 'title'>): boolean {
  return from.offerId ? to.offerId === from.offerId : !to.offerId && to.title === from.title
}

/**
 * May an order of `quantity` paid at `paidPriceFen` move from the failed group `from` to `to` now? The same
 * leader, pickup point and product; `to` opened within the window after `from` ended, takes joins now, has the
 * stock, costs no more than what was paid, and the owner's units there stay within its per-person limit (a join
 * counts all their live orders; a move must too — before, a cheaper flash group limited to 1 took all 5 units).
 */
export function isRollOverTarget(from: RollOverGroup, to: RollOverGroup, paidPriceFen: number, quantity: number, now: number): boolean {
  return (
    to.groupBuyId !== from.groupBuyId &&
    to.creatorOpenid === from.creatorOpenid &&
    to.pickupPointId === from.pickupPointId &&
    isSameProduct(from, to) &&
    to.startAt <= rollOverDeadline(from.endAt) &&
    isJoinableAt(to, now) &&
    to.priceFen <= paidPriceFen &&
    to.stockLeft >= quantity &&
    to.heldByOwner + quantity <= to.limitPerUser
  )
}

/** The next group among `candidates`: the earliest to end (the soonest pickup), then the cheapest. */
export function pickRollOverTarget(from: RollOverGroup, candidates: readonly RollOverGroup[], paidPriceFen: number, quantity: number, now: number): RollOverGroup | null {
  const fit = candidates.filter((c) => isRollOverTarget(from, c, paidPriceFen, quantity, now))
  fit.sort((a, b) => a.endAt - b.endAt || a.priceFen - b.priceFen)
  return fit[0] ?? null
}

/** A rolled-over order may be cancelled for a full refund until its new group reaches 成团. */
export function canCancelRolledOver(target: Pick<RollOverGroup, 'status'>): boolean {
  return target.status === 'OPEN'
}

/** "12-07 20:00" in Beijing time, for the notice of the new group's end. */
export function cstMonthDayTime(ms: number): string {
  return formatChina(ms, 'MM-DD HH:mm')
}
