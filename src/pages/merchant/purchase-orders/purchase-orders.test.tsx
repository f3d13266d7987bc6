import { act, fireEvent, render, screen } from '@testing-library/react'
import { __answerModal, __reset, calls } from '../../../../test/ui/stubs/taro'
import { supplyService } from '@/services/supply'
import type { PurchaseOrderView } from '@/shared/contracts/supply'
import { useMerchantStore, type MerchantOffer } from '@/stores/merchant'
import MerchantPurchaseOrdersPage from '.'

jest.mock('@/services/supply', () => ({ supplyService: { listMine: jest.fn(), purchaseOrders: jest.fn(), markShipped: jest.fn() } }))
const supply = supplyService as jest.Mocked<typeof supplyService>

const offer: MerchantOffer = {
  offerId: 'o1', productId: 'p1', merchantId: 'demo-merchant',
  product: { name: '赣南脐橙 5 斤装', unit: '箱', spec: '', category: '水果', description: '', images: [], imageUrls: ['http://x/a.png'] },
  supplyPriceFen: 2500, suggestedPriceFen: 3990, minPriceFen: 3290, maxPriceFen: 3990, commissionBp: 1000, stock: 300, stockLeft: 240,
  startAt: 1, endAt: 2, pickupPointIds: null, status: 'OPEN', createdAt: 0, allocated: 60, sold: 12,
  points: [{ pickupPointId: 'pp1', name: '幸福里社区', allocated: 60, sold: 12, groupBuys: 1 }],
}
const po = (status: PurchaseOrderView['status']): PurchaseOrderView => ({
  purchaseOrderId: 'po1', offerId: 'o1', pickupPointId: 'pp1', pickupPointName: '幸福里社区', storeName: '幸福里便民店', address: '幸福里小区 3 号楼底商',
  quantity: 12, groupBuyIds: ['g1'], status, createdAt: 1, shippedAt: status === 'OPEN' ? null : Date.now(), receivedAt: null, receivedQuantity: null,
})

beforeEach(() => {
  __reset({ offerId: 'o1' })
  useMerchantStore.getState().reset()
  jest.clearAllMocks()
  supply.listMine.mockResolvedValue({ ok: true, data: { items: [offer], nextCursor: null } })
})

it('shows each point’s progress and its purchase order with the address; 标记已发货 marks it shipped', async () => {
  supply.purchaseOrders.mockResolvedValue({ ok: true, data: { items: [po('OPEN')] } })
  render(<MerchantPurchaseOrdersPage />)
  expect(await screen.findByText('幸福里社区（幸福里便民店）')).toBeTruthy()
  expect(screen.getByText('已售 12 / 认领 60箱')).toBeTruthy()
  expect(screen.getByText('送货地址：幸福里小区 3 号楼底商')).toBeTruthy()
  expect(screen.getByText('应发 12箱')).toBeTruthy()
  supply.markShipped.mockResolvedValue({ ok: true, data: { status: 'SHIPPED' } })
  supply.purchaseOrders.mockResolvedValue({ ok: true, data: { items: [po('SHIPPED')] } })
  await act(async () => {
    fireEvent.click(screen.getByText('标记已发货'))
  })
  expect(supply.markShipped).toHaveBeenCalledWith('po1')
  expect(await screen.findByText('已发货')).toBeTruthy()
  expect(screen.queryByText('标记已发货')).toBeNull()
  expect(calls.toasts).toContain('已标记发货')
})

it('nothing is shipped when the merchant cancels the confirmation', async () => {
  supply.purchaseOrders.mockResolvedValue({ ok: true, data: { items: [po('OPEN')] } })
  __answerModal(false)
  render(<MerchantPurchaseOrdersPage />)
  const ship = await screen.findByText('标记已发货')
  await act(async () => {
    fireEvent.click(ship)
  })
  expect(supply.markShipped).not.toHaveBeenCalled()
})

it('before the group buys end there are no purchase orders yet, and that is said', async () => {
  supply.purchaseOrders.mockResolvedValue({ ok: true, data: { items: [] } })
  render(<MerchantPurchaseOrdersPage />)
  expect(await screen.findByText('团购结束并成团后，这里会按自提点生成采购单')).toBeTruthy()
})
