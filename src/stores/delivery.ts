import { create } from 'zustand'
import type { ClientError } from '@/shared/client-result'
import type { DeliveryStop } from '@/shared/contracts/delivery'
import type { PickupVerifyOutput } from '@/shared/contracts/pickup'
import { isPickupCodeFormat } from '@/shared/domain/pickup'
import { adminService } from '@/services/admin'
import { pickupService } from '@/services/pickup'
import { openExport } from '@/services/storage'
import type { z } from 'zod'
import type { adminContract } from '@/shared/contracts/admin'
import { useSessionStore } from './session'

export type DoorResult = { ok: true; code: string; data: PickupVerifyOutput } | { ok: false; code: string; error: ClientError }

/** Stops grouped under their building, in the 配送单's order (the server sorts; grouping keeps it). */
export function groupByBuilding(items: readonly DeliveryStop[]): { building: string; stops: DeliveryStop[] }[] {
  const out: { building: string; stops: DeliveryStop[] }[] = []
  for (const s of items) {
    const last = out[out.length - 1]
    if (last && last.building === s.building) last.stops.push(s)
    else out.push({ building: s.building, stops: [s] })
  }
  return out
}

export interface DeliveryState {
  pickupPointId: string | null
  items: DeliveryStop[]
  loading: boolean
  loaded: boolean
  error: ClientError | null
  csvUrl: string | null
  exporting: boolean
  verifying: boolean
  result: DoorResult | null
  saving: boolean
  saveError: ClientError | null
  load: (pickupPointId: string) => Promise<void>
  exportCsv: () => Promise<string | null>
  /** 送达核销: the resident's code typed at the door — pickup.verify, the counter's own path (exactly once, audited). */
  verifyAtDoor: (raw: string, quantity?: number) => Promise<DoorResult | null>
  clearResult: () => void
  /** The admin's 配送设置 for a point; reloads the pickup points everyone sees. */
  saveSettings: (input: z.input<typeof adminContract.setDelivery>) => Promise<boolean>
  reset: () => void
}

const initial = {
  pickupPointId: null,
  items: [] as DeliveryStop[],
  loading: false,
  loaded: false,
  error: null,
  csvUrl: null,
  exporting: false,
  verifying: false,
  result: null,
  saving: false,
  saveError: null,
}

export const useDeliveryStore = create<DeliveryState>()((set, get) => ({
  ...initial,
  load: async (pickupPointId) => {
    set({ pickupPointId, loading: true, error: null })
    const res = await pickupService.deliveryList(pickupPointId)
    if (get().pickupPointId !== pickupPointId) return
    if (res.ok) set({ items: res.data.items, loading: false, loaded: true })
    else set({ loading: false, loaded: true, error: res.error })
  },
  exportCsv: async () => {
    const id = get().pickupPointId
    if (!id || get().exporting) return null
    set({ exporting: true })
    const res = await pickupService.deliveryList(id, 'csv')
    const url = res.ok ? (res.data.tempFileURL ?? null) : null
    if (!res.ok || !url) {
      set({ exporting: false, error: res.ok ? { code: 'INTERNAL', message: 'no export url' } : res.error })
      return null
    }
    set({ items: res.data.items, csvUrl: url })
    const opened = await openExport(url, `配送单-${id}.csv`)
    set({ exporting: false, ...(opened.ok ? {} : { error: opened.error }) })
    return url
  },
  verifyAtDoor: async (raw, quantity) => {
    const code = raw.replace(/[\s-]/g, '')
    if (!isPickupCodeFormat(code) || get().verifying) return null
    set({ verifying: true })
    const res = await pickupService.verify(code, quantity)
    const result: DoorResult = res.ok ? { ok: true, code, data: res.data } : { ok: false, code, error: res.error }
    set({ verifying: false, result })
    const id = get().pickupPointId
    if (res.ok && id) void get().load(id)
    return result
  },
  clearResult: () => set({ result: null }),
  saveSettings: async (input) => {
    if (get().saving) return false
    set({ saving: true, saveError: null })
    const res = await adminService.setDelivery(input)
    if (!res.ok) {
      set({ saving: false, saveError: res.error })
      return false
    }
    set({ saving: false })
    await useSessionStore.getState().loadPickupPoints()
    return true
  },
  reset: () => set({ ...initial }),
}))
