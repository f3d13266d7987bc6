import { act, fireEvent, render, screen } from '@testing-library/react'
import { __answerModal, __reset, calls } from '../../../../test/ui/stubs/taro'
import { ledgerService } from '@/services/ledger'
import { useEarningsStore } from '@/stores/earnings'
import LeaderEarningsPage from '.'

jest.mock('@/services/ledger', () => ({ ledgerService: { balance: jest.fn(), entries: jest.fn(), lines: jest.fn(), statement: jest.fn(), requestPayout: jest.fn(), payouts: jest.fn(), refreshPayout: jest.fn() } }))
jest.mock('@/services/merchant-transfer', () => ({ confirmMerchantTransfer: jest.fn() }))
const svc = ledgerService as unknown as Record<'balance' | 'entries' | 'lines' | 'statement' | 'requestPayout' | 'payouts' | 'refreshPayout', jest.Mock>

const balance = { party: 'leader', partyId: 'l1', frozenFen: 2740, awaitingPickupFen: 1000, afterSalesFen: 1740, availableFen: 3858, paidOutFen: 2000, pendingPayoutFen: 0, debtFen: 0, tier: { bonusBp: 100, monthPickedUpFen: 1_250_000, nextThresholdFen: 2_000_000 } }
const T0 = Date.UTC(2026, 11, 1, 2)
const sale = { entryId: 'e1', orderId: 'o1', groupBuyId: 'g1', party: 'leader', partyId: 'l1', kind: 'SALE', amountFen: 658, state: 'FROZEN', createdAt: T0, title: '赣南脐橙', seq: 3, refId: null, reason: '售出' }
const reversal = { ...sale, entryId: 'e2', kind: 'REVERSAL', amountFen: -329, refId: 'rs1', reason: '缺货退款' }
const orderLine = {
  lineId: 'o1', kind: 'ORDER', at: T0, orderId: 'o1', title: '赣南脐橙', quantity: 2, keptQuantity: 1, seq: 3, shareFen: 329, state: 'AFTER_SALES', withdrawableAt: T0 + 48 * 3600_000,
  parts: [{ state: 'AFTER_SALES', amountFen: 329 }], debtFen: 0, events: [{ reason: '售出', amountFen: 658, at: T0, debtFen: 0 }, { reason: '缺货退款', amountFen: -329, at: T0, debtFen: 0 }], entries: [sale, reversal],
}
const payoutEntries = [-2000, 2000, -2000, 2000].map((amountFen, i) => ({ ...sale, entryId: `p${i}`, orderId: null, kind: 'PAYOUT', amountFen, state: ['AVAILABLE', 'PAYOUT_PENDING', 'PAYOUT_PENDING', 'PAID_OUT'][i], refId: 'po1', reason: i === 3 ? '提现到账' : '提现' }))
const payoutLine = { ...orderLine, lineId: 'po1', kind: 'PAYOUT', orderId: null, title: null, quantity: null, keptQuantity: null, seq: null, shareFen: -2000, state: 'PAID_OUT', withdrawableAt: null, parts: [], events: [{ reason: '提现', amountFen: -2000, at: T0, debtFen: 0 }, { reason: '提现到账', amountFen: 2000, at: T0, debtFen: 0 }], entries: payoutEntries }

beforeEach(() => {
  __reset()
  useEarningsStore.getState().reset()
  jest.clearAllMocks()
  svc.balance.mockResolvedValue({ ok: true, data: balance })
  svc.payouts.mockResolvedValue({ ok: true, data: { items: [] } })
  svc.lines.mockResolvedValue({ ok: true, data: { items: [payoutLine, orderLine], nextCursor: null } })
})

