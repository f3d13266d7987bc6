import { create } from 'zustand'
import type { InsightOutputs } from '@/shared/contracts/insight'
import type { ClientError } from '@/shared/client-result'
import { chinaMidnight, DAY_MS as DAY } from '@/shared/domain/calendar'
import { insightService } from '@/services/insight'

type Dashboard = InsightOutputs['dashboard']
/** The ranges the 销售看板 offers, in whole China-time days ending today. */
export const INSIGHT_RANGES = [7, 30] as const
export type InsightRange = (typeof INSIGHT_RANGES)[number]

export interface InsightState {
  days: InsightRange
  data: Dashboard | null
  error: ClientError | null
  loading: boolean
  /** The dashboard for the last `range` days (the chosen range by default). */
  load: (range?: InsightRange) => Promise<void>
  /** Choose a range and load it. */
  pick: (range: InsightRange) => Promise<void>
  reset: () => void
}

const initial = { days: 7 as InsightRange, data: null, error: null, loading: false }

export const useInsightStore = create<InsightState>()((set, get) => ({
  ...initial,
  load: async (range = get().days) => {
    set({ loading: true, error: null })
    // Whole China-time days ending today, whatever the phone's time zone.
    const to = chinaMidnight(Date.now()) + DAY
    const res = await insightService.dashboard(to - range * DAY, to)
    if (res.ok) set({ loading: false, data: res.data })
    else set({ loading: false, error: res.error })
  },
  pick: (range) => {
    set({ days: range })
    return get().load(range)
  },
  reset: () => set(initial),
}))
