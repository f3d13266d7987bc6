import { create } from 'zustand'
import type { NoticeView } from '@/shared/contracts/user'
import { userService } from '@/services/user'
import { emptyPaged, loadFirstPage, loadNextPage, type PagedState } from './paged'

export interface NoticesState extends PagedState<NoticeView> {
  unread: number
  refresh: () => Promise<void>
  loadMore: () => Promise<void>
  /** Everything shown so far counts as read; the badge clears only once the cloud agreed. */
  markAllRead: () => Promise<void>
  reset: () => void
}

export const useNoticesStore = create<NoticesState>()((set, get) => ({
  ...emptyPaged<NoticeView>(),
  unread: 0,
  refresh: () =>
    loadFirstPage(set, async () => {
      const res = await userService.notices()
      if (res.ok) set({ unread: res.data.unread })
      return res
    }),
  loadMore: () => loadNextPage(get, set, (c) => userService.notices(c)),
  markAllRead: async () => {
    if (get().unread === 0) return
    const res = await userService.markNoticesRead()
    if (res.ok) set({ unread: 0, items: get().items.map((n) => ({ ...n, read: true })) })
  },
  reset: () => set({ ...emptyPaged<NoticeView>(), unread: 0 }),
}))
