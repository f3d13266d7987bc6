import { create } from 'zustand'
import { feedbackService } from '@/services/after-pickup'
import type { RatingAggregateView, RatingView } from '@/shared/contracts/feedback'
import { emptyPaged, loadNextPage, type PagedState } from './paged'

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
      setGroup({ loading: true, error: null })
      const res = await feedbackService.listForGroupBuy(groupBuyId)
      // A late answer for a page already left must not land on the next one.
      if (get().group.groupBuyId !== groupBuyId) return
      if (!res.ok) return setGroup({ loading: false, loaded: true, error: res.error })
      setGroup({ items: res.data.items, nextCursor: res.data.nextCursor, aggregate: res.data.rating, loading: false, loaded: true })
    },
    loadMoreGroup: async () => {
      const id = get().group.groupBuyId
      if (!id) return
      await loadNextPage(() => get().group, setGroup, (c) => feedbackService.listForGroupBuy(id, c))
    },
    reset: () => set({ group: emptyGroup() }),
  }
})
