import { create } from 'zustand'
import type { RoleHolderView } from '@/shared/contracts/admin'
import type { GrantableRole } from '@/shared/contracts/common'
import type { ClientError } from '@/shared/client-result'
import type { PointsRule } from '@/shared/domain/members'
import { adminService } from '@/services/admin'
import { emptyPaged, loadFirstPage, loadNextPage, type PagedState } from './paged'
import { useSessionStore } from './session'

export type { GrantableRole }

export interface AdminState {
  roles: PagedState<RoleHolderView>
  saving: boolean
  saveError: ClientError | null
  refreshRoles: () => Promise<void>
  loadMoreRoles: () => Promise<void>
  /** Creates the point, then reloads the pickup point list everyone picks from. */
  createPickupPoint: (input: { name: string; address: string; storeName: string }) => Promise<string | null>
  grant: (openid: string, role: GrantableRole, pickupPointId: string | null) => Promise<boolean>
  /** The platform's points rule (what a coupon campaign may grant per redemption), as the server holds it. */
  pointsRule: PointsRule | null
  pointsRuleError: ClientError | null
  loadPointsRule: () => Promise<void>
  savePointsRule: (rule: PointsRule) => Promise<boolean>
  reset: () => void
}

export const useAdminStore = create<AdminState>()((set, get) => {
  const setRoles = (patch: Partial<PagedState<RoleHolderView>>) => set({ roles: { ...get().roles, ...patch } })
  return {
    roles: emptyPaged<RoleHolderView>(),
    saving: false,
    saveError: null,
    refreshRoles: () => loadFirstPage(setRoles, () => adminService.listRoles()),
    loadMoreRoles: () => loadNextPage(() => get().roles, setRoles, (c) => adminService.listRoles(c)),
    createPickupPoint: async (input) => {
      if (get().saving) return null
      set({ saving: true, saveError: null })
      const res = await adminService.createPickupPoint(input)
      if (!res.ok) {
        set({ saving: false, saveError: res.error })
        return null
      }
      set({ saving: false })
      await useSessionStore.getState().loadPickupPoints()
      return res.data.pickupPointId
    },
    grant: async (openid, role, pickupPointId) => {
      if (get().saving) return false
      set({ saving: true, saveError: null })
      const res = await adminService.grantRole(openid, role, role === 'merchant' ? undefined : (pickupPointId ?? undefined))
      if (!res.ok) {
        set({ saving: false, saveError: res.error })
        return false
      }
      set({ saving: false })
      void get().refreshRoles()
      return true
    },
    pointsRule: null,
    pointsRuleError: null,
    loadPointsRule: async () => {
      set({ pointsRuleError: null })
      const res = await adminService.getPointsRule()
      if (res.ok) set({ pointsRule: res.data })
      else set({ pointsRuleError: res.error })
    },
    savePointsRule: async (rule) => {
      if (get().saving) return false
      set({ saving: true, saveError: null })
      const res = await adminService.setPointsRule(rule)
      if (!res.ok) {
        set({ saving: false, saveError: res.error })
        return false
      }
      set({ saving: false, pointsRule: res.data })
      return true
    },
    reset: () => set({ roles: emptyPaged(), saving: false, saveError: null, pointsRule: null, pointsRuleError: null }),
  }
})
