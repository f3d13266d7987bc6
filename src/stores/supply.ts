import { create } from 'zustand'
import type { PickListItem } from '@/shared/contracts/group-buy'
import type { OpenOfferView } from '@/shared/contracts/supply'
import type { ClientError } from '@/shared/client-result'
import { groupBuyService } from '@/services/group-buy'
import { openExport } from '@/services/storage'
import { supplyService } from '@/services/supply'
import { emptyPaged, loadFirstPage, loadNextPage, type PagedState } from './paged'

export type FromOfferInput = Parameters<typeof groupBuyService.createFromOffer>[0]

export interface PickListState {
  groupBuyId: string | null
  items: PickListItem[]
  loading: boolean
  loaded: boolean
  error: ClientError | null
}

export interface SupplyState {
  /** 货源: offers open to my pickup point. */
  open: PagedState<OpenOfferView>
  submitting: boolean
  submitError: ClientError | null
  pickList: PickListState
  exporting: boolean
  exportError: ClientError | null
  refreshOpen: () => Promise<void>
  loadMoreOpen: () => Promise<void>
  /** 开团 from an offer; answers the new group buy's id, or null on failure. */
  createFromOffer: (input: FromOfferInput) => Promise<string | null>
  loadPickList: (groupBuyId: string) => Promise<void>
  /** Writes the CSV, then opens it (weapp: to forward in a chat; H5: a new tab). Answers its URL. */
  exportPickList: (groupBuyId: string) => Promise<string | null>
  reset: () => void
}

const emptyPickList = (): PickListState => ({ groupBuyId: null, items: [], loading: false, loaded: false, error: null })

export const useSupplyStore = create<SupplyState>()((set, get) => {
  const setOpen = (p: Partial<PagedState<OpenOfferView>>) => set({ open: { ...get().open, ...p } })
  return {
    open: emptyPaged<OpenOfferView>(),
    submitting: false,
    submitError: null,
    pickList: emptyPickList(),
    exporting: false,
    exportError: null,
    refreshOpen: () => loadFirstPage(setOpen, () => supplyService.listOpen()),
    loadMoreOpen: () => loadNextPage(() => get().open, setOpen, (c) => supplyService.listOpen(c)),
    createFromOffer: async (input) => {
      if (get().submitting) return null
      set({ submitting: true, submitError: null })
      const res = await groupBuyService.createFromOffer(input)
      if (!res.ok) {
        set({ submitting: false, submitError: res.error })
        return null
      }
      set({ submitting: false })
      void get().refreshOpen()
      return res.data.groupBuyId
    },
    loadPickList: async (groupBuyId) => {
      const keep = get().pickList.groupBuyId === groupBuyId
      set({ pickList: { ...(keep ? get().pickList : emptyPickList()), groupBuyId, loading: true, error: null } })
      const res = await groupBuyService.pickList(groupBuyId)
      if (get().pickList.groupBuyId !== groupBuyId) return
      if (res.ok) set({ pickList: { groupBuyId, items: res.data.items, loading: false, loaded: true, error: null } })
      else set({ pickList: { ...get().pickList, loading: false, loaded: true, error: res.error } })
    },
    exportPickList: async (groupBuyId) => {
      if (get().exporting) return null
      set({ exporting: true, exportError: null })
      const res = await groupBuyService.pickList(groupBuyId, 'csv')
      const url = res.ok ? res.data.tempFileURL : undefined
      if (!res.ok || !url) {
        set({ exporting: false, exportError: res.ok ? { code: 'INTERNAL', message: 'no export url' } : res.error })
        return null
      }
      const opened = await openExport(url, `拣货单-${groupBuyId}.csv`)
      set({ exporting: false, exportError: opened.ok ? null : opened.error })
      return url
    },
    reset: () => set({ open: emptyPaged(), submitting: false, submitError: null, pickList: emptyPickList(), exporting: false, exportError: null }),
  }
})
