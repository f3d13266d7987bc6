import { useAfterPickupStore } from './after-pickup'
import { useClerkStore } from './clerk'
import { useCouponStore } from './coupon'
import { useFeedStore } from './feed'
import { useGroupBuyStore } from './group-buy'
import { useLeaderStore } from './leader'
import { useOrdersStore } from './orders'

/** Everything that belongs to one person; cleared when the local "act as" identity changes. */
export function resetUserScopedStores(): void {
  useFeedStore.getState().reset()
  useGroupBuyStore.getState().reset()
  useOrdersStore.getState().reset()
  useLeaderStore.getState().reset()
  useClerkStore.getState().reset()
  useCouponStore.getState().reset()
  useAfterPickupStore.getState().reset()
}
