import { userService } from '@/services/user'
import type { NoticeView } from '@/shared/contracts/user'
import { useNoticesStore } from './notices'

jest.mock('@/services/user', () => ({ userService: { notices: jest.fn(), markNoticesRead: jest.fn() } }))
const user = userService as jest.Mocked<typeof userService>
const notice: NoticeView = { noticeId: 'n1', kind: 'GROUP_SUCCEEDED', title: '已成团', body: '阳光玫瑰已成团', page: 'pages/resident/order/index?id=o1', createdAt: 1, read: false }

beforeEach(() => {
  useNoticesStore.getState().reset()
  jest.clearAllMocks()
})

it('knows how many notices are unread, and clears the count once the cloud marked them read', async () => {
  user.notices.mockResolvedValue({ ok: true, data: { items: [notice], nextCursor: null, unread: 1 } })
  await useNoticesStore.getState().refresh()
  expect(useNoticesStore.getState().unread).toBe(1)
  user.markNoticesRead.mockResolvedValueOnce({ ok: false, error: { code: 'CLIENT.NETWORK', message: '' } })
  await useNoticesStore.getState().markAllRead()
  expect(useNoticesStore.getState().unread).toBe(1)
  user.markNoticesRead.mockResolvedValueOnce({ ok: true, data: {} })
  await useNoticesStore.getState().markAllRead()
  expect(useNoticesStore.getState().unread).toBe(0)
  expect(useNoticesStore.getState().items[0].read).toBe(true)
})

it('does not call the cloud to mark nothing read', async () => {
  user.notices.mockResolvedValue({ ok: true, data: { items: [], nextCursor: null, unread: 0 } })
  await useNoticesStore.getState().refresh()
  await useNoticesStore.getState().markAllRead()
  expect(user.markNoticesRead).not.toHaveBeenCalled()
})
