import { __reset } from '../../test/ui/stubs/taro'
import { callFunction, NETWORK_ERROR } from './cloud'
import { setActingOpenid } from './identity'

const fetchMock = jest.fn()
beforeEach(() => {
  __reset()
  fetchMock.mockReset()
  global.fetch = fetchMock as unknown as typeof fetch
})

describe('callFunction in local (H5) mode', () => {
  it('posts {action, ...input} to /fn/<name> as the identity picked in the switcher', async () => {
    setActingOpenid('demo-leader')
    fetchMock.mockResolvedValue({ status: 200, json: async () => ({ ok: true, data: { groupBuyId: 'g1' } }) })
    const res = await callFunction('groupBuy', 'get', { groupBuyId: 'g1' })
    expect(res).toEqual({ ok: true, data: { groupBuyId: 'g1' } })
    const [url, init] = fetchMock.mock.calls[0]
    expect(url).toBe('/fn/groupBuy')
    expect(init.headers['X-WX-OPENID']).toBe('demo-leader')
    expect(JSON.parse(init.body)).toEqual({ action: 'get', groupBuyId: 'g1' })
  })

  it('passes backend failures through as values', async () => {
    fetchMock.mockResolvedValue({ status: 200, json: async () => ({ ok: false, error: { code: 'GROUP_BUY.SOLD_OUT', message: 'x' } }) })
    const res = await callFunction('groupBuy', 'join', {})
    expect(res).toEqual({ ok: false, error: { code: 'GROUP_BUY.SOLD_OUT', message: 'x' } })
  })

  it('turns an unreachable host or a non-contract reply into a network failure, never a throw', async () => {
    fetchMock.mockRejectedValueOnce(new TypeError('Failed to fetch'))
    expect((await callFunction('user', 'me')).ok).toBe(false)
    fetchMock.mockResolvedValueOnce({ status: 502, json: async () => ({ oops: true }) })
    const res = await callFunction('user', 'me')
    expect(!res.ok && res.error.code).toBe(NETWORK_ERROR)
  })
})
