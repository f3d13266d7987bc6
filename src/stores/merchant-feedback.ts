import { create } from 'zustand'
import { feedbackService } from '@/services/after-pickup'
import type { ClientError } from '@/shared/client-result'
import type { FeedbackOutputs, LastRoundView, PointFeedbackView, RatingAggregateView, RatingView } from '@/shared/contracts/feedback'
import { emptyPaged, loadFirstPage, loadNextPage, type PagedState } from './paged'

export type ProductFeedbackRow = FeedbackOutputs['myProducts']['items'][number]

export interface ProductFeedback {
  productId: string | null
  rating: RatingAggregateView | null
  points: PointFeedbackView[]
  ratings: PagedState<RatingView>
}

export interface LastRoundState {
  productId: string | null
  /** null once loaded means the product has no offer yet. */
  value: LastRoundView | null
  loading: boolean
  loaded: boolean
  error: ClientError | null
}

export interface MerchantFeedbackState {
  /** 数据反馈: the merchant's products with their ratings. */
  products: PagedState<ProductFeedbackRow>
  /** One product: overall, per pickup point, and its ratings. */
  product: ProductFeedback
  /** The product's last round, shown beside the publish form (为下次选品和营销提供依据). */
  lastRound: LastRoundState
  refreshProducts: () => Promise<void>
  loadMoreProducts: () => Promise<void>
  loadProduct: (productId: string) => Promise<void>
  loadMoreProductRatings: () => Promise<void>
  loadLastRound: (productId: string) => Promise<void>
  reset: () => void
}

const emptyProduct = (productId: string | null = null): ProductFeedback => ({ productId, rating: null, points: [], ratings: emptyPaged<RatingView>() })
const emptyLastRound = (productId: string | null = null): LastRoundState => ({ productId, value: null, loading: false, loaded: false, error: null })

export const useMerchantFeedbackStore = create<MerchantFeedbackState>()((set, get) => {
  const setProducts = (patch: Partial<PagedState<ProductFeedbackRow>>) => set({ products: { ...get().products, ...patch } })
  const setRatings = (patch: Partial<PagedState<RatingView>>) => set({ product: { ...get().product, ratings: { ...get().product.ratings, ...patch } } })
  return {
    products: emptyPaged<ProductFeedbackRow>(),
    product: emptyProduct(),
    lastRound: emptyLastRound(),
    refreshProducts: () => loadFirstPage(setProducts, () => feedbackService.myProducts()),
    loadMoreProducts: () => loadNextPage(() => get().products, setProducts, (c) => feedbackService.myProducts(c)),
    loadProduct: async (productId) => {
      if (get().product.productId !== productId) set({ product: emptyProduct(productId) })
      setRatings({ loading: true, error: null })
      const res = await feedbackService.forProduct(productId)
      // A late answer for a product already left must not land on the next one.
      if (get().product.productId !== productId) return
      if (!res.ok) return setRatings({ loading: false, loaded: true, error: res.error })
      const { rating, points, ratings } = res.data
      set({ product: { productId, rating, points, ratings: { ...emptyPaged<RatingView>(), items: ratings.items, nextCursor: ratings.nextCursor, loaded: true } } })
    },
    loadMoreProductRatings: async () => {
      const id = get().product.productId
      if (!id) return
      await loadNextPage(() => get().product.ratings, setRatings, async (c) => {
        const res = await feedbackService.forProduct(id, c)
        return res.ok ? { ok: true, data: res.data.ratings } : res
      })
    },
    loadLastRound: async (productId) => {
      const keep = get().lastRound.productId === productId
      set({ lastRound: { ...(keep ? get().lastRound : emptyLastRound(productId)), loading: true, error: null } })
      const res = await feedbackService.lastRound(productId)
      if (get().lastRound.productId !== productId) return
      if (res.ok) set({ lastRound: { productId, value: res.data.lastRound, loading: false, loaded: true, error: null } })
      else set({ lastRound: { ...get().lastRound, loading: false, loaded: true, error: res.error } })
    },
    reset: () => set({ products: emptyPaged<ProductFeedbackRow>(), product: emptyProduct(), lastRound: emptyLastRound() }),
  }
})
