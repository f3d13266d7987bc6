import { act, fireEvent, render, screen } from '@testing-library/react'
import { __reset, calls } from '../../../../test/ui/stubs/taro'
import { userService } from '@/services/user'
import { useNoticesStore } from '@/stores/notices'
import NoticesPage from '.'

jest.mock('@/services/user', () => ({ userService: { notices: jest.fn(), markNoticesRead: jest.fn() } }))
const user = userService as jest.Mocked<typeof userService>

beforeEach(() => {
  __reset()
  useNoticesStore.getState().reset()
  jest.clearAllMocks()
})

it('lists my notices, marks them read, and opens the page a notice is about', async () => {
  user.notices.mockResolvedValue({
    ok: true,
    data: { items: [{ noticeId: 'n1', kind: 'GROUP_SUCCEEDED', title: '你的团购已成团', body: '赣南脐橙 已成团', page: 'pages/leader/group/index?groupBuyId=g1', createdAt: 1, read: false }], nextCursor: null, unread: 1 },
  })
  user.markNoticesRead.mockResolvedValue({ ok: true, data: {} })
  await act(async () => {
    render(<NoticesPage />)
  })
  expect(screen.getByText('你的团购已成团')).toBeTruthy()
  expect(user.markNoticesRead).toHaveBeenCalled()
  expect(useNoticesStore.getState().unread).toBe(0)
  fireEvent.click(screen.getByText('赣南脐橙 已成团'))
  expect(calls.navigateTo).toEqual(['/pages/leader/group/index?groupBuyId=g1'])
})

it('no notices and a failed load each have their own words', async () => {
  user.notices.mockResolvedValueOnce({ ok: true, data: { items: [], nextCursor: null, unread: 0 } })
  const { unmount } = render(<NoticesPage />)
  expect(await screen.findByText('暂时没有消息')).toBeTruthy()
  unmount()
  useNoticesStore.getState().reset()
  user.notices.mockResolvedValueOnce({ ok: false, error: { code: 'CLIENT.NETWORK', message: 'ECONNREFUSED' } })
  render(<NoticesPage />)
  expect(await screen.findByText('网络开小差了，请检查网络后重试')).toBeTruthy()
})
