import { afterSalesService, feedbackService, memberService } from '@/services/after-pickup'
import { useAfterPickupStore } from './after-pickup'

jest.mock('@/services/after-pickup', () => ({
  feedbackService: { rate: jest.fn(), edit: jest.fn(), mine: jest.fn(), listForGroupBuy: jest.fn(), myProducts: jest.fn(), forProduct: jest.fn(), lastRound: jest.fn() },
  afterSalesService: { request: jest.fn(), decide: jest.fn(), listMine: jest.fn(), listForMe: jest.fn() },
  memberService: { me: jest.fn(), history: jest.fn() },
}))
const fb = feedbackService as jest.Mocked<typeof feedbackService>
const as = afterSalesService as jest.Mocked<typeof afterSalesService>

const rating = { key: 'k1', ratedOn: 0, orderId: 'o1', groupBuyId: 'g1', maskedName: '张**', stars: 5, tags: [], text: '', images: [], imageUrls: [], createdAt: 1, updatedAt: 1, editableUntil: 2 }

beforeEach(() => {
  useAfterPickupStore.getState().reset()
  jest.clearAllMocks()
  fb.mine.mockResolvedValue({ ok: true, data: { rating: null } })
  as.listMine.mockResolvedValue({ ok: true, data: { items: [], nextCursor: null } })
})

it('rates first, then edits the same rating', async () => {
  await useAfterPickupStore.getState().load('o1')
  fb.rate.mockResolvedValue({ ok: true, data: { rating } })
  expect(await useAfterPickupStore.getState().saveRating('o1', { stars: 5, tags: [], text: ' ', images: [] })).toBe(true)
  expect(fb.rate).toHaveBeenCalledWith({ orderId: 'o1', stars: 5, tags: [], images: [] })
  fb.edit.mockResolvedValue({ ok: true, data: { rating: { ...rating, stars: 3 } } })
  await useAfterPickupStore.getState().saveRating('o1', { stars: 3, tags: [], text: '', images: [] })
  expect(fb.edit).toHaveBeenCalledTimes(1)
  expect(useAfterPickupStore.getState().rating?.stars).toBe(3)
})

it('a 售后 request retried after a lost reply re-sends the same requestId; the next request gets a new one', async () => {
  const draft = { quantity: 1, reason: 'DAMAGED' as const, text: '', images: [] }
  as.request.mockResolvedValueOnce({ ok: false, error: { code: 'CLIENT.NETWORK', message: 'timeout' } })
  expect(await useAfterPickupStore.getState().requestAfterSales('o1', draft)).toBe(false)
  expect(useAfterPickupStore.getState().error?.code).toBe('CLIENT.NETWORK')
  as.request.mockResolvedValue({ ok: true, data: { caseId: 'as1', status: 'PENDING' } })
  expect(await useAfterPickupStore.getState().requestAfterSales('o1', draft)).toBe(true)
  await useAfterPickupStore.getState().requestAfterSales('o1', draft)
  const ids = as.request.mock.calls.map((c) => c[0].requestId)
  expect(ids[1]).toBe(ids[0])
  expect(ids[2]).not.toBe(ids[0])
})

it('a decided case leaves the inbox; points load for 我的', async () => {
  as.listForMe.mockResolvedValue({ ok: true, data: { items: [{ caseId: 'as1' }, { caseId: 'as2' }] as never, nextCursor: null } })
  await useAfterPickupStore.getState().loadInbox()
  as.decide.mockResolvedValue({ ok: true, data: { caseId: 'as1', status: 'APPROVED', refundFen: 100, quantity: 1 } })
  await useAfterPickupStore.getState().decide('as1', true)
  expect(useAfterPickupStore.getState().inbox.map((c) => c.caseId)).toEqual(['as2'])
  ;(memberService.me as jest.Mock).mockResolvedValue({ ok: true, data: { points: 39, lifetimePoints: 39, level: 0, levelName: '普通', nextLevelAt: 500, unrecoveredPoints: 0 } })
  await useAfterPickupStore.getState().loadMember()
  expect(useAfterPickupStore.getState().member?.points).toBe(39)
})
