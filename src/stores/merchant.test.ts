import { catalogService } from '@/services/catalog'
import { supplyService } from '@/services/supply'
import type { ProductView } from '@/shared/contracts/catalog'
import type { PurchaseOrderView } from '@/shared/contracts/supply'
import { offerProgress, useMerchantStore } from './merchant'

jest.mock('@/services/catalog', () => ({ catalogService: { listMine: jest.fn(), get: jest.fn(), create: jest.fn(), update: jest.fn() } }))
jest.mock('@/services/supply', () => ({ supplyService: { listMine: jest.fn(), publish: jest.fn(), purchaseOrders: jest.fn(), markShipped: jest.fn() } }))
jest.mock('@/services/coupon', () => ({ couponService: { listMyCampaigns: jest.fn(), createCampaign: jest.fn() } }))
const catalog = catalogService as jest.Mocked<typeof catalogService>
const supply = supplyService as jest.Mocked<typeof supplyService>

const product: ProductView = {
  productId: 'p1', merchantId: 'm', name: '赣南脐橙', unit: '箱', spec: '', category: '水果', description: '', images: ['cloud://e.b/products/a.png'],
  imageUrls: ['http://x/a.png'], imageUrlsExpireAt: 0, supplyPriceFen: 2500, suggestedPriceFen: 3990, createdAt: 1, updatedAt: 1,
}
const po = (status: PurchaseOrderView['status']): PurchaseOrderView => ({
  purchaseOrderId: 'po1', offerId: 'o1', pickupPointId: 'pp1', pickupPointName: '幸福里社区', storeName: '便民店', address: '3 号楼', quantity: 12,
  groupBuyIds: ['g1'], status, createdAt: 1, shippedAt: status === 'OPEN' ? null : 2, receivedAt: null, receivedQuantity: null,
})

beforeEach(() => {
  useMerchantStore.getState().reset()
  jest.clearAllMocks()
  catalog.listMine.mockResolvedValue({ ok: true, data: { items: [product], nextCursor: null } })
})

it('a created product appears in my products; a refused one keeps the form and says why', async () => {
  catalog.create.mockResolvedValueOnce({ ok: false, error: { code: 'STORAGE.INVALID_FILE', message: 'missing' } })
  const input = { name: '赣南脐橙', unit: '箱', category: '水果', images: product.images, supplyPriceFen: 2500, suggestedPriceFen: 3990 }
  expect(await useMerchantStore.getState().saveProduct(input)).toBeNull()
  expect(useMerchantStore.getState().saveError?.code).toBe('STORAGE.INVALID_FILE')
  catalog.create.mockResolvedValueOnce({ ok: true, data: { productId: 'p1' } })
  expect(await useMerchantStore.getState().saveProduct(input)).toBe('p1')
  expect(useMerchantStore.getState().saveError).toBeNull()
  // The retry was the same intent (same requestId); the next product is a new one.
  const [first, second] = catalog.create.mock.calls.map((c) => (c[0] as { requestId: string }).requestId)
  expect(second).toBe(first)
  catalog.create.mockResolvedValueOnce({ ok: true, data: { productId: 'p2' } })
  await useMerchantStore.getState().saveProduct({ ...input, name: '另一个' })
  expect((catalog.create.mock.calls[2][0] as { requestId: string }).requestId).not.toBe(first)
  await Promise.resolve()
  expect(useMerchantStore.getState().products.items.map((p) => p.name)).toEqual(['赣南脐橙'])
})

it('editing updates the product in the list with what the cloud stored', async () => {
  await useMerchantStore.getState().refreshProducts()
  catalog.update.mockResolvedValueOnce({ ok: true, data: { product: { ...product, name: '脐橙 10 斤' } } })
  expect(await useMerchantStore.getState().saveProduct({ ...product, name: '脐橙 10 斤' } as never, 'p1')).toBe('p1')
  expect(catalog.update).toHaveBeenCalledWith('p1', expect.objectContaining({ name: '脐橙 10 斤' }))
  expect(useMerchantStore.getState().products.items[0].name).toBe('脐橙 10 斤')
})

it('marking a purchase order shipped shows it shipped; a second tap while one is in flight is ignored', async () => {
  supply.purchaseOrders.mockResolvedValue({ ok: true, data: { items: [po('OPEN')] } })
  await useMerchantStore.getState().loadPurchaseOrders('o1')
  let release: () => void = () => undefined
  supply.markShipped.mockImplementationOnce(() => new Promise((r) => (release = () => r({ ok: true, data: { status: 'SHIPPED' } }))))
  const first = useMerchantStore.getState().markShipped('po1')
  expect(await useMerchantStore.getState().markShipped('po1')).toBe(false)
  supply.purchaseOrders.mockResolvedValue({ ok: true, data: { items: [po('SHIPPED')] } })
  release()
  expect(await first).toBe(true)
  expect(supply.markShipped).toHaveBeenCalledTimes(1)
  expect(useMerchantStore.getState().purchaseOrders.items[0].status).toBe('SHIPPED')
})

it('a refused shipment keeps the order open and reports why', async () => {
  supply.purchaseOrders.mockResolvedValue({ ok: true, data: { items: [po('OPEN')] } })
  await useMerchantStore.getState().loadPurchaseOrders('o1')
  supply.markShipped.mockResolvedValueOnce({ ok: false, error: { code: 'PURCHASE_ORDER.NOT_FOUND', message: '' } })
  expect(await useMerchantStore.getState().markShipped('po1')).toBe(false)
  expect(useMerchantStore.getState().purchaseOrders.items[0].status).toBe('OPEN')
  expect(useMerchantStore.getState().shipError?.code).toBe('PURCHASE_ORDER.NOT_FOUND')
})

it('progress: share of stock taken by leaders, and of that what sold', () => {
  expect(offerProgress({ stock: 100, allocated: 40, sold: 10 })).toEqual({ allocated: 0.4, sold: 0.25 })
  expect(offerProgress({ stock: 100, allocated: 0, sold: 0 })).toEqual({ allocated: 0, sold: 0 })
})
