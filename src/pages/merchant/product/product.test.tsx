import { act, fireEvent, render, screen } from '@testing-library/react'
import { __reset, calls } from '../../../../test/ui/stubs/taro'
import { catalogService } from '@/services/catalog'
import { pickImages, uploadImage } from '@/services/storage'
import { useMerchantStore } from '@/stores/merchant'
import { useUploadsStore } from '@/stores/uploads'
import MerchantProductPage from '.'

jest.mock('@/services/catalog', () => ({ catalogService: { listMine: jest.fn(), get: jest.fn(), create: jest.fn(), update: jest.fn() } }))
jest.mock('@/services/storage', () => ({ pickImages: jest.fn(), uploadImage: jest.fn() }))
const catalog = catalogService as jest.Mocked<typeof catalogService>

beforeEach(() => {
  __reset()
  useMerchantStore.getState().reset()
  useUploadsStore.getState().reset()
  jest.clearAllMocks()
  catalog.listMine.mockResolvedValue({ ok: true, data: { items: [], nextCursor: null } })
})

const type = (placeholder: string, value: string) => fireEvent.change(screen.getByPlaceholderText(placeholder), { target: { value } })

it('a merchant adds a photo, fills in prices in ¥ and creates the product (prices sent in fen)', async () => {
  ;(pickImages as jest.Mock).mockResolvedValue([{ path: 'blob:orange', size: 1000 }])
  ;(uploadImage as jest.Mock).mockResolvedValue({ ok: true, data: { fileID: 'cloud://local-env.local-bucket/uploads/x/products/a.png' } })
  catalog.create.mockResolvedValue({ ok: true, data: { productId: 'p1' } })
  render(<MerchantProductPage />)
  await act(async () => {
    fireEvent.click(screen.getByText('添加图片 0/9'))
  })
  expect(screen.getByText('添加图片 1/9')).toBeTruthy()
  type('例如：赣南脐橙 5 斤装', '赣南脐橙')
  type('水果 / 粮油 / 日用…', '水果')
  type('团长进货的价格，例如 25.5', '25.5')
  type('例如 39.9', '39.9')
  await act(async () => {
    fireEvent.click(screen.getByText('创建商品'))
  })
  expect(catalog.create).toHaveBeenCalledWith(
    expect.objectContaining({ name: '赣南脐橙', images: ['cloud://local-env.local-bucket/uploads/x/products/a.png'], supplyPriceFen: 2550, suggestedPriceFen: 3990 }),
  )
  expect(calls.toasts).toContain('商品已创建')
})

it('says per field what to fix, with the shared schema’s messages, and sends nothing', async () => {
  render(<MerchantProductPage />)
  type('例如：赣南脐橙 5 斤装', '脐橙')
  type('水果 / 粮油 / 日用…', '水果')
  type('团长进货的价格，例如 25.5', '30')
  type('例如 39.9', '20')
  await act(async () => {
    fireEvent.click(screen.getByText('创建商品'))
  })
  expect(screen.getByText('至少上传一张商品图片')).toBeTruthy()
  expect(screen.getByText('建议零售价不能低于供货价')).toBeTruthy()
  expect(catalog.create).not.toHaveBeenCalled()
  // Editing the field takes its message away; the photo's stays until a photo is added.
  type('例如 39.9', '39.9')
  expect(screen.queryByText('建议零售价不能低于供货价')).toBeNull()
  expect(screen.getByText('至少上传一张商品图片')).toBeTruthy()
})

it('a refused save is worded, never the raw error', async () => {
  catalog.create.mockResolvedValue({ ok: false, error: { code: 'STORAGE.INVALID_FILE', message: 'file cloud://… missing' } })
  render(<MerchantProductPage />)
  // A photo already stored (the page starts its photo list empty on load).
  act(() => useUploadsStore.getState().start([{ fileId: 'cloud://e.b/a.png', url: 'http://a' }]))
  type('例如：赣南脐橙 5 斤装', '脐橙')
  type('水果 / 粮油 / 日用…', '水果')
  type('团长进货的价格，例如 25.5', '20')
  type('例如 39.9', '30')
  await act(async () => {
    fireEvent.click(screen.getByText('创建商品'))
  })
  expect(screen.getAllByText('只能上传 5MB 以内的 PNG、JPEG 或 WebP 图片').length).toBeGreaterThan(0)
  expect(screen.queryByText(/missing/)).toBeNull()
})

it('editing shows a loading state, then a failure with retry when the product cannot be read', async () => {
  __reset({ id: 'p9' })
  catalog.get.mockResolvedValue({ ok: false, error: { code: 'PRODUCT.NOT_FOUND', message: '' } })
  render(<MerchantProductPage />)
  expect(await screen.findByText('商品不存在或已下架')).toBeTruthy()
  expect(screen.getByText('重试')).toBeTruthy()
})
