import { act, render, screen } from '@testing-library/react'
import { __reset } from '../../../../test/ui/stubs/taro'
import { feedbackService } from '@/services/after-pickup'
import { catalogService } from '@/services/catalog'
import type { ProductView } from '@/shared/contracts/catalog'
import type { LastRoundView } from '@/shared/contracts/feedback'
import { useMerchantStore } from '@/stores/merchant'
import { useMerchantFeedbackStore } from '@/stores/merchant-feedback'
import { useSessionStore } from '@/stores/session'
import MerchantPublishPage from '.'

jest.mock('@/services/catalog', () => ({ catalogService: { get: jest.fn(), listMine: jest.fn() } }))
jest.mock('@/services/after-pickup', () => ({ feedbackService: { lastRound: jest.fn() } }))
const catalog = catalogService as jest.Mocked<typeof catalogService>
const fb = feedbackService as jest.Mocked<typeof feedbackService>

const product: ProductView = {
  productId: 'p1', merchantId: 'm1', name: '赣南脐橙', unit: '箱', spec: '5斤', category: '水果', description: '', images: [], imageUrls: [], imageUrlsExpireAt: 0,
  supplyPriceFen: 2550, suggestedPriceFen: 3990, createdAt: 0, updatedAt: 0,
}
const noRating = { avg: 0, count: 0, stars: [0, 0, 0, 0, 0] as [number, number, number, number, number], tagCounts: [] }
const lastRound: LastRoundView = {
  offerId: 'of1', startAt: 0, endAt: 86_400_000, sold: 42, groupBuys: 3, shortage: 5,
  rating: { avg: 3.8, count: 10, stars: [1, 0, 2, 3, 4], tagCounts: [{ tag: '破损', count: 4 }, { tag: '新鲜', count: 3 }] },
  topComplaints: [{ tag: '破损', count: 4 }, { tag: '分量少', count: 1 }],
}

beforeEach(() => {
  __reset({ productId: 'p1' })
  useMerchantStore.getState().reset()
  useMerchantFeedbackStore.getState().reset()
  // Points already known: the page does not ask the cloud for them again.
  useSessionStore.setState({ pickupPoints: [{ pickupPointId: 'pp1', name: '幸福里社区', storeName: '便利店', address: '' }] })
  jest.clearAllMocks()
  catalog.get.mockResolvedValue({ ok: true, data: { product, rating: noRating } })
})

const nums = () => Array.from(document.querySelectorAll('.publish__last-value')).map((e) => e.textContent)

it('beside the form: the last round\'s sold, shortage, rating and top complaint tags', async () => {
  fb.lastRound.mockResolvedValue({ ok: true, data: { lastRound } })
  render(<MerchantPublishPage />)
  expect(await screen.findByText('破损 4')).toBeTruthy()
  expect(fb.lastRound).toHaveBeenCalledWith('p1')
  expect(nums()).toEqual(['42', '5']) // sold, shortage
  expect(screen.getByText('已售（箱）')).toBeTruthy()
  expect(document.querySelector('.publish__last .rating-badge')?.textContent).toBe('3.8★ · 10 条评价')
  expect(screen.getByText('分量少 1')).toBeTruthy()
  expect(screen.queryByText('新鲜 3')).toBeNull() // praise is not a complaint
  expect(screen.getByText('确认发布')).toBeTruthy()
})

it('a product never offered says it is the first round; the form is still there', async () => {
  fb.lastRound.mockResolvedValue({ ok: true, data: { lastRound: null } })
  render(<MerchantPublishPage />)
  expect(await screen.findByText('这是该商品的第一轮货源，还没有往期数据')).toBeTruthy()
  expect(screen.getByText('确认发布')).toBeTruthy()
})

it('loading, then a failure in words, and the form is not blocked by it', async () => {
  let answer: (v: Awaited<ReturnType<typeof fb.lastRound>>) => void = () => undefined
  fb.lastRound.mockImplementation(() => new Promise((res) => (answer = res)))
  render(<MerchantPublishPage />)
  expect(await screen.findByText('确认发布')).toBeTruthy()
  expect(screen.getByText('加载中…')).toBeTruthy()
  await act(async () => answer({ ok: false, error: { code: 'CLIENT.NETWORK', message: 'request:fail' } }))
  expect(screen.getByText('网络开小差了，请检查网络后重试')).toBeTruthy()
  expect(screen.queryByText(/request:fail/)).toBeNull()
  fb.lastRound.mockResolvedValue({ ok: true, data: { lastRound } })
  await act(async () => screen.getByText('重试').click())
  expect(nums()).toEqual(['42', '5'])
})
