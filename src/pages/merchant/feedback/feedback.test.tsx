import { act, fireEvent, render, screen } from '@testing-library/react'
import { __reset, calls } from '../../../../test/ui/stubs/taro'
import { feedbackService } from '@/services/after-pickup'
import type { RatingAggregateView } from '@/shared/contracts/feedback'
import { useMerchantFeedbackStore } from '@/stores/merchant-feedback'
import MerchantFeedbackPage from '.'

jest.mock('@/services/after-pickup', () => ({ feedbackService: { myProducts: jest.fn(), forProduct: jest.fn() } }))
const fb = feedbackService as jest.Mocked<typeof feedbackService>

const agg = (avg: number, count: number, stars: [number, number, number, number, number], tagCounts: RatingAggregateView['tagCounts'] = []): RatingAggregateView => ({ avg, count, stars, tagCounts })

beforeEach(() => {
  useMerchantFeedbackStore.getState().reset()
  jest.clearAllMocks()
})

describe('all products', () => {
  beforeEach(() => __reset())

  it('lists each product with its rating and top tags, and opens one', async () => {
    fb.myProducts.mockResolvedValue({
      ok: true,
      data: { items: [{ productId: 'p1', name: '赣南脐橙', rating: agg(4.5, 2, [0, 0, 0, 1, 1], [{ tag: '新鲜', count: 2 }]) }, { productId: 'p2', name: '东北大米', rating: agg(0, 0, [0, 0, 0, 0, 0]) }], nextCursor: null },
    })
    render(<MerchantFeedbackPage />)
    expect(await screen.findByText('赣南脐橙')).toBeTruthy()
    expect(screen.getByText('新鲜 2')).toBeTruthy()
    expect(screen.getByText('暂无评价')).toBeTruthy() // 东北大米, nobody rated yet
    await act(async () => {
      fireEvent.click(screen.getByText('赣南脐橙'))
    })
    expect(calls.navigateTo).toEqual(['/pages/merchant/feedback/index?productId=p1'])
  })

  it('empty and failed lists are worded', async () => {
    fb.myProducts.mockResolvedValueOnce({ ok: true, data: { items: [], nextCursor: null } })
    const { unmount } = render(<MerchantFeedbackPage />)
    expect(await screen.findByText(/还没有商品/)).toBeTruthy()
    unmount()
    useMerchantFeedbackStore.getState().reset()
    fb.myProducts.mockResolvedValueOnce({ ok: false, error: { code: 'AUTH.FORBIDDEN', message: 'role resident' } })
    render(<MerchantFeedbackPage />)
    expect(await screen.findByText('你没有权限进行此操作')).toBeTruthy()
    expect(screen.queryByText(/role resident/)).toBeNull()
  })
})

describe('one product', () => {
  beforeEach(() => __reset({ productId: 'p1' }))

  it('shows overall stars and tags, each pickup point, and the ratings', async () => {
    const overall = agg(3.7, 3, [0, 0, 1, 2, 0], [{ tag: '破损', count: 2 }, { tag: '新鲜', count: 1 }])
    fb.forProduct.mockResolvedValue({
      ok: true,
      data: {
        productId: 'p1',
        rating: overall,
        points: [
          { pickupPointId: 'pp1', name: '幸福里社区', ...agg(4, 2, [0, 0, 0, 2, 0], [{ tag: '新鲜', count: 1 }]) },
          { pickupPointId: 'pp2', name: '阳光花园', ...agg(3, 1, [0, 0, 1, 0, 0], [{ tag: '破损', count: 2 }]) },
        ],
        ratings: { items: [{ key: 'k1', groupBuyId: 'g1', maskedName: '王**', stars: 3, tags: ['破损'], text: '箱子压坏了', images: [], imageUrls: [], ratedOn: 1 }], nextCursor: null },
      },
    })
    render(<MerchantFeedbackPage />)
    expect(await screen.findByText('幸福里社区')).toBeTruthy()
    expect(fb.forProduct).toHaveBeenCalledWith('p1')
    const badges = Array.from(document.querySelectorAll('.rating-badge')).map((b) => b.textContent)
    expect(badges).toEqual(['3.7★ · 3 条评价', '4.0★ · 2 条评价', '3.0★ · 1 条评价'])
    // 4 stars is the largest bucket: the full bar; 3 stars half of it.
    const bars = Array.from(document.querySelectorAll('.rating-breakdown__bar')).map((b) => (b as HTMLElement).style.width)
    expect(bars).toEqual(['0%', '100%', '50%', '0%', '0%'])
    expect(screen.getByText('阳光花园')).toBeTruthy()
    expect(screen.getByText('王**')).toBeTruthy()
    expect(screen.getByText('箱子压坏了')).toBeTruthy()
  })

  it('loading, then a refusal in words', async () => {
    let answer: (v: Awaited<ReturnType<typeof fb.forProduct>>) => void = () => undefined
    fb.forProduct.mockImplementation(() => new Promise((res) => (answer = res)))
    render(<MerchantFeedbackPage />)
    expect(screen.getByText('加载中…')).toBeTruthy()
    await act(async () => answer({ ok: false, error: { code: 'PRODUCT.NOT_FOUND', message: 'product p1 of m2' } }))
    expect(screen.getByText('商品不存在或已下架')).toBeTruthy()
    expect(screen.queryByText(/of m2/)).toBeNull()
  })
})
