import { feedbackService } from '@/services/after-pickup'
import type { RatingAggregateView, RatingView } from '@/shared/contracts/feedback'
import { useRatingsStore } from './ratings'

jest.mock('@/services/after-pickup', () => ({ feedbackService: { listForGroupBuy: jest.fn() } }))
const fb = feedbackService as jest.Mocked<typeof feedbackService>

const agg: RatingAggregateView = { avg: 4.5, count: 2, stars: [0, 0, 0, 1, 1], tagCounts: [{ tag: '新鲜', count: 2 }] }
const r = (key: string, groupBuyId = 'g1'): RatingView => ({
  key, groupBuyId, maskedName: '张**', stars: 5, tags: ['新鲜'], text: '', images: [], imageUrls: [], ratedOn: 1,
})

beforeEach(() => {
  useRatingsStore.getState().reset()
  jest.clearAllMocks()
})

it('loads a group buy\'s first page with its aggregate, then appends the next page by cursor', async () => {
  fb.listForGroupBuy.mockResolvedValueOnce({ ok: true, data: { items: [r('o1')], nextCursor: 'c1', rating: agg } })
  await useRatingsStore.getState().loadGroup('g1')
  expect(useRatingsStore.getState().group).toMatchObject({ groupBuyId: 'g1', aggregate: agg, loaded: true, nextCursor: 'c1' })
  fb.listForGroupBuy.mockResolvedValueOnce({ ok: true, data: { items: [r('o2')], nextCursor: null, rating: agg } })
  await useRatingsStore.getState().loadMoreGroup()
  expect(fb.listForGroupBuy).toHaveBeenLastCalledWith('g1', 'c1')
  expect(useRatingsStore.getState().group.items.map((i) => i.key)).toEqual(['o1', 'o2'])
})

it('another group buy starts empty, and a late answer for the one left does not land on it', async () => {
  let answerFirst: (v: Awaited<ReturnType<typeof fb.listForGroupBuy>>) => void = () => undefined
  fb.listForGroupBuy.mockImplementationOnce(() => new Promise((res) => (answerFirst = res)))
  const first = useRatingsStore.getState().loadGroup('g1')
  fb.listForGroupBuy.mockResolvedValueOnce({ ok: true, data: { items: [r('o9', 'g2')], nextCursor: null, rating: { ...agg, avg: 3 } } })
  await useRatingsStore.getState().loadGroup('g2')
  answerFirst({ ok: true, data: { items: [r('o1')], nextCursor: null, rating: agg } })
  await first
  expect(useRatingsStore.getState().group.groupBuyId).toBe('g2')
  expect(useRatingsStore.getState().group.aggregate?.avg).toBe(3)
  expect(useRatingsStore.getState().group.items.map((i) => i.key)).toEqual(['o9'])
})

it('a failure is kept for the view to word', async () => {
  fb.listForGroupBuy.mockResolvedValue({ ok: false, error: { code: 'GROUP_BUY.NOT_FOUND', message: 'gone' } })
  await useRatingsStore.getState().loadGroup('g1')
  expect(useRatingsStore.getState().group).toMatchObject({ loaded: true, loading: false, error: { code: 'GROUP_BUY.NOT_FOUND' } })
})
