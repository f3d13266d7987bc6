import { act, render, screen } from '@testing-library/react'
import { __reset } from '../../../../test/ui/stubs/taro'
import { memberService } from '@/services/after-pickup'
import { userService } from '@/services/user'
import type { MemberView } from '@/shared/contracts/member'
import { useNoticesStore } from '@/stores/notices'
import { useSessionStore } from '@/stores/session'
import MePage from '.'

jest.mock('@/services/user', () => ({ userService: { me: jest.fn(), listPickupPoints: jest.fn(), notices: jest.fn() } }))
jest.mock('@/services/after-pickup', () => ({ memberService: { me: jest.fn() }, afterSalesService: {}, feedbackService: {} }))
const user = userService as jest.Mocked<typeof userService>
const member = memberService as jest.Mocked<typeof memberService>

const memberOf = (points: number): MemberView => ({ points, lifetimePoints: points, level: 1, levelName: '普通会员', nextLevelAt: 100, unrecoveredPoints: 0 } as MemberView)
const people: Record<string, { points: number; unread: number; roles: string[] }> = {
  'demo-resident-1': { points: 12, unread: 1, roles: ['resident'] },
  'demo-leader': { points: 57, unread: 3, roles: ['resident', 'leader'] },
}
let acting = 'demo-resident-1'

beforeEach(() => {
  __reset()
  acting = 'demo-resident-1'
  useSessionStore.getState().reset()
  useNoticesStore.getState().reset()
  jest.clearAllMocks()
  user.me.mockImplementation(async () => ({ ok: true, data: { openid: acting, roles: people[acting].roles, pickupPointId: 'pp1', boundPickupPointId: null } }) as never)
  user.listPickupPoints.mockResolvedValue({ ok: true, data: { items: [{ pickupPointId: 'pp1', name: '幸福里社区', storeName: '便利店', address: '幸福路 1 号' }] } } as never)
  user.notices.mockImplementation(async () => ({ ok: true, data: { items: [], nextCursor: null, unread: people[acting].unread } }) as never)
  member.me.mockImplementation(async () => ({ ok: true, data: memberOf(people[acting].points) }) as never)
})

it('我的 follows an identity switch: the new person\'s points, pickup point and roles, not the last one\'s (#22)', async () => {
  render(<MePage />)
  expect(await screen.findByText('会员积分 12')).toBeTruthy()
  expect(screen.getByText('幸福里社区（便利店）')).toBeTruthy()
  expect(screen.queryByText('团长工作台')).toBeNull()

  acting = 'demo-leader'
  await act(async () => screen.getByText('切换为团长').click())
  expect(await screen.findByText('会员积分 57')).toBeTruthy()
  expect(screen.queryByText('会员积分 12')).toBeNull()
  expect(screen.getByText('团长工作台')).toBeTruthy()
  // The pickup points the switch emptied are loaded again, and the unread badge is the leader's.
  expect(screen.getByText('幸福里社区（便利店）')).toBeTruthy()
  expect(screen.getByText('3')).toBeTruthy()
})
