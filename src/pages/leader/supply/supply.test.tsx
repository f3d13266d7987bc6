import { fireEvent, render, screen } from '@testing-library/react'
import { __reset, calls } from '../../../../test/ui/stubs/taro'
import { supplyService } from '@/services/supply'
import type { OpenOfferView } from '@/shared/contracts/supply'
import { useSupplyStore } from '@/stores/supply'
import LeaderSupplyPage from '.'

jest.mock('@/services/supply', () => ({ supplyService: { listOpen: jest.fn() } }))
const listOpen = supplyService.listOpen as jest.Mock

const offer = (over: Partial<OpenOfferView> = {}): OpenOfferView => ({
  offerId: 'o1', productId: 'p1', merchantId: 'm',
  product: { name: '赣南脐橙 5 斤装', unit: '箱', spec: '', category: '水果', description: '', images: ['cloud://e.b/a.png'], imageUrls: ['http://h/a.png'] },
  supplyPriceFen: 2500, suggestedPriceFen: 3990, minPriceFen: 3290, maxPriceFen: 3990, lowestPriceFen: 3290, commissionBp: 1000, stock: 300, stockLeft: 240,
  startAt: 1, endAt: new Date('2026-12-06T20:00:00+08:00').getTime(), pickupPointIds: null, status: 'OPEN', createdAt: 0, ...over,
})

beforeEach(() => {
  __reset()
  useSupplyStore.getState().reset()
  listOpen.mockReset()
})

it('shows each offer with its photo, price range, commission and stock left; 一键开团 opens the form', async () => {
  listOpen.mockResolvedValue({ ok: true, data: { items: [offer()], nextCursor: null } })
  const { container } = render(<LeaderSupplyPage />)
  expect(await screen.findByText('赣南脐橙 5 斤装')).toBeTruthy()
  expect(container.querySelector('img')?.getAttribute('src')).toBe('http://h/a.png')
  expect(screen.getByText('售价 ¥32.90–¥39.90 / 箱')).toBeTruthy()
  expect(screen.getByText('佣金 10%（每箱 ¥3.29–¥3.99）')).toBeTruthy()
  expect(screen.getByText(/^剩余库存 240箱/)).toBeTruthy()
  fireEvent.click(screen.getByText('一键开团'))
  expect(calls.navigateTo).toEqual(['/pages/leader/from-offer/index?offerId=o1'])
})

it('an offer with nothing left cannot be opened', async () => {
  listOpen.mockResolvedValue({ ok: true, data: { items: [offer({ stockLeft: 0 })], nextCursor: null } })
  render(<LeaderSupplyPage />)
  fireEvent.click(await screen.findByText('已被认领完'))
  expect(calls.navigateTo).toEqual([])
})

it('no offers, and a failure, each have their words', async () => {
  listOpen.mockResolvedValueOnce({ ok: true, data: { items: [], nextCursor: null } })
  const { unmount } = render(<LeaderSupplyPage />)
  expect(await screen.findByText('暂时没有向你的自提点开放的货源')).toBeTruthy()
  unmount()
  useSupplyStore.getState().reset()
  listOpen.mockResolvedValueOnce({ ok: false, error: { code: 'AUTH.FORBIDDEN', message: 'leader only' } })
  render(<LeaderSupplyPage />)
  expect(await screen.findByText('你没有权限进行此操作')).toBeTruthy()
})