it('shows what is withdrawable, frozen and paid out, the tier, and one line per order and per payout in words', async () => {
  render(<LeaderEarningsPage />)
  expect(await screen.findByText('¥38.58')).toBeTruthy()
  expect(screen.getByText('¥27.40')).toBeTruthy()
  expect(screen.getByText('待提货 ¥10.00 · 售后期 ¥17.40')).toBeTruthy()
  expect(screen.getByText('¥20.00')).toBeTruthy()
  expect(screen.getByText('本月阶梯 · 当前加成 +1.00%')).toBeTruthy()
  expect(screen.getByText('本月帮卖已提货 ¥12500.00，再帮卖 ¥7500.00 升到下一档')).toBeTruthy()
  expect(screen.getByText('赣南脐橙 × 2（实发 1） #3')).toBeTruthy()
  expect(screen.getByText('+¥3.29')).toBeTruthy()
  expect(screen.getByText('售出 +¥6.58 · 缺货退款 -¥3.29')).toBeTruthy()
  expect(screen.getByText('售后期')).toBeTruthy()
  // The payout: one line, not its four entries.
  expect(screen.getAllByText('提现到微信零钱')).toHaveLength(1)
  expect(screen.queryByText(/提现 · 提现中/)).toBeNull()
  await act(async () => void fireEvent.click(screen.getAllByText('明细')[0]))
  expect(screen.getAllByText(/^提现 · (可提现|提现中)/)).toHaveLength(3)
  expect(svc.lines).toHaveBeenCalledWith(undefined, undefined)
})

it('opened for a store (?as=store): the store’s lines, no withdrawal, no statement', async () => {
  __reset({ as: 'store' })
  svc.balance.mockResolvedValue({ ok: true, data: { ...balance, party: 'store', tier: null } })
  render(<LeaderEarningsPage />)
  expect(await screen.findByText('¥38.58')).toBeTruthy()
  expect(svc.balance).toHaveBeenCalledWith('store')
  expect(svc.lines).toHaveBeenCalledWith(undefined, 'store')
  expect(screen.queryByText('提现')).toBeNull()
  expect(screen.getByText('门店手续费由平台线下结算，不在小程序内提现')).toBeTruthy()
})

it('提现 asks first, then withdraws the whole available balance', async () => {
  svc.requestPayout.mockResolvedValue({ ok: true, data: { payoutId: 'p1', status: 'PENDING', amountFen: 3858 } })
  render(<LeaderEarningsPage />)
  await screen.findByText('¥38.58')
  __answerModal(false)
  await act(async () => void fireEvent.click(screen.getByText('提现')))
  expect(svc.requestPayout).not.toHaveBeenCalled()
  __answerModal(true)
  await act(async () => void fireEvent.click(screen.getByText('提现')))
  expect(svc.requestPayout).toHaveBeenCalledWith(3858, expect.any(String))
  expect(calls.toasts).toContain('已提交提现')
})

it('a refused withdrawal says why, in words', async () => {
  svc.requestPayout.mockResolvedValue({ ok: false, error: { code: 'LEDGER.INSUFFICIENT', message: 'amount exceeds' } })
  render(<LeaderEarningsPage />)
  await screen.findByText('¥38.58')
  await act(async () => void fireEvent.click(screen.getByText('提现')))
  expect(await screen.findByText('可提现余额不足')).toBeTruthy()
})

it('a payout waiting for the payee shows 确认收款; tapping it confirms, and the payout shows 已到账', async () => {
  const waiting = { payoutId: 'p9', party: 'leader', amountFen: 3858, status: 'PENDING', state: 'WAIT_USER_CONFIRM', createdAt: Date.UTC(2026, 11, 5, 2), doneAt: null, confirm: { mchId: '1900000109', appId: 'wx1', package: 'PKG' } }
  const done = { ...waiting, status: 'PAID', state: 'SUCCESS', doneAt: Date.UTC(2026, 11, 5, 3), confirm: null }
  svc.payouts.mockResolvedValueOnce({ ok: true, data: { items: [waiting] } }).mockResolvedValue({ ok: true, data: { items: [done] } })
  svc.refreshPayout.mockResolvedValue({ ok: true, data: done })
  const transfer = jest.requireMock('@/services/merchant-transfer') as { confirmMerchantTransfer: jest.Mock }
  transfer.confirmMerchantTransfer.mockResolvedValue({ ok: true, data: null })
  render(<LeaderEarningsPage />)
  expect(await screen.findByText(/待确认收款/)).toBeTruthy()
  await act(async () => void fireEvent.click(screen.getByText('确认收款')))
  expect(transfer.confirmMerchantTransfer).toHaveBeenCalledWith('p9', { mchId: '1900000109', appId: 'wx1', package: 'PKG' })
  expect(svc.refreshPayout).toHaveBeenCalledWith('p9')
  expect(await screen.findByText(/已到账/)).toBeTruthy()
  expect(screen.queryByText('确认收款')).toBeNull()
})
