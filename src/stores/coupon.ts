import { create } from 'zustand'
import { newRequestId, type ClientError } from '@/services/cloud'
import { couponService } from '@/services/coupon'
import type { CouponCampaignView, CouponView } from '@/services/pending-contracts'

export interface CouponState {
  campaigns: CouponCampaignView[]
  mine: CouponView[]
  loading: boolean
  error: ClientError | null
  claimingId: string | null
  claimError: ClientError | null
  refresh: () => Promise<void>
  claim: (campaignId: string) => Promise<boolean>
  reset: () => void
}

const initial = { campaigns: [], mine: [], loading: false, error: null, claimingId: null, claimError: null }

export const useCouponStore = create<CouponState>()((set, get) => ({
  ...initial,
  refresh: async () => {
    set({ loading: true, error: null })
    const [campaigns, mine] = await Promise.all([couponService.listCampaigns(), couponService.listMine()])
    set({
      loading: false,
      campaigns: campaigns.ok ? campaigns.data.items : get().campaigns,
      mine: mine.ok ? mine.data.items : get().mine,
      error: !campaigns.ok ? campaigns.error : !mine.ok ? mine.error : null,
    })
  },
  claim: async (campaignId) => {
    if (get().claimingId) return false
    set({ claimingId: campaignId, claimError: null })
    const res = await couponService.claim(campaignId, newRequestId())
    if (!res.ok) {
      set({ claimingId: null, claimError: res.error })
      return false
    }
    set({ claimingId: null })
    await get().refresh()
    return true
  },
  reset: () => set({ ...initial }),
}))
