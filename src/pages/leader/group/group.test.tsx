import { act, fireEvent, render, screen } from '@testing-library/react'
import { __reset, calls } from '../../../../test/ui/stubs/taro'
import { feedbackService } from '@/services/after-pickup'
import { groupBuyService } from '@/services/group-buy'
import type { RatingView } from '@/shared/contracts/feedback'
import type { GroupBuyView } from '@/shared/contracts/group-buy'
import { useGroupBuyStore } from '@/stores/group-buy'
import { useLeaderStore } from '@/stores/leader'
import { useRatingsStore } from '@/stores/ratings'
import { useSupplyStore } from '@/stores/supply'
import LeaderGroupPage from '.'

jest.mock('@/services/group-buy', () => ({ groupBuyService: { get: jest.fn(), participants: jest.fn(), pickList: jest.fn(), markArrived: jest.fn(), shareCode: jest.fn() } }))
jest.mock('@/services/after-pickup', () => ({ feedbackService: { listForGroupBuy: jest.fn() } }))
const gbs = groupBuyService as jest.Mocked<typeof groupBuyService>
const fb = feedbackService as jest.Mocked<typeof feedbackService>
const noRatings = { avg: 0, count: 0, stars: [0, 0, 0, 0, 0] as [number, number, number, number, number], tagCounts: [] }
const rating = (n: number, extra: Partial<RatingView> = {}): RatingView => ({
  key: `k${n}`, groupBuyId: 'g1', maskedName: `住户${n}**`, stars: 5, tags: [], text: '', images: [], imageUrls: [], ratedOn: n, ...extra,
})

const gb: GroupBuyView & { myQuantity: number } = {
  groupBuyId: 'g1', title: '赣南脐橙', description: '', images: [], unit: '箱', priceFen: 3590, originalPriceFen: null, stock: 20, stockLeft: 17,
  minParticipants: 2, paidParticipants: 2, limitPerUser: 3, startAt: 1, endAt: 2, pickupPointId: 'pp1', status: 'CLOSED', createdAt: 0,
  arrivedAt: null, imageUrls: ['http://h/a.png'], offerId: 'o1', merchantId: 'demo-merchant', myQuantity: 0,
}

beforeEach(() => {
  __reset({ id: 'g1' })
  useGroupBuyStore.getState().reset()
  useLeaderStore.getState().reset()
  useSupplyStore.getState().reset()
  useRatingsStore.getState().reset()
  jest.clearAllMocks()
  fb.listForGroupBuy.mockResolvedValue({ ok: true, data: { items: [], nextCursor: null, rating: noRatings } })
  gbs.get.mockResolvedValue({ ok: true, data: { groupBuy: gb } })
  gbs.participants.mockResolvedValue({ ok: true, data: { items: [], nextCursor: null } })
  gbs.pickList.mockResolvedValue({
    ok: true,
    data: { items: [{ seq: 1, maskedName: '张**', quantity: 1, servedQuantity: 1, status: 'PAID' }, { seq: 2, maskedName: '李**', quantity: 2, servedQuantity: 2, status: 'PAID' }] },
  })
})

it('a short arrival is signed off with the quantity that came, and the refund is reported', async () => {
  gbs.markArrived.mockResolvedValue({ ok: true, data: { readyOrders: 2, shortOrders: 1, refundedFen: 3590 } })
  const { container } = render(<LeaderGroupPage />)
  const signOff = await screen.findByRole('button', { name: '确认到货' })
  await act(async () => {
    fireEvent.click(signOff)
  })
  expect(await screen.findByText('应到 3箱，实到')).toBeTruthy()
  fireEvent.click(container.querySelector('.nut-inputnumber-minus') as Element)
  expect(await screen.findByText('#2 李**：应发 2，实发 1，退 ¥35.90')).toBeTruthy()
  await act(async () => {
    fireEvent.click(screen.getByText('确认到货 2箱 并退款'))
  })
  expect(gbs.markArrived).toHaveBeenCalledWith('g1', 2)
  expect(calls.toasts).toEqual(['已通知 2 位团员提货，1 单缺货已退 ¥35.90'])
})

it('a refused sign-off is worded, not raw', async () => {
  gbs.markArrived.mockResolvedValue({ ok: false, error: { code: 'GROUP_BUY.NOT_SUCCEEDED', message: 'status OPEN' } })
  render(<LeaderGroupPage />)
  const signOff = await screen.findByRole('button', { name: '确认到货' })
  await act(async () => {
    fireEvent.click(signOff)
  })
  const all = await screen.findByText('确认全部到货')
  await act(async () => {
    fireEvent.click(all)
  })
  expect(gbs.markArrived).toHaveBeenCalledWith('g1', undefined)
  expect(calls.toasts).toEqual(['团购尚未成团，暂不能确认到货'])
})

