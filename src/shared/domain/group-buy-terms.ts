// Rules on a new group buy's terms (groupBuy.create / createFromOffer), shared by the contracts and the functions.

/**
 * 成团 needs minParticipants people each buying at least one unit: more than the stock can never be reached, and
 * residents would pay only to be refunded at the end (an audit: test/node/attacks-points-delivery-leader.test.ts).
 */
export function canReachMinimum(v: { minParticipants: number; stock: number }): boolean {
  return v.minParticipants <= v.stock
}
export const MINIMUM_MESSAGE = '成团人数不能超过库存'

/**
 * A 提货时间 given must still be open after the group buy ends (its goods are collected after it, at the latest by
 * then): before (the same audit) a window already over was accepted and every resident was given it.
 */
export function pickupWindowOutlastsEnd(v: { pickupEndAt?: number }, endAt: number): boolean {
  return v.pickupEndAt === undefined || v.pickupEndAt > endAt
}
export const PICKUP_AFTER_END_MESSAGE = '提货结束时间必须晚于团购结束时间'
