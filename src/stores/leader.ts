import { create } from 'zustand'
import type { CreateGroupBuyInput, GroupBuyOutputs, GroupBuyView, ParticipantView } from '@/shared/contracts/group-buy'
import type { ClientError } from '@/shared/client-result'
import { groupBuyService } from '@/services/group-buy'
import { emptyPaged, loadFirstPage, loadNextPage, type PagedState } from './paged'

export interface LeaderState {
  mine: PagedState<GroupBuyView>
  participants: PagedState<ParticipantView> & { groupBuyId: string | null }
  submitting: boolean
  submitError: ClientError | null
  arriving: boolean
  arriveError: ClientError | null
  /** The poster's code of one group buy (groupBuy.shareCode), once asked for. */
  shareCode: { groupBuyId: string; code: GroupBuyOutputs['shareCode'] | null; loading: boolean; error: ClientError | null } | null
  refreshMine: () => Promise<void>
  loadMoreMine: () => Promise<void>
  refreshParticipants: (groupBuyId: string) => Promise<void>
  loadMoreParticipants: () => Promise<void>
  create: (input: CreateGroupBuyInput) => Promise<string | null>
  /**
   * Sign off arrival: `receivedQuantity` is what actually came (absent = everything paid for). Answers how many
   * orders became ready, how many were cut short and what was refunded, or null on failure.
   */
  markArrived: (groupBuyId: string, receivedQuantity?: number) => Promise<GroupBuyOutputs['markArrived'] | null>
  closing: boolean
  /** 截团: the outcome (CLOSED or FAILED), or null on failure (see arriveError). */
  close: (groupBuyId: string) => Promise<GroupBuyOutputs['close'] | null>
  loadShareCode: (groupBuyId: string) => Promise<void>
  reset: () => void
}

const initial = () => ({
  mine: emptyPaged<GroupBuyView>(),
  participants: { ...emptyPaged<ParticipantView>(), groupBuyId: null as string | null },
  submitting: false,
  submitError: null,
  arriving: false,
  arriveError: null,
  closing: false,
  shareCode: null as LeaderState['shareCode'],
})

export const useLeaderStore = create<LeaderState>()((set, get) => {
  const setMine = (patch: Partial<PagedState<GroupBuyView>>) => set({ mine: { ...get().mine, ...patch } })
  const setParts = (patch: Partial<PagedState<ParticipantView>>) =>
    set({ participants: { ...get().participants, ...patch } })
  return {
    ...initial(),
    refreshMine: () => loadFirstPage(setMine, () => groupBuyService.listMine()),
    loadMoreMine: () => loadNextPage(() => get().mine, setMine, (c) => groupBuyService.listMine(c)),
    refreshParticipants: async (groupBuyId) => {
      if (get().participants.groupBuyId !== groupBuyId) set({ participants: { ...emptyPaged(), groupBuyId } })
      await loadFirstPage(setParts, () => groupBuyService.participants(groupBuyId))
    },
    loadMoreParticipants: async () => {
      const id = get().participants.groupBuyId
      if (!id) return
      await loadNextPage(() => get().participants, setParts, (c) => groupBuyService.participants(id, c))
    },
    create: async (input) => {
      if (get().submitting) return null
      set({ submitting: true, submitError: null })
      const res = await groupBuyService.create(input)
      if (!res.ok) {
        set({ submitting: false, submitError: res.error })
        return null
      }
      set({ submitting: false })
      void get().refreshMine()
      return res.data.groupBuyId
    },
    markArrived: async (groupBuyId, receivedQuantity) => {
      if (get().arriving) return null
      set({ arriving: true, arriveError: null })
      const res = await groupBuyService.markArrived(groupBuyId, receivedQuantity)
      if (!res.ok) {
        set({ arriving: false, arriveError: res.error })
        return null
      }
      set({ arriving: false })
      void get().refreshParticipants(groupBuyId)
      return res.data
    },
    close: async (groupBuyId) => {
      if (get().closing) return null
      set({ closing: true, arriveError: null })
      const res = await groupBuyService.close(groupBuyId)
      if (!res.ok) {
        set({ closing: false, arriveError: res.error })
        return null
      }
      set({ closing: false })
      void get().refreshParticipants(groupBuyId)
      return res.data
    },
    loadShareCode: async (groupBuyId) => {
      const cur = get().shareCode
      if (cur?.groupBuyId === groupBuyId && (cur.loading || cur.code)) return
      set({ shareCode: { groupBuyId, code: null, loading: true, error: null } })
      const res = await groupBuyService.shareCode(groupBuyId)
      if (get().shareCode?.groupBuyId !== groupBuyId) return
      set({ shareCode: { groupBuyId, code: res.ok ? res.data : null, loading: false, error: res.ok ? null : res.error } })
    },
    reset: () => set(initial()),
  }
})
