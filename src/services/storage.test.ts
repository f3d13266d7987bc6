import Taro from '@tarojs/taro'
import { __reset, calls } from '../../test/ui/stubs/taro'
import { setActingOpenid } from './identity'
import { cloudPathFor, pickImages, uploadImage } from './storage'

const fetchMock = jest.fn()
beforeEach(() => {
  __reset()
  fetchMock.mockReset()
  global.fetch = fetchMock as unknown as typeof fetch
})

describe('uploadImage in local (H5) mode', () => {
  it('posts the picked file’s raw bytes to /storage/upload as the acting identity, notes it as mine, and answers the file id', async () => {
    setActingOpenid('demo-merchant')
    const blob = new Blob([new Uint8Array([0x89, 0x50, 0x4e, 0x47])], { type: 'image/png' })
    fetchMock
      .mockResolvedValueOnce({ blob: async () => blob })
      .mockResolvedValueOnce({ status: 200, json: async () => ({ ok: true, data: { fileID: 'cloud://local-env.local-bucket/uploads/x/products/a.png' } }) })
      .mockResolvedValueOnce({ status: 200, json: async () => ({ ok: true, data: {} }) })
    const res = await uploadImage({ path: 'blob:http://h/1', size: 4 }, 'products', 'demo-merchant')
    expect(res).toEqual({ ok: true, data: { fileID: 'cloud://local-env.local-bucket/uploads/x/products/a.png' } })
    expect(fetchMock.mock.calls[0][0]).toBe('blob:http://h/1')
    const [url, init] = fetchMock.mock.calls[1]
    expect(url).toMatch(/^\/storage\/upload\?cloudPath=products%2F[a-z0-9]+\.png$/)
    expect(init.method).toBe('POST')
    expect(init.body).toBe(blob)
    expect(init.headers).toEqual({ 'X-WX-OPENID': 'demo-merchant', 'Content-Type': 'image/png' })
    // Noted as the uploader's, so deleting the account deletes it even if it is never attached.
    const [fnUrl, fnInit] = fetchMock.mock.calls[2]
    expect(fnUrl).toBe('/fn/user')
    expect(JSON.parse(fnInit.body)).toEqual({ action: 'recordUpload', fileID: 'cloud://local-env.local-bucket/uploads/x/products/a.png' })
  })

  it('a photo the server would not note counts as not uploaded', async () => {
    const blob = new Blob([new Uint8Array([0x89, 0x50, 0x4e, 0x47])], { type: 'image/png' })
    fetchMock
      .mockResolvedValueOnce({ blob: async () => blob })
      .mockResolvedValueOnce({ status: 200, json: async () => ({ ok: true, data: { fileID: 'cloud://local-env.local-bucket/uploads/x/products/a.png' } }) })
      .mockResolvedValueOnce({ status: 200, json: async () => ({ ok: false, error: { code: 'INPUT.INVALID', message: 'fileID: not in your own upload folder' } }) })
    expect(await uploadImage({ path: 'blob:1', size: 4 }, 'products', 'm')).toMatchObject({ ok: false, error: { code: 'INPUT.INVALID' } })
  })

  it('a refused file comes back as its error code; an unreachable host as a network failure', async () => {
    const blob = new Blob(['not an image'], { type: 'text/plain' })
    fetchMock
      .mockResolvedValueOnce({ blob: async () => blob })
      .mockResolvedValueOnce({ status: 400, json: async () => ({ ok: false, error: { code: 'STORAGE.INVALID_FILE', message: 'only PNG, JPEG or WebP' } }) })
    expect(await uploadImage({ path: 'blob:1', size: 1 }, 'products', 'm')).toMatchObject({ ok: false, error: { code: 'STORAGE.INVALID_FILE' } })
    fetchMock.mockResolvedValueOnce({ blob: async () => blob }).mockRejectedValueOnce(new TypeError('Failed to fetch'))
    expect(await uploadImage({ path: 'blob:1', size: 1 }, 'products', 'm')).toMatchObject({ ok: false, error: { code: 'CLIENT.NETWORK' } })
  })
})

it('cloud paths stay inside the storage alphabet, one folder per owner', () => {
  expect(cloudPathFor('products', 'o@x y', 'jpg')).toMatch(/^products\/o_x_y\/[a-z0-9]+\.jpg$/)
  expect(cloudPathFor('products', null, 'png')).toMatch(/^products\/[a-z0-9]+\.png$/)
})

describe('in the mini-program (weapp)', () => {
  const env = process.env.TARO_ENV
  beforeEach(() => {
    process.env.TARO_ENV = 'weapp'
  })
  afterEach(() => {
    process.env.TARO_ENV = env
  })

  it('picks with chooseMedia and uploads with Taro.cloud.uploadFile into the owner’s folder', async () => {
    const picked = await pickImages(2)
    expect(picked).toEqual([
      { path: 'wxfile://tmp_0.jpg', size: 1000 },
      { path: 'wxfile://tmp_1.jpg', size: 1000 },
    ])
    const callFunction = jest.spyOn(Taro.cloud, 'callFunction').mockResolvedValue({ result: { ok: true, data: {} } } as never)
    const res = await uploadImage(picked[0], 'products', 'oAbc-123')
    expect(calls.uploads).toEqual([expect.stringMatching(/^products\/oAbc-123\/[a-z0-9]+\.jpg$/)])
    expect(res).toEqual({ ok: true, data: { fileID: `cloud://test-env.bucket/${calls.uploads[0]}` } })
    expect(callFunction).toHaveBeenCalledWith({ name: 'user', data: { action: 'recordUpload', fileID: `cloud://test-env.bucket/${calls.uploads[0]}` } })
    expect(fetchMock).not.toHaveBeenCalled()
    callFunction.mockRestore()
  })
})
