import { create } from 'zustand'
import type { ClientError } from '@/services/cloud'
import { pickupService } from '@/services/pickup'
import type { PickupTodayItem, PickupVerifyOutput } from '@/services/pending-contracts'
import { emptyPaged, loadFirstPage, loadNextPage, type PagedState } from './paged'

export type VerifyResult =
  | { kind: 'success'; code: string; data: PickupVerifyOutput }
  | { kind: 'failure'; code: string; error: ClientError }

export interface ClerkState {
  verifying: boolean
  result: VerifyResult | null
  today: PagedState<PickupTodayItem>
  verify: (code: string) => Promise<VerifyResult | null>
  clearResult: () => void
  refreshToday: () => Promise<void>
  loadMoreToday: () => Promise<void>
  reset: () => void
}

/** Clerks type what they read off a phone: tolerate spaces, dashes and lower case. */
export function normalizePickupCode(raw: string): string {
  return raw.replace(/[\s-]/g, '').toUpperCase()
}

export const useClerkStore = create<ClerkState>()((set, get) => {
  const setToday = (patch: Partial<PagedState<PickupTodayItem>>) => set({ today: { ...get().today, ...patch } })
  return {
    verifying: false,
    result: null,
    today: emptyPaged<PickupTodayItem>(),
    verify: async (raw) => {
      const code = normalizePickupCode(raw)
      if (!code || get().verifying) return null
      set({ verifying: true, result: null })
      const res = await pickupService.verify(code)
      const result: VerifyResult = res.ok ? { kind: 'success', code, data: res.data } : { kind: 'failure', code, error: res.error }
      set({ verifying: false, result })
      return result
    },
    clearResult: () => set({ result: null }),
    refreshToday: () => loadFirstPage(setToday, () => pickupService.today()),
    loadMoreToday: () => loadNextPage(() => get().today, setToday, (c) => pickupService.today(c)),
    reset: () => set({ verifying: false, result: null, today: emptyPaged() }),
  }
})
