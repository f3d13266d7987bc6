import { feedbackService } from '@/services/after-pickup'
import type { FeedbackOutputs, RatingAggregateView, RatingView } from '@/shared/contracts/feedback'
import { useMerchantFeedbackStore } from './merchant-feedback'

jest.mock('@/services/after-pickup', () => ({ feedbackService: { myProducts: jest.fn(), forProduct: jest.fn(), lastRound: jest.fn() } }))
const fb = feedbackService as jest.Mocked<typeof feedbackService>

const agg: RatingAggregateView = { avg: 4, count: 2, stars: [0, 0, 1, 0, 1], tagCounts: [{ tag: '破损', count: 1 }] }
const r = (key: string): RatingView => ({
  key, groupBuyId: 'g1', maskedName: '李**', stars: 3, tags: ['破损'], text: '箱子压坏了', images: [], imageUrls: [], ratedOn: 1,
})
const forProduct = (items: RatingView[], nextCursor: string | null): FeedbackOutputs['forProduct'] => ({
  productId: 'p1', rating: agg, points: [{ pickupPointId: 'pp1', name: '幸福里', ...agg }], ratings: { items, nextCursor },
})

beforeEach(() => {
  useMerchantFeedbackStore.getState().reset()
  jest.clearAllMocks()
})

it('a product loads overall + per point + first ratings page; more ratings come by cursor', async () => {
  fb.forProduct.mockResolvedValueOnce({ ok: true, data: forProduct([r('o1')], 'c1') })
  await useMerchantFeedbackStore.getState().loadProduct('p1')
  const p = useMerchantFeedbackStore.getState().product
  expect(p.rating).toEqual(agg)
  expect(p.points.map((x) => x.name)).toEqual(['幸福里'])
  expect(p.ratings).toMatchObject({ loaded: true, nextCursor: 'c1' })
  fb.forProduct.mockResolvedValueOnce({ ok: true, data: forProduct([r('o2')], null) })
  await useMerchantFeedbackStore.getState().loadMoreProductRatings()
  expect(fb.forProduct).toHaveBeenLastCalledWith('p1', 'c1')
  expect(useMerchantFeedbackStore.getState().product.ratings.items.map((i) => i.key)).toEqual(['o1', 'o2'])
})

it('a refused product keeps the error and no numbers', async () => {
  fb.forProduct.mockResolvedValue({ ok: false, error: { code: 'PRODUCT.NOT_FOUND', message: 'not yours' } })
  await useMerchantFeedbackStore.getState().loadProduct('p1')
  const p = useMerchantFeedbackStore.getState().product
  expect(p.rating).toBeNull()
  expect(p.ratings.error?.code).toBe('PRODUCT.NOT_FOUND')
})

it('the last round is kept per product; "no offer yet" (null) is a loaded answer, not an error', async () => {
  fb.lastRound.mockResolvedValueOnce({ ok: true, data: { lastRound: null } })
  await useMerchantFeedbackStore.getState().loadLastRound('p1')
  expect(useMerchantFeedbackStore.getState().lastRound).toMatchObject({ productId: 'p1', value: null, loaded: true, error: null })
  fb.lastRound.mockResolvedValueOnce({ ok: false, error: { code: 'CLIENT.NETWORK', message: 'timeout' } })
  await useMerchantFeedbackStore.getState().loadLastRound('p2')
  expect(useMerchantFeedbackStore.getState().lastRound).toMatchObject({ productId: 'p2', value: null, loaded: true, error: { code: 'CLIENT.NETWORK' } })
})

it('lists the merchant\'s products with their ratings', async () => {
  fb.myProducts.mockResolvedValue({ ok: true, data: { items: [{ productId: 'p1', name: '赣南脐橙', rating: agg }], nextCursor: null } })
  await useMerchantFeedbackStore.getState().refreshProducts()
  expect(useMerchantFeedbackStore.getState().products.items.map((p) => p.name)).toEqual(['赣南脐橙'])
})
