import { useAfterPickupStore } from './after-pickup'
import { useClerkStore } from './clerk'
import { useDeliveryStore } from './delivery'
import { useCouponStore } from './coupon'
import { useFeedStore } from './feed'
import { useGroupBuyStore } from './group-buy'
import { useLeaderStore } from './leader'
import { useOrdersStore } from './orders'
import { useRatingsStore } from './ratings'
import { useAdminStore } from './admin'
import { useMerchantStore } from './merchant'
import { useMerchantFeedbackStore } from './merchant-feedback'
import { useNoticesStore } from './notices'
import { useSupplyStore } from './supply'
import { useUploadsStore } from './uploads'
import { useVoucherStore } from './voucher'

/** Everything that belongs to one person; cleared when the local "act as" identity changes. */
export function resetUserScopedStores(): void {
  useFeedStore.getState().reset()
  useGroupBuyStore.getState().reset()
  useOrdersStore.getState().reset()
  useLeaderStore.getState().reset()
  useClerkStore.getState().reset()
  useDeliveryStore.getState().reset()
  useCouponStore.getState().reset()
  useMerchantStore.getState().reset()
  useSupplyStore.getState().reset()
  useAdminStore.getState().reset()
  useNoticesStore.getState().reset()
  useUploadsStore.getState().reset()
  useAfterPickupStore.getState().reset()
  useRatingsStore.getState().reset()
  useVoucherStore.getState().reset()
  useMerchantFeedbackStore.getState().reset()
}
