import { create } from 'zustand'
import { feedbackService } from '@/services/after-pickup'
import type { RatingAggregateView, RatingView } from '@/shared/contracts/feedback'
import { emptyPaged, loadFirstPage, loadNextPage, type PagedState } from './paged'

export type GroupRatings = PagedState<RatingView> & { groupBuyId: string | null; aggregate: RatingAggregateView | null }

export interface RatingsState {
  /** One group buy's ratings (names masked), newest first: the resident detail page and the leader's group page. */
  group: GroupRatings
  loadGroup: (groupBuyId: string) => Promise<void>
  loadMoreGroup: () => Promise<void>
  reset: () => void
}

const emptyGroup = (groupBuyId: string | null = null): GroupRatings => ({ ...emptyPaged<RatingView>(), groupBuyId, aggregate: null })

export const useRatingsStore = create<RatingsState>()((set, get) => {
  const setGroup = (patch: Partial<GroupRatings>) => set({ group: { ...get().group, ...patch } })
  return {
    group: emptyGroup(),
    loadGroup: async (groupBuyId) => {
      if (get().group.groupBuyId !== groupBuyId) set({ group: emptyGroup(groupBuyId) })
      await loadFirstPage(setGroup, async () => {
        const res = await feedbackService.listForGroupBuy(groupBuyId)
        // A late answer for a page already left must not land on the next one.
        if (res.ok && get().group.groupBuyId === groupBuyId) setGroup({ aggregate: res.data.rating })
        return res
      })
    },
    loadMoreGroup: async () => {
      const id = get().group.groupBuyId
      if (!id) return
      await loadNextPage(() => get().group, setGroup, (c) => feedbackService.listForGroupBuy(id, c))
    },
    reset: () => set({ group: emptyGroup() }),
  }
})
