import { create } from 'zustand'
import { newRequestId } from '@/services/cloud'
import type { ClientError } from '@/shared/client-result'
import { couponService } from '@/services/coupon'
import type { CouponCampaignView, CouponView } from '@/shared/contracts/coupon'
import { PAY_POLL } from './orders'
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
   * cloud answers with the coupon it may already have issued instead of issuing a second one. A purchase whose
   * pay sheet was left keeps its id: tapping again reopens the same held coupon (继续支付) instead of a new one.
   */
  claimRequestIds: Record<string, string>
  refresh: (pickupPointId: string | null) => Promise<void>
  loadMoreMine: () => Promise<void>
  /** Claim a free coupon, or buy a paid one (hold, pay sheet, then wait briefly for it to be issued). */
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

/** Free ones are claimed, paid ones bought (购券, through WeChat Pay); either way only while some are left for me. */
export function isClaimableHere(c: CouponCampaignView): boolean {
  return c.remaining > 0 && c.claimedByMe < c.limitPerUser
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

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
      const spend = () => {
        const { [campaignId]: _spent, ...rest } = get().claimRequestIds
        set({ claimRequestIds: rest })
      }
      const res = await couponService.claim(campaignId, requestId)
      if (!res.ok) {
        // An expired purchase cannot be resumed: the next tap starts a new one.
        if (res.error.code === 'COUPON.NOT_PAYABLE') spend()
        set({ claimingId: null, claimError: res.error })
        return false
      }
      if (res.data.status === 'PENDING_PAYMENT') {
        const { couponId, payment } = res.data
        const paid = await couponService.pay(couponId, payment)
        if (!paid.ok) {
          set({ claimingId: null, claimError: paid.error })
          await get().refresh(pickupPointId)
          return false
        }
        // The payment callback issues the coupon; it usually lands within a moment.
        spend()
        await get().refresh(pickupPointId)
        for (let i = 0; i < PAY_POLL.attempts && !get().mine.items.some((c) => c.couponId === couponId); i++) {
          await sleep(PAY_POLL.intervalMs)
          await get().refresh(pickupPointId)
        }
        set({ claimingId: null })
        return true
      }
      // The intent is spent: a later claim of the same campaign (limitPerUser > 1) is a new one.
      spend()
      set({ claimingId: null })
      await get().refresh(pickupPointId)
      return true
    },
    reset: () => set(initial()),
  }
})
