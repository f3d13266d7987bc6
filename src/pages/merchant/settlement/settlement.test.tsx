import { act, fireEvent, render, screen } from '@testing-library/react'
import dayjs from 'dayjs'
import { __reset } from '../../../../test/ui/stubs/taro'
import { ledgerService } from '@/services/ledger'
import { useEarningsStore } from '@/stores/earnings'
import MerchantSettlementPage from '.'

jest.mock('@/services/ledger', () => ({ ledgerService: { balance: jest.fn(), entries: jest.fn(), lines: jest.fn(), statement: jest.fn(), requestPayout: jest.fn(), payouts: jest.fn(), refreshPayout: jest.fn() } }))
const svc = ledgerService as unknown as Record<'balance' | 'entries' | 'lines' | 'statement' | 'requestPayout' | 'payouts' | 'refreshPayout', jest.Mock>

const statementOf = (month: string, salesFen: number) => ({ ok: true, data: { month, totals: { orders: 3, salesFen, refundsFen: -2200, netFen: salesFen - 2200, paidOutFen: 0 }, csv: { fileID: 'cloud://x', tempFileURL: 'http://x' } } })

const T0 = Date.UTC(2026, 11, 3, 2)
const sale = { entryId: 'e1', orderId: 'o1', groupBuyId: 'g1', party: 'merchant', partyId: 'm1', kind: 'SALE', amountFen: 5800 * 2, state: 'FROZEN', createdAt: T0, title: '阳山水蜜桃', seq: 12, refId: null, reason: '售出' }
const shortLine = {
  lineId: 'o1', kind: 'ORDER', at: T0, orderId: 'o1', title: '阳山水蜜桃', quantity: 2, keptQuantity: 1, seq: 12, shareFen: 5800, state: 'AWAITING_PICKUP', withdrawableAt: null,
  parts: [{ state: 'AWAITING_PICKUP', amountFen: 5800 }], debtFen: 0,
  events: [{ reason: '售出', amountFen: 11600, at: T0, debtFen: 0 }, { reason: '缺货退款', amountFen: -5800, at: T0 + 1000, debtFen: 0 }],
  entries: [sale, { ...sale, entryId: 'e2', kind: 'REVERSAL', amountFen: -5800, refId: 'rs1', reason: '缺货退款' }],
}

beforeEach(() => {
  __reset()
  useEarningsStore.getState().reset()
  jest.clearAllMocks()
  svc.balance.mockResolvedValue({ ok: true, data: { party: 'merchant', partyId: 'm1', frozenFen: 2200, awaitingPickupFen: 1500, afterSalesFen: 700, availableFen: 6600, paidOutFen: 0, pendingPayoutFen: 0, debtFen: 0, tier: null } })
  svc.payouts.mockResolvedValue({ ok: true, data: { items: [] } })
  svc.lines.mockResolvedValue({ ok: true, data: { items: [shortLine], nextCursor: null } })
  svc.statement.mockImplementation(async (month: string) => statementOf(month, month === dayjs().format('YYYY-MM') ? 12000 : 5000))
})

it('shows what is owed and this month’s statement; the previous month is one tap away', async () => {
  render(<MerchantSettlementPage />)
  expect(await screen.findByText('¥88.00')).toBeTruthy()
  expect(screen.getByText('可结算 ¥66.00')).toBeTruthy()
  // Frozen money in its two stages: not picked up yet, and picked up but still in the after-sales window.
  expect(screen.getByText('待提货 ¥15.00')).toBeTruthy()
  expect(screen.getByText('售后期 ¥7.00')).toBeTruthy()
  expect(await screen.findByText('¥120.00')).toBeTruthy()
  expect(screen.getByText('¥98.00')).toBeTruthy()
  await act(async () => void fireEvent.click(screen.getByText('上月')))
  const prev = dayjs().subtract(1, 'month').format('YYYY-MM')
  expect(svc.statement).toHaveBeenLastCalledWith(prev, 'merchant')
  expect(await screen.findByText(`${prev} 对账单`)).toBeTruthy()
  expect(await screen.findByText('¥50.00')).toBeTruthy()
})

it('each order is one line naming its amounts’ reasons: no unexplained −¥58', async () => {
  render(<MerchantSettlementPage />)
  expect(await screen.findByText('阳山水蜜桃 × 2（实发 1） #12')).toBeTruthy()
  expect(screen.getByText('售出 +¥116.00 · 缺货退款 -¥58.00')).toBeTruthy()
  expect(screen.getByText('+¥58.00')).toBeTruthy()
  expect(svc.lines).toHaveBeenCalledWith(undefined, 'merchant')
  await act(async () => void fireEvent.click(screen.getByText('明细')))
  expect(screen.getByText(/^缺货退款 · 冻结/)).toBeTruthy()
  expect(screen.getByText('订单号 o1')).toBeTruthy()
})
