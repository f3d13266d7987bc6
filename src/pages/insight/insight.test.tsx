import { act, fireEvent, render, screen } from '@testing-library/react'
import { __reset } from '../../../test/ui/stubs/taro'
import { insightService } from '@/services/insight'
import type { InsightOutputs } from '@/shared/contracts/insight'
import InsightPage from '.'

jest.mock('@/services/insight', () => ({ insightService: { dashboard: jest.fn() } }))
const svc = insightService as jest.Mocked<typeof insightService>

const dashboard: InsightOutputs['dashboard'] = {
  scope: { kind: 'merchant', id: 'm1' },
  days: [
    { day: '2026-11-30', orders: 2, units: 3, salesFen: 5970, refundsFen: 0 },
    { day: '2026-12-01', orders: 1, units: 1, salesFen: 1990, refundsFen: 1990 },
  ],
  points: [{ pickupPointId: 'pp1', name: '幸福里社区', units: 4, salesFen: 7960, fillRate: 0.5, shortageUnits: 2 }],
  products: [{ productId: 'p1', name: '赣南脐橙', units: 4, salesFen: 7960, ratingAvg: 4.5, topTags: ['新鲜', '甜'] }],
  repeatRate: 0.25,
}

beforeEach(() => {
  __reset()
  jest.clearAllMocks()
  svc.dashboard.mockResolvedValue({ ok: true, data: dashboard })
})

it('shows the totals, a bar per day, the pickup points and the product table', async () => {
  render(<InsightPage />)
  await screen.findByText('幸福里社区')
  const totals = Array.from(document.querySelectorAll('.insight__total-value')).map((e) => e.textContent)
  expect(totals).toEqual(['3', '¥79.60', '¥19.90', '25%']) // paid orders, sales, refunds, repeat rate
  expect(screen.getByText(/成团率 50% · 缺货 2/)).toBeTruthy()
  expect(screen.getByText('赣南脐橙（新鲜、甜）')).toBeTruthy()
  expect(screen.getByText('4.5')).toBeTruthy()
  // jsdom cannot draw the canvas chart, so the CSS bars stand in: the larger day is the full bar, the other a third.
  expect(await screen.findByLabelText('11-30 ¥59.70')).toBeTruthy()
  const bars = document.querySelectorAll('.sales-chart__day-bar:not(.sales-chart__day-refund)')
  expect(Array.from(bars).map((b) => (b as HTMLElement).style.height)).toEqual(['100%', '33.3%'])
  expect(screen.getByLabelText('幸福里社区 ¥79.60')).toBeTruthy()
})

it('asks for whole China-time days: 7 by default, 30 on request', async () => {
  render(<InsightPage />)
  await screen.findByText('幸福里社区')
  const [from, to] = svc.dashboard.mock.calls[0]
  expect(to - from).toBe(7 * 86_400_000)
  expect((to + 8 * 3_600_000) % 86_400_000).toBe(0)
  await act(async () => void fireEvent.click(screen.getByText('近 30 天')))
  const [from30, to30] = svc.dashboard.mock.calls[1]
  expect(to30 - from30).toBe(30 * 86_400_000)
})
