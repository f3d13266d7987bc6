import { act, fireEvent, render, screen } from '@testing-library/react'
import { __reset } from '../../../../test/ui/stubs/taro'
import { adminService } from '@/services/admin'
import { useReconcileStore } from '@/stores/reconcile'
import AdminReconcilePage from '.'

jest.mock('@/services/admin', () => ({ adminService: { reconcile: jest.fn(), lastReconciliation: jest.fn(), shippingBacklog: jest.fn() } }))
const svc = adminService as unknown as Record<'reconcile' | 'lastReconciliation' | 'shippingBacklog', jest.Mock>

beforeEach(() => {
  __reset()
  useReconcileStore.getState().reset()
  jest.clearAllMocks()
  svc.shippingBacklog.mockResolvedValue({ ok: true, data: { items: [], count: 0 } })
})

it('shows the latest reconciliation, and a run on demand with its mismatches in words', async () => {
  svc.lastReconciliation.mockResolvedValue({ ok: true, data: { report: { reconciliationId: 'r1', at: Date.UTC(2026, 11, 1), orders: 6, mismatches: [], mismatchCount: 0 } } })
  render(<AdminReconcilePage />)
  expect(await screen.findByText('账实相符，0 笔差异')).toBeTruthy()
  expect(screen.getByText('核对订单 6 笔')).toBeTruthy()

  svc.reconcile.mockResolvedValue({
    ok: true,
    data: {
      reconciliationId: 'r2', at: Date.UTC(2026, 11, 2), orders: 7, mismatchCount: 3, debts: [{ account: 'leader:l1', debtFen: 450 }],
      mismatches: [
        { orderId: 'o9', kind: 'PAID_MINUS_REFUNDED', expected: 1000, actual: 999 },
        { orderId: 'o8', title: '赣南脐橙', account: 'store:p1', kind: 'SPLIT', expected: 50, actual: 51 },
        { orderId: null, account: 'leader:l1', kind: 'BALANCE', expected: { paidOutFen: 2000 }, actual: { paidOutFen: 1500 } },
      ],
      totals: [
        { party: 'merchant', accounts: 1, salesFen: 180000, refundsFen: -5800, netFen: 174200, frozenFen: 4200, availableFen: 70000, pendingPayoutFen: 0, paidOutFen: 100000, debtFen: 0 },
        { party: 'leader', accounts: 2, salesFen: 30000, refundsFen: -580, netFen: 29420, frozenFen: 420, availableFen: 9000, pendingPayoutFen: 0, paidOutFen: 20000, debtFen: 450 },
        { party: 'store', accounts: 1, salesFen: 1500, refundsFen: 0, netFen: 1500, frozenFen: 100, availableFen: 1400, pendingPayoutFen: 0, paidOutFen: 0, debtFen: 0 },
        { party: 'platform', accounts: 1, salesFen: 8500, refundsFen: -300, netFen: 8200, frozenFen: 200, availableFen: 8000, pendingPayoutFen: 0, paidOutFen: 0, debtFen: 0 },
      ],
    },
  })
  await act(async () => void fireEvent.click(screen.getByText('立即对账')))
  expect(await screen.findByText('发现 3 笔差异（不会自动修正）')).toBeTruthy()
  expect(screen.getByText('分账合计 ≠ 实付 − 退款')).toBeTruthy()
  expect(screen.getByText('订单 o9')).toBeTruthy()
  expect(screen.getByText('应为 ¥10.00 · 账上 ¥9.99')).toBeTruthy()
  // A split difference names the order, its title and whose share.
  expect(screen.getByText('订单 赣南脐橙 · o8 · 门店分成')).toBeTruthy()
  expect(screen.getByText('应为 ¥0.50 · 账上 ¥0.51')).toBeTruthy()
  expect(screen.getByText('应为 已提现 ¥20.00 · 账上 已提现 ¥15.00')).toBeTruthy()
  // Totals per party, the platform's fees among them.
  expect(screen.getByText('商家 · 1 个账户')).toBeTruthy()
  expect(screen.getByText('¥1742.00')).toBeTruthy()
  expect(screen.getByText('团长 · 2 个账户')).toBeTruthy()
  expect(screen.getByText('平台（服务费与差价）')).toBeTruthy()
  expect(screen.getByText(/^平台服务费 ¥82.00/)).toBeTruthy()
  expect(screen.getByText('冻结 ¥4.20 · 可提现 ¥90.00 · 提现中 ¥0.00 · 已提现 ¥200.00 · 欠款 ¥4.50')).toBeTruthy()
})

it('lists handed-over orders whose shipping info WeChat has not accepted yet', async () => {
  svc.lastReconciliation.mockResolvedValue({ ok: true, data: { report: null } })
  svc.shippingBacklog.mockResolvedValue({ ok: true, data: { count: 1, items: [{ orderId: 'o7', itemDesc: '赣南脐橙*2', handedOverAt: Date.UTC(2026, 11, 5, 2), attempts: 3, lastError: '-1 system error' }] } })
  render(<AdminReconcilePage />)
  expect(await screen.findByText('1 笔已提货订单的发货信息尚未被微信接收（自动重试中）')).toBeTruthy()
  expect(screen.getByText('赣南脐橙*2')).toBeTruthy()
  expect(screen.getByText('最近错误 -1 system error')).toBeTruthy()
})
