import { __reset } from '../../test/ui/stubs/taro'
import { getActingOpenid } from '@/services/identity'
import { userService } from '@/services/user'
import { useSessionStore } from './session'

jest.mock('@/services/user', () => ({
  userService: { me: jest.fn(), listPickupPoints: jest.fn(), choosePickupPoint: jest.fn() },
}))
const me = userService.me as jest.Mock

beforeEach(() => {
  __reset()
  useSessionStore.getState().reset()
  jest.clearAllMocks()
})

describe('session store', () => {
  it('knows who I am and which pickup point I use after loading', async () => {
    me.mockResolvedValue({ ok: true, data: { openid: 'demo-resident-1', roles: ['resident'], pickupPointId: 'p1', boundPickupPointId: null } })
    await useSessionStore.getState().load()
    const s = useSessionStore.getState()
    expect(s.status).toBe('ready')
    expect(s.roles).toEqual(['resident'])
    expect(s.pickupPointId).toBe('p1')
  })

  it('switching identity forgets the previous person and loads the new one', async () => {
    me.mockResolvedValueOnce({ ok: true, data: { openid: 'demo-resident-1', roles: ['resident'], pickupPointId: 'p1', boundPickupPointId: null } })
    await useSessionStore.getState().load()
    me.mockResolvedValueOnce({ ok: true, data: { openid: 'demo-leader', roles: ['resident', 'leader'], pickupPointId: null, boundPickupPointId: 'p9' } })
    await useSessionStore.getState().switchIdentity('demo-leader')
    expect(getActingOpenid()).toBe('demo-leader')
    const s = useSessionStore.getState()
    expect(s.openid).toBe('demo-leader')
    expect(s.roles).toContain('leader')
    expect(s.pickupPointId).toBeNull()
  })

  it('keeps the chosen pickup point only when the backend accepted it', async () => {
    ;(userService.choosePickupPoint as jest.Mock).mockResolvedValueOnce({ ok: false, error: { code: 'PICKUP_POINT.NOT_FOUND', message: '' } })
    const err = await useSessionStore.getState().choosePickupPoint('nope')
    expect(err?.code).toBe('PICKUP_POINT.NOT_FOUND')
    expect(useSessionStore.getState().pickupPointId).toBeNull()
  })
})
