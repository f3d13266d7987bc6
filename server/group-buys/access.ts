import type { UserDoc } from '@server/users/model'
import type { GroupBuyDoc } from '@server/group-buys/model'

/**
 * Who may see and act on a group buy's orders: the one home of these checks (the 接龙 list, 催取, the pick list,
 * arrival, after-sales decisions all ask here). Each takes the caller's user and the group buy's (or an after-sales
 * case's copy of its) owner fields.
 */
type Owners = Pick<GroupBuyDoc, 'creatorOpenid' | 'pickupPointId'>

/** Leads the group buy: an admin, its creator, or a leader bound to its pickup point (the 接龙 list, 催取). */
export function leadsGroupBuy(user: UserDoc, gb: Owners): boolean {
  if (user.roles.includes('admin') || gb.creatorOpenid === user._id) return true
  return user.roles.includes('leader') && user.boundPickupPointId === gb.pickupPointId
}

/** Sells the group buy's goods: the merchant whose offer it is. */
export function sellsGroupBuy(user: UserDoc, gb: { merchantId?: string | null }): boolean {
  return !!gb.merchantId && user.roles.includes('merchant') && gb.merchantId === user._id
}

/** Arrival is signed off at the store: whoever leads it, or a clerk bound to its point (not the merchant). */
export function canSignOffArrival(user: UserDoc, gb: Owners): boolean {
  return leadsGroupBuy(user, gb) || (user.roles.includes('clerk') && user.boundPickupPointId === gb.pickupPointId)
}

/**
 * Who may see a group buy's orders (masked) and act on its arrival: its creator, a leader or clerk bound to its
 * pickup point, the merchant whose offer it sells, an admin.
 */
export function canSeeGroupBuyOrders(user: UserDoc, gb: Owners & Pick<GroupBuyDoc, 'merchantId'>): boolean {
  return canSignOffArrival(user, gb) || sellsGroupBuy(user, gb)
}

/** 截团 and 催取: its creator, a leader bound to its pickup point, an admin (not a clerk, not the merchant). */
export function canCloseGroupBuy(user: UserDoc, gb: Pick<GroupBuyDoc, 'creatorOpenid' | 'pickupPointId'>): boolean {
  if (user.roles.includes('admin') || gb.creatorOpenid === user._id) return true
  return user.roles.includes('leader') && user.boundPickupPointId === gb.pickupPointId
}
