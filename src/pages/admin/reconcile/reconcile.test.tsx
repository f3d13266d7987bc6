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

  svc.reconcile.mockResolvedValue({ ok: true, data: { reconciliationId: 'r2', at: Date.UTC(2026, 11, 2), orders: 7, mismatchCount: 1, mismatches: [{ orderId: 'o9', kind: 'PAID_MINUS_REFUNDED', expected: 1000, actual: 999 }] } })
  await act(async () => void fireEvent.click(screen.getByText('立即对账')))
  expect(await screen.findByText('发现 1 笔差异（不会自动修正）')).toBeTruthy()
  expect(screen.getByText('分账合计 ≠ 实付 − 退款')).toBeTruthy()
  expect(screen.getByText('订单 o9')).toBeTruthy()
  expect(screen.getByText('应为 1000 · 实为 999')).toBeTruthy()
})

it('lists handed-over orders whose shipping info WeChat has not accepted yet', async () => {
  svc.lastReconciliation.mockResolvedValue({ ok: true, data: { report: null } })
  svc.shippingBacklog.mockResolvedValue({ ok: true, data: { count: 1, items: [{ orderId: 'o7', itemDesc: '赣南脐橙*2', handedOverAt: Date.UTC(2026, 11, 5, 2), attempts: 3, lastError: '-1 system error' }] } })
  render(<AdminReconcilePage />)
  expect(await screen.findByText('1 笔已提货订单的发货信息尚未被微信接收（自动重试中）')).toBeTruthy()
  expect(screen.getByText('赣南脐橙*2')).toBeTruthy()
  expect(screen.getByText('最近错误 -1 system error')).toBeTruthy()
})
