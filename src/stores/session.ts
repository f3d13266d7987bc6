import { create } from 'zustand'
import type { Role } from '@/shared/contracts/common'
import type { MyContactView, PickupPointView } from '@/shared/contracts/user'
import type { ClientError } from '@/shared/client-result'
import { getActingOpenid, setActingOpenid } from '@/services/identity'
import { userService } from '@/services/user'

export interface SessionState {
  openid: string | null
  roles: Role[]
  pickupPointId: string | null
  /** Leaders and clerks are bound to the pickup point they run. */
  boundPickupPointId: string | null
  /** 收货人 (phone masked); null until given — the join sheet asks for it once. */
  contact: MyContactView | null
  /** The join sheet asked for the 收货人 in this session (it asks once, even when left empty). */
  contactAsked: boolean
  markContactAsked: () => void
  status: 'idle' | 'loading' | 'ready' | 'error'
  error: ClientError | null
  pickupPoints: PickupPointView[]
  pickupPointsLoading: boolean
  pickupPointsError: ClientError | null
  load: () => Promise<void>
  loadPickupPoints: () => Promise<void>
  choosePickupPoint: (pickupPointId: string) => Promise<ClientError | null>
  /** Local mode only: act as another demo identity and reload who we are. */
  switchIdentity: (openid: string) => Promise<void>
  /** `building`/`room`: 配送到家's address, saved with the 收货人 (both or neither). */
  saveContact: (contact: { name: string; phone?: string; note?: string; building?: string; room?: string }) => Promise<ClientError | null>
  reset: () => void
}

const initial = {
  openid: null,
  roles: [] as Role[],
  pickupPointId: null,
  boundPickupPointId: null,
  contact: null as MyContactView | null,
  contactAsked: false,
  status: 'idle' as const,
  error: null,
  pickupPoints: [] as PickupPointView[],
  pickupPointsLoading: false,
  pickupPointsError: null,
}

export const useSessionStore = create<SessionState>()((set, get) => ({
  ...initial,
  load: async () => {
    set({ status: 'loading', error: null })
    const res = await userService.me()
    if (res.ok) {
      const { openid, roles, pickupPointId, boundPickupPointId } = res.data
      set({ openid, roles, pickupPointId, boundPickupPointId, contact: res.data.contact ?? null, status: 'ready' })
    } else {
      set({ status: 'error', error: res.error })
    }
  },
  loadPickupPoints: async () => {
    set({ pickupPointsLoading: true, pickupPointsError: null })
    const res = await userService.listPickupPoints()
    if (res.ok) set({ pickupPoints: res.data.items, pickupPointsLoading: false })
    else set({ pickupPointsLoading: false, pickupPointsError: res.error })
  },
  choosePickupPoint: async (pickupPointId) => {
    const res = await userService.choosePickupPoint(pickupPointId)
    if (!res.ok) return res.error
    set({ pickupPointId })
    return null
  },
  switchIdentity: async (openid) => {
    if (openid === getActingOpenid() && get().status === 'ready') return
    setActingOpenid(openid)
    set({ ...initial })
    await get().load()
  },
  markContactAsked: () => set({ contactAsked: true }),
  saveContact: async (contact) => {
    const res = await userService.setContact(contact)
    if (!res.ok) return res.error
    set({ contact: res.data.contact })
    return null
  },
  reset: () => set({ ...initial }),
}))

export const hasRole = (roles: Role[], role: Role) => roles.includes(role)
