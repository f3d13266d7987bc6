import type { UserDoc } from '@server/define'
import type { GroupBuyDoc } from '@server/docs'

/**
 * Who may see a group buy's orders (masked) and act on its arrival: its creator, a leader or clerk bound to its
 * pickup point, the merchant whose offer it sells, an admin.
 */
export function canSeeGroupBuyOrders(user: UserDoc, gb: Pick<GroupBuyDoc, 'creatorOpenid' | 'pickupPointId' | 'merchantId'>): boolean {
  if (user.roles.includes('admin') || gb.creatorOpenid === user._id) return true
  if ((user.roles.includes('leader') || user.roles.includes('clerk')) && user.boundPickupPointId === gb.pickupPointId) return true
  return !!gb.merchantId && user.roles.includes('merchant') && gb.merchantId === user._id
}

/** Arrival is signed off at the store: its creator, a leader or clerk bound to its point, an admin (not the merchant). */
export function canSignOffArrival(user: UserDoc, gb: Pick<GroupBuyDoc, 'creatorOpenid' | 'pickupPointId'>): boolean {
  if (user.roles.includes('admin') || gb.creatorOpenid === user._id) return true
  return (user.roles.includes('leader') || user.roles.includes('clerk')) && user.boundPickupPointId === gb.pickupPointId
}

/** 截团 and 催取: its creator, a leader bound to its pickup point, an admin (not a clerk, not the merchant). */
export function canCloseGroupBuy(user: UserDoc, gb: Pick<GroupBuyDoc, 'creatorOpenid' | 'pickupPointId'>): boolean {
  if (user.roles.includes('admin') || gb.creatorOpenid === user._id) return true
  return user.roles.includes('leader') && user.boundPickupPointId === gb.pickupPointId
}
