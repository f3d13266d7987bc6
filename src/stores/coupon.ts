import { create } from 'zustand'
import { newRequestId, type ClientError } from '@/services/cloud'
import { couponService } from '@/services/coupon'
import type { CouponCampaignView, CouponView } from '@/shared/contracts/coupon'
import { emptyPaged, loadFirstPage, loadNextPage, type PagedState } from './paged'

export interface CouponState {
  campaigns: CouponCampaignView[]
  campaignsLoading: boolean
  campaignsError: ClientError | null
  mine: PagedState<CouponView>
  claimingId: string | null
  claimError: ClientError | null
  /**
   * One id per claim intent, per campaign: a retry after a failure (a lost reply included) re-sends it, so the
   * cloud answers with the coupon it may already have issued instead of issuing a second one.
   */
  claimRequestIds: Record<string, string>
  refresh: (pickupPointId: string | null) => Promise<void>
  loadMoreMine: () => Promise<void>
  claim: (campaignId: string, pickupPointId: string | null) => Promise<boolean>
  reset: () => void
}

const initial = () => ({
  campaigns: [] as CouponCampaignView[],
  campaignsLoading: false,
  campaignsError: null,
  mine: emptyPaged<CouponView>(),
  claimingId: null,
  claimError: null,
  claimRequestIds: {} as Record<string, string>,
})

/** Paid coupons cannot be issued yet (the cloud refuses priceFen > 0): the centre shows them, unclaimable. */
export function isClaimableHere(c: CouponCampaignView): boolean {
  return c.priceFen === 0 && c.remaining > 0 && c.claimedByMe < c.limitPerUser
}

export const useCouponStore = create<CouponState>()((set, get) => {
  const setMine = (patch: Partial<PagedState<CouponView>>) => set({ mine: { ...get().mine, ...patch } })
  const loadCampaigns = async (pickupPointId: string | null) => {
    set({ campaignsLoading: true, campaignsError: null })
    const res = await couponService.listCampaigns(pickupPointId)
    if (res.ok) set({ campaigns: res.data.items, campaignsLoading: false })
    else set({ campaignsLoading: false, campaignsError: res.error })
  }
  return {
    ...initial(),
    refresh: async (pickupPointId) => {
      await Promise.all([loadCampaigns(pickupPointId), loadFirstPage(setMine, () => couponService.listMine())])
    },
    loadMoreMine: () => loadNextPage(() => get().mine, setMine, (c) => couponService.listMine(c)),
    claim: async (campaignId, pickupPointId) => {
      if (get().claimingId) return false
      const requestId = get().claimRequestIds[campaignId] ?? newRequestId()
      set({ claimingId: campaignId, claimError: null, claimRequestIds: { ...get().claimRequestIds, [campaignId]: requestId } })
      const res = await couponService.claim(campaignId, requestId)
      if (!res.ok) {
        set({ claimingId: null, claimError: res.error })
        return false
      }
      // The intent is spent: a later claim of the same campaign (limitPerUser > 1) is a new one.
      const { [campaignId]: _spent, ...rest } = get().claimRequestIds
      set({ claimingId: null, claimRequestIds: rest })
      await get().refresh(pickupPointId)
      return true
    },
    reset: () => set(initial()),
  }
})
