import { create } from 'zustand'
import type { GroupBuyView } from '@/shared/contracts/group-buy'
import { groupBuyService } from '@/services/group-buy'
import { emptyPaged, loadFirstPage, loadNextPage, type PagedState } from './paged'

export type FeedSort = 'newest' | 'endingSoon'

export interface FeedState extends PagedState<GroupBuyView> {
  pickupPointId: string | null
  sort: FeedSort
  refresh: (pickupPointId: string, sort?: FeedSort) => Promise<void>
  loadMore: () => Promise<void>
  reset: () => void
}

export const useFeedStore = create<FeedState>()((set, get) => ({
  ...emptyPaged<GroupBuyView>(),
  pickupPointId: null,
  sort: 'newest',
  refresh: async (pickupPointId, sort) => {
    const nextSort = sort ?? get().sort
    if (pickupPointId !== get().pickupPointId) set({ items: [], loaded: false })
    set({ pickupPointId, sort: nextSort })
    await loadFirstPage(set, () => groupBuyService.list(pickupPointId, undefined, nextSort))
  },
  loadMore: async () => {
    const { pickupPointId, sort } = get()
    if (!pickupPointId) return
    await loadNextPage(get, set, (cursor) => groupBuyService.list(pickupPointId, cursor, sort))
  },
  reset: () => set({ ...emptyPaged<GroupBuyView>(), pickupPointId: null, sort: 'newest' }),
}))
