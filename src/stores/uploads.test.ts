import { pickImages, uploadImage } from '@/services/storage'
import { useUploadsStore } from './uploads'

jest.mock('@/services/storage', () => ({ pickImages: jest.fn(), uploadImage: jest.fn() }))
const pick = pickImages as jest.Mock
const upload = uploadImage as jest.Mock

beforeEach(() => {
  useUploadsStore.getState().reset()
  jest.clearAllMocks()
})

it('uploads each picked photo; only stored ones are saved, a refused one shows why', async () => {
  pick.mockResolvedValueOnce([{ path: 'blob:1', size: 10 }, { path: 'blob:2', size: 10 }])
  upload
    .mockResolvedValueOnce({ ok: true, data: { fileID: 'cloud://e.b/u/products/1.png' } })
    .mockResolvedValueOnce({ ok: false, error: { code: 'STORAGE.INVALID_FILE', message: 'not an image' } })
  await useUploadsStore.getState().add(9, 'products', 'demo-merchant')
  const { items } = useUploadsStore.getState()
  expect(items.map((i) => [i.url, i.fileId, i.error?.code ?? null])).toEqual([
    ['blob:1', 'cloud://e.b/u/products/1.png', null],
    ['blob:2', null, 'STORAGE.INVALID_FILE'],
  ])
  expect(useUploadsStore.getState().fileIds()).toEqual(['cloud://e.b/u/products/1.png'])
  expect(useUploadsStore.getState().busy()).toBe(false)
})

it('never asks for more photos than the form has room for', async () => {
  useUploadsStore.getState().start([{ fileId: 'cloud://e.b/a.png', url: 'http://a' }, { fileId: 'cloud://e.b/b.png', url: 'http://b' }])
  pick.mockResolvedValueOnce([{ path: 'blob:3', size: 1 }])
  upload.mockResolvedValue({ ok: true, data: { fileID: 'cloud://e.b/c.png' } })
  await useUploadsStore.getState().add(3, 'products', 'm')
  expect(pick).toHaveBeenCalledWith(1)
  await useUploadsStore.getState().add(3, 'products', 'm')
  expect(pick).toHaveBeenCalledTimes(1)
  useUploadsStore.getState().remove(useUploadsStore.getState().items[0].key)
  expect(useUploadsStore.getState().fileIds()).toEqual(['cloud://e.b/b.png', 'cloud://e.b/c.png'])
})
