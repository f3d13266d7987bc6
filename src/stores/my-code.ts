import { create } from 'zustand'
import { pickupService } from '@/services/pickup'
import type { PickupOutputs } from '@/shared/contracts/pickup'
import type { ClientError } from '@/shared/client-result'

/** 一码提货: one code for every order of mine waiting at a pickup point (expires; asked for again when needed). */
export interface MyCodeState {
  code: PickupOutputs['myCode'] | null
  loading: boolean
  error: ClientError | null
  load: (pickupPointId: string) => Promise<void>
  reset: () => void
}

export const useMyCodeStore = create<MyCodeState>()((set) => ({
  code: null,
  loading: false,
  error: null,
  load: async (pickupPointId) => {
    set({ loading: true, error: null })
    const res = await pickupService.myCode(pickupPointId)
    set(res.ok ? { code: res.data, loading: false } : { code: null, loading: false, error: res.error })
  },
  reset: () => set({ code: null, loading: false, error: null }),
}))
