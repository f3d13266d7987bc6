import { create } from 'zustand'
import type { ReconcileReport } from '@/shared/contracts/ledger'
import type { ClientError } from '@/shared/client-result'
import { adminService } from '@/services/admin'

export interface ReconcileState {
  report: ReconcileReport | null
  loading: boolean
  running: boolean
  error: ClientError | null
  /** The latest reconciliation (settle runs one every day). */
  load: () => Promise<void>
  /** Reconcile now; the report replaces the shown one. */
  run: () => Promise<void>
  reset: () => void
}

const initial = { report: null, loading: false, running: false, error: null }

export const useReconcileStore = create<ReconcileState>()((set, get) => ({
  ...initial,
  load: async () => {
    set({ loading: true, error: null })
    const res = await adminService.lastReconciliation()
    if (res.ok) set({ report: res.data.report, loading: false })
    else set({ loading: false, error: res.error })
  },
  run: async () => {
    if (get().running) return
    set({ running: true, error: null })
    const res = await adminService.reconcile()
    if (res.ok) set({ report: res.data, running: false })
    else set({ running: false, error: res.error })
  },
  reset: () => set(initial),
}))
