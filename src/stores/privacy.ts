import { create } from 'zustand'
import type { ClientError } from '@/shared/client-result'
import { userService } from '@/services/user'

/** What the last export holds, in counts, and where to download it. */
export interface ExportSummary {
  url: string
  orders: number
  coupons: number
  notices: number
}

export interface PrivacyState {
  /** The marketing consent as the backend holds it; null until loaded. */
  consent: boolean | null
  error: ClientError | null
  busy: boolean
  exported: ExportSummary | null
  load: () => Promise<void>
  /** Each action answers its failure (null on success) so the page can say so. */
  setConsent: (value: boolean) => Promise<ClientError | null>
  exportData: () => Promise<ClientError | null>
  deleteAccount: () => Promise<ClientError | null>
  reset: () => void
}

const initial = { consent: null, error: null, busy: false, exported: null }

export const usePrivacyStore = create<PrivacyState>()((set) => ({
  ...initial,
  load: async () => {
    set({ error: null })
    const res = await userService.me()
    if (res.ok) set({ consent: res.data.marketingConsent })
    else set({ error: res.error })
  },
  setConsent: async (value) => {
    set({ busy: true })
    const res = await userService.setMarketingConsent(value)
    set({ busy: false })
    if (!res.ok) return res.error
    set({ consent: res.data.marketingConsent })
    return null
  },
  exportData: async () => {
    set({ busy: true })
    const res = await userService.exportMyData()
    set({ busy: false })
    if (!res.ok) return res.error
    const d = res.data.data
    set({ exported: { url: res.data.tempFileURL, orders: d.orders.length, coupons: d.coupons.length, notices: d.notices.length } })
    return null
  },
  deleteAccount: async () => {
    set({ busy: true })
    const res = await userService.deleteMe()
    set({ busy: false })
    return res.ok ? null : res.error
  },
  reset: () => set(initial),
}))
