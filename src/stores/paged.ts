import type { ClientError, ClientResult } from '@/shared/client-result'
import type { Page } from '@/shared/contracts/common'

/** The state every paged list screen shows: first load, pull-to-refresh, load more, failure. */
export interface PagedState<T> {
  items: T[]
  nextCursor: string | null
  /** true until the first page has answered (success or failure) */
  loading: boolean
  loadingMore: boolean
  error: ClientError | null
  loaded: boolean
}

export function emptyPaged<T>(): PagedState<T> {
  return { items: [], nextCursor: null, loading: false, loadingMore: false, error: null, loaded: false }
}

type Setter<T> = (patch: Partial<PagedState<T>>) => void

export async function loadFirstPage<T>(
  set: Setter<T>,
  fetchPage: () => Promise<ClientResult<Page<T>>>,
): Promise<void> {
  set({ loading: true, error: null })
  const res = await fetchPage()
  if (res.ok) set({ items: res.data.items, nextCursor: res.data.nextCursor, loading: false, loaded: true })
  else set({ loading: false, loaded: true, error: res.error })
}

export async function loadNextPage<T>(
  get: () => PagedState<T>,
  set: Setter<T>,
  fetchPage: (cursor: string) => Promise<ClientResult<Page<T>>>,
): Promise<void> {
  const { nextCursor, loadingMore, loading } = get()
  if (!nextCursor || loadingMore || loading) return
  set({ loadingMore: true })
  const res = await fetchPage(nextCursor)
  if (res.ok) set({ items: [...get().items, ...res.data.items], nextCursor: res.data.nextCursor, loadingMore: false })
  else set({ loadingMore: false, error: res.error })
}