it('lists the group buy\'s ratings with masked names, and loads more on request', async () => {
  gbs.get.mockResolvedValue({ ok: true, data: { groupBuy: { ...gb, rating: { avg: 4, count: 3 } } } })
  const agg = { ...noRatings, avg: 4, count: 3, stars: [0, 0, 1, 0, 2] as [number, number, number, number, number] }
  fb.listForGroupBuy.mockResolvedValueOnce({ ok: true, data: { items: [rating(1, { stars: 3, tags: ['破损'], text: '有两个压坏了' }), rating(2)], nextCursor: 'c1', rating: agg } })
  render(<LeaderGroupPage />)
  expect(await screen.findByText('住户1**')).toBeTruthy()
  expect(screen.getByText('有两个压坏了')).toBeTruthy()
  expect(document.querySelector('.rating-badge')?.textContent).toBe('4.0★ · 3 条评价')
  fb.listForGroupBuy.mockResolvedValueOnce({ ok: true, data: { items: [rating(3)], nextCursor: null, rating: agg } })
  await act(async () => {
    fireEvent.click(screen.getByText('查看更多评价'))
  })
  expect(fb.listForGroupBuy).toHaveBeenLastCalledWith('g1', 'c1')
  expect(screen.getByText('住户3**')).toBeTruthy()
  expect(screen.queryByText('查看更多评价')).toBeNull()
})

it('no ratings yet, or ratings that fail to load, are shown in words', async () => {
  render(<LeaderGroupPage />)
  expect(await screen.findByText('还没有团员评价：提货后团员可以打分、写评价')).toBeTruthy()
  fb.listForGroupBuy.mockResolvedValue({ ok: false, error: { code: 'INTERNAL', message: 'Error: db timeout at stats.ts:12' } })
  await act(async () => {
    await useRatingsStore.getState().loadGroup('g1')
  })
  expect(screen.getByText('系统繁忙，请稍后再试')).toBeTruthy()
  expect(screen.queryByText(/db timeout/)).toBeNull()
})

it('marks joins through the poster as 来自海报, and 生成海报 asks for the code once', async () => {
  gbs.participants.mockResolvedValue({
    ok: true,
    data: { items: [{ seq: 1, maskedName: '张**', quantity: 1, status: 'PAID', createdAt: 1, fromPoster: true }, { seq: 2, maskedName: '李**', quantity: 2, status: 'PAID', createdAt: 2, fromPoster: false }], nextCursor: null },
  })
  gbs.shareCode.mockResolvedValue({ ok: true, data: { fileID: 'cloud://x/share-codes/p.png', tempFileURL: 'http://h/p.png', scene: 'p' + 'A'.repeat(24), poster: { leaderName: '王姐', pickupPointName: '幸福里', pickupPointAddress: '3 号楼' } } })
  render(<LeaderGroupPage />)
  expect(await screen.findByText('张**')).toBeTruthy()
  expect(screen.getAllByText('来自海报')).toHaveLength(1)
  await act(async () => {
    fireEvent.click(screen.getByText('生成海报'))
  })
  await act(async () => {
    fireEvent.click(screen.getByText('生成海报'))
  })
  expect(gbs.shareCode).toHaveBeenCalledTimes(1)
  expect(gbs.shareCode).toHaveBeenCalledWith('g1')
})


it('a 阶梯价 group buy that has succeeded is signed off only after 截团: the button waits and says why', async () => {
  const tiers = [{ minQuantity: 1, priceFen: 3590 }, { minQuantity: 10, priceFen: 2990 }]
  gbs.get.mockResolvedValue({ ok: true, data: { groupBuy: { ...gb, offerId: null, merchantId: null, status: 'SUCCEEDED', endAt: Date.now() + 3600_000, priceTiers: tiers } } })
  render(<LeaderGroupPage />)
  expect(await screen.findByText('已成团：截团后即可确认到货（阶梯价截团时才定成交价）')).toBeTruthy()
  const signOff = screen.getByRole('button', { name: '确认到货' })
  expect(signOff.hasAttribute('disabled') || signOff.getAttribute('aria-disabled') === 'true').toBe(true)
})
