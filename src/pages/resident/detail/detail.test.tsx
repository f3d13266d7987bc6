import { render, screen } from '@testing-library/react'
import { __reset } from '../../../../test/ui/stubs/taro'
import { feedbackService } from '@/services/after-pickup'
import { groupBuyService } from '@/services/group-buy'
import type { RatingAggregateView, RatingView } from '@/shared/contracts/feedback'
import type { GroupBuyDetail } from '@/stores/group-buy'
import { useGroupBuyStore } from '@/stores/group-buy'
import { useRatingsStore } from '@/stores/ratings'
import DetailPage from '.'

jest.mock('@/services/group-buy', () => ({ groupBuyService: { get: jest.fn(), join: jest.fn() } }))
jest.mock('@/services/after-pickup', () => ({ feedbackService: { listForGroupBuy: jest.fn() } }))
const gbs = groupBuyService as jest.Mocked<typeof groupBuyService>
const fb = feedbackService as jest.Mocked<typeof feedbackService>

const gb: GroupBuyDetail = {
  groupBuyId: 'g1', title: '赣南脐橙', description: '', images: [], unit: '箱', priceFen: 3590, originalPriceFen: null, stock: 20, stockLeft: 17,
  minParticipants: 2, paidParticipants: 2, limitPerUser: 3, startAt: 1, endAt: 2, pickupPointId: 'pp1', status: 'CLOSED', createdAt: 0,
  arrivedAt: 3, imageUrls: [], offerId: null, merchantId: null, myQuantity: 0, rating: { avg: 4.7, count: 4 },
}
const agg: RatingAggregateView = { avg: 4.7, count: 4, stars: [0, 0, 0, 1, 3], tagCounts: [] }
const rating = (n: number, extra: Partial<RatingView> = {}): RatingView => ({
  key: `k${n}`, groupBuyId: 'g1', maskedName: `住户${n}**`, stars: 5, tags: [], text: '', images: [], imageUrls: [], ratedOn: n, ...extra,
})

beforeEach(() => {
  __reset({ id: 'g1' })
  useGroupBuyStore.getState().reset()
  useRatingsStore.getState().reset()
  jest.clearAllMocks()
  gbs.get.mockResolvedValue({ ok: true, data: { groupBuy: gb } })
})

it('shows the group buy\'s avg ★ and count, and a few recent ratings with masked names, tags, words and photos', async () => {
  const first = rating(1, { stars: 4, tags: ['新鲜', '分量足'], text: '很甜，下次还买', imageUrls: ['http://h/r1.png'] })
  fb.listForGroupBuy.mockResolvedValue({ ok: true, data: { items: [first, rating(2), rating(3), rating(4)], nextCursor: null, rating: agg } })
  render(<DetailPage />)
  expect(await screen.findByText('住户1**')).toBeTruthy()
  expect(screen.getByText('4.7★')).toBeTruthy()
  expect(document.querySelector('.rating-badge')?.textContent).toBe('4.7★ · 4 条评价')
  expect(screen.getByLabelText('4 星').textContent).toBe('★★★★☆')
  expect(screen.getByText('新鲜')).toBeTruthy()
  expect(screen.getByText('很甜，下次还买')).toBeTruthy()
  expect(document.querySelector('.rating-item__photo')?.getAttribute('src')).toBe('http://h/r1.png')
  // Only the most recent few: the fourth stays off the detail page.
  expect(document.querySelectorAll('.rating-item')).toHaveLength(3)
  expect(screen.queryByText('住户4**')).toBeNull()
})

it('no ratings yet: says so, in words', async () => {
  gbs.get.mockResolvedValue({ ok: true, data: { groupBuy: { ...gb, rating: { avg: 0, count: 0 } } } })
  fb.listForGroupBuy.mockResolvedValue({ ok: true, data: { items: [], nextCursor: null, rating: { ...agg, avg: 0, count: 0, stars: [0, 0, 0, 0, 0] } } })
  render(<DetailPage />)
  expect(await screen.findByText('还没有评价，提货后来说说吧')).toBeTruthy()
  expect(screen.getByText('暂无评价')).toBeTruthy()
})

it('while the ratings load the section says so; a failure is worded, never raw', async () => {
  let answer: (v: Awaited<ReturnType<typeof fb.listForGroupBuy>>) => void = () => undefined
  fb.listForGroupBuy.mockImplementation(() => new Promise((res) => (answer = res)))
  render(<DetailPage />)
  expect(await screen.findByText('赣南脐橙')).toBeTruthy()
  expect(screen.getByText('加载中…')).toBeTruthy()
  answer({ ok: false, error: { code: 'CLIENT.NETWORK', message: 'request:fail timeout' } })
  expect(await screen.findByText('网络开小差了，请检查网络后重试')).toBeTruthy()
  expect(screen.queryByText(/request:fail/)).toBeNull()
  // The group buy's own rating (from groupBuy.get) still shows.
  expect(screen.getByText('4.7★')).toBeTruthy()
})
