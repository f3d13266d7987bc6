import { act, fireEvent, render, screen } from '@testing-library/react'
import type { LedgerEntryView, MoneyLine } from '@/shared/contracts/ledger'
import { formatTime } from '@/components/format'
import MoneyLines from '.'

const T0 = Date.UTC(2026, 11, 1, 2)
const entry = (p: Partial<LedgerEntryView>): LedgerEntryView => ({
  entryId: 'e', orderId: 'o1', groupBuyId: 'g1', party: 'merchant', partyId: 'm1', kind: 'SALE', amountFen: 1800, state: 'FROZEN', createdAt: T0, title: '赣南脐橙', seq: 3, refId: null, reason: '售出', ...p,
})
const line = (p: Partial<MoneyLine>): MoneyLine => ({
  lineId: 'o1', kind: 'ORDER', at: T0, orderId: 'o1', title: '赣南脐橙', quantity: 3, keptQuantity: 3, seq: 3, shareFen: 1800, state: 'AWAITING_PICKUP',
  withdrawableAt: null, parts: [{ state: 'AWAITING_PICKUP', amountFen: 1800 }], debtFen: 0, events: [{ reason: '售出', amountFen: 1800, at: T0, debtFen: 0 }], entries: [entry({})], ...p,
})

it('one line per order: what sold, the share, each amount by its reason, and where it stands', () => {
  render(
    <MoneyLines
      items={[
        line({
          keptQuantity: 2, shareFen: 1200,
          events: [{ reason: '售出', amountFen: 1800, at: T0, debtFen: 0 }, { reason: '缺货退款', amountFen: -600, at: T0 + 1000, debtFen: 0 }],
          entries: [entry({ entryId: 'e1' }), entry({ entryId: 'e2', kind: 'REVERSAL', amountFen: -600, reason: '缺货退款', refId: 'rs1' })],
        }),
        line({ lineId: 'o2', orderId: 'o2', title: '草莓', quantity: 1, keptQuantity: 1, seq: 7, state: 'AFTER_SALES', withdrawableAt: T0 + 48 * 3600_000, parts: [{ state: 'AFTER_SALES', amountFen: 1800 }] }),
        line({ lineId: 'o3', orderId: 'o3', title: '蓝莓', seq: null, state: 'AVAILABLE', parts: [{ state: 'AVAILABLE', amountFen: 800 }, { state: 'PAID_OUT', amountFen: 1000 }] }),
        line({ lineId: 'o4', orderId: 'o4', title: '车厘子', seq: null, shareFen: 900, state: 'DEBT', debtFen: 900, parts: [{ state: 'PAID_OUT', amountFen: 1800 }] }),
        line({ lineId: 'o5', orderId: 'o5', title: '荔枝', seq: null, shareFen: 0, state: 'REFUNDED', parts: [] }),
      ]}
    />,
  )
  expect(screen.getByText('赣南脐橙 × 3（实发 2） #3')).toBeTruthy()
  expect(screen.getByText('+¥12.00')).toBeTruthy()
  expect(screen.getByText('售出 +¥18.00 · 缺货退款 -¥6.00')).toBeTruthy()
  expect(screen.getByText(`${formatTime(T0 + 48 * 3600_000)} 后可提现 · ${formatTime(T0)}`)).toBeTruthy()
  expect(screen.getByText('售后期')).toBeTruthy()
  expect(screen.getByText(`可提现 ¥8.00 · 已提现 ¥10.00 · ${formatTime(T0)}`)).toBeTruthy()
  expect(screen.getByText(`¥9.00：已提现后被退款冲回，从后续收益抵扣 · ${formatTime(T0)}`)).toBeTruthy()
  expect(screen.getByText('欠款')).toBeTruthy()
  expect(screen.getByText('已退款')).toBeTruthy()
})

it('the entries behind a line are one tap away, and fold again', async () => {
  render(<MoneyLines items={[line({ entries: [entry({ entryId: 'e1' }), entry({ entryId: 'e2', kind: 'REVERSAL', amountFen: -600, reason: '缺货退款' })] })]} />)
  expect(screen.queryByText(`缺货退款 · 冻结 · ${formatTime(T0)}`)).toBeNull()
  await act(async () => void fireEvent.click(screen.getByText('明细')))
  expect(screen.getByText(`售出 · 冻结 · ${formatTime(T0)}`)).toBeTruthy()
  expect(screen.getByText(`缺货退款 · 冻结 · ${formatTime(T0)}`)).toBeTruthy()
  expect(screen.getByText('订单号 o1')).toBeTruthy()
  await act(async () => void fireEvent.click(screen.getByText('收起')))
  expect(screen.queryByText('订单号 o1')).toBeNull()
})

it('a payout is one line (提现到微信零钱), its four entries inside; a repayment is 欠款抵扣', () => {
  const held = [
    entry({ entryId: 'p1', orderId: null, kind: 'PAYOUT', amountFen: -2000, state: 'AVAILABLE', reason: '提现' }),
    entry({ entryId: 'p2', orderId: null, kind: 'PAYOUT', amountFen: 2000, state: 'PAYOUT_PENDING', reason: '提现' }),
    entry({ entryId: 'p3', orderId: null, kind: 'PAYOUT', amountFen: -2000, state: 'PAYOUT_PENDING', reason: '提现' }),
    entry({ entryId: 'p4', orderId: null, kind: 'PAYOUT', amountFen: 2000, state: 'PAID_OUT', reason: '提现到账' }),
  ]
  render(
    <MoneyLines
      items={[
        line({ lineId: 'po1', kind: 'PAYOUT', orderId: null, title: null, quantity: null, keptQuantity: null, seq: null, shareFen: -2000, state: 'PAID_OUT', parts: [], events: [{ reason: '提现', amountFen: -2000, at: T0, debtFen: 0 }, { reason: '提现到账', amountFen: 2000, at: T0, debtFen: 0 }], entries: held }),
        line({ lineId: 'dr1', kind: 'DEBT_REPAY', orderId: null, title: null, quantity: null, keptQuantity: null, seq: null, shareFen: -300, state: 'DEBT_REPAID', parts: [], events: [{ reason: '欠款抵扣', amountFen: -300, at: T0, debtFen: 0 }], entries: [] }),
      ]}
    />,
  )
  expect(screen.getAllByText('提现到微信零钱')).toHaveLength(1)
  expect(screen.getByText('-¥20.00')).toBeTruthy()
  expect(screen.getByText(`提现 ${formatTime(T0)} · 提现到账 ${formatTime(T0)}`)).toBeTruthy()
  expect(screen.getByText('已提现')).toBeTruthy()
  expect(screen.getAllByText('欠款抵扣')).toHaveLength(1)
})
