import { act, fireEvent, render, screen } from '@testing-library/react'
import { __reset } from '../../../../test/ui/stubs/taro'
import { feedbackService } from '@/services/after-pickup'
import { catalogService } from '@/services/catalog'
import { supplyService } from '@/services/supply'
import type { ProductView } from '@/shared/contracts/catalog'
import type { LastRoundView } from '@/shared/contracts/feedback'
import { lowestSellablePriceFen } from '@/shared/domain/supply'
import { useMerchantStore } from '@/stores/merchant'
import { useMerchantFeedbackStore } from '@/stores/merchant-feedback'
import { useSessionStore } from '@/stores/session'
import MerchantPublishPage from '.'

jest.mock('@/services/catalog', () => ({ catalogService: { get: jest.fn(), listMine: jest.fn() } }))
jest.mock('@/services/after-pickup', () => ({ feedbackService: { lastRound: jest.fn() } }))
jest.mock('@/services/supply', () => ({ supplyService: { pricing: jest.fn(), publish: jest.fn(), listMine: jest.fn() } }))
const catalog = catalogService as jest.Mocked<typeof catalogService>
const supply = supplyService as jest.Mocked<typeof supplyService>
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
  supply.pricing.mockResolvedValue({ ok: true, data: { maxTierBonusBp: 200, handlingFees: [{ pickupPointId: 'pp1', handlingFeeFen: 50 }] } })
  supply.listMine.mockResolvedValue({ ok: true, data: { items: [], nextCursor: null } })
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

it('before submit: the lowest price leaders can sell at, and why it is above the minimum typed (#22)', async () => {
  fb.lastRound.mockResolvedValue({ ok: true, data: { lastRound: null } })
  render(<MerchantPublishPage />)
  // Supply ¥25.50, commission 10 %, top tier +2 %, the point's ¥0.50 fee: the server's rule gives ¥29.54.
  expect(lowestSellablePriceFen({ minPriceFen: 2550, maxPriceFen: 3990, supplyPriceFen: 2550, commissionBp: 1000 }, 200, 50)).toBe(2954)
  expect(await screen.findByText(/^团长最低可按 ¥29\.54 开团，高于你填的最低售价 ¥25\.50：/)).toBeTruthy()
  expect(screen.getByText(/团长佣金 10%、月销奖励最高 2% 和自提点每单手续费 ¥0\.50/)).toBeTruthy()
  // Raising the minimum to a price that sells: the hint just confirms it.
  const min = document.querySelectorAll('.form-field__input')[2] as HTMLInputElement
  fireEvent.input(min, { target: { value: '30' } })
  expect(await screen.findByText('团长最低可按 ¥30.00 开团。')).toBeTruthy()
})

it('a refused publish is worded for the merchant and sits with the button, not below the fold', async () => {
  fb.lastRound.mockResolvedValue({ ok: true, data: { lastRound: null } })
  supply.publish.mockResolvedValue({ ok: false, error: { code: 'SUPPLY.PRICE_OUT_OF_RANGE', message: 'maxPriceFen: 最高售价扣除供货价和佣金后不足以成交' } })
  render(<MerchantPublishPage />)
  await screen.findByText('确认发布')
  await act(async () => screen.getByText('确认发布').click())
  const error = await screen.findByText('按这个价格区间团长无法开团：最高售价扣除团长佣金和奖励后不够付供货价，请提高最高售价或降低佣金')
  expect(error.closest('.bottom-bar')).toBe(screen.getByText('确认发布').closest('.bottom-bar'))
  expect(screen.queryByText('售价不在货源允许的价格区间内')).toBeNull()
})
