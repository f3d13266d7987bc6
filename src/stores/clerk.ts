import { create } from 'zustand'
import type { ClientError } from '@/shared/client-result'
import { couponService } from '@/services/coupon'
import { pickupService } from '@/services/pickup'
import type { CouponOutputs } from '@/shared/contracts/coupon'
import type { PickupOutputs, PickupTodayItem, PickupVerifyOutput, VerificationView } from '@/shared/contracts/pickup'
import { couponCodeFromScan } from '@/shared/domain/coupon'
import { isPickupCodeFormat } from '@/shared/domain/pickup'
import { emptyPaged, loadFirstPage, loadNextPage, type PagedState } from './paged'

/** What the clerk typed or scanned, once told apart: an 8-digit pickup code or a 12-digit coupon code. */
export type CounterCode = { kind: 'pickup'; code: string } | { kind: 'coupon'; code: string }

export type VerifyResult =
  | { kind: 'success'; what: 'pickup'; code: string; data: PickupVerifyOutput }
  | { kind: 'success'; what: 'coupon'; code: string; data: CouponOutputs['redeem'] }
  | { kind: 'failure'; what: 'pickup' | 'coupon'; code: string; error: ClientError }

export type TodayHeader = Pick<PickupOutputs['today'], 'recent' | 'counts'>

export interface ClerkState {
  verifying: boolean
  result: VerifyResult | null
  today: PagedState<PickupTodayItem>
  /** Counts and the latest attempts at the counter; they come with the first page of `today` only. */
  todayHeader: { recent: VerificationView[]; counts: { readyCount: number; pickedUpToday: number } | null }
  verify: (counter: CounterCode) => Promise<VerifyResult | null>
  /** 尾号 search (server) or 跟团号 match (over the loaded list); null results = no search active. */
  search: { query: string; results: PickupTodayItem[] | null; loading: boolean; error: ClientError | null }
  searchToday: (query: string) => Promise<void>
  clearSearch: () => void
  /** 按名单交付: hand over an order found in the list (after the clerk checked the person), then refresh the list. */
  handOver: (orderId: string, quantity?: number) => Promise<VerifyResult | null>
  clearResult: () => void
  refreshToday: () => Promise<void>
  loadMoreToday: () => Promise<void>
  reset: () => void
}

/**
 * Clerks type what they read off a phone (spaces, dashes) or scan a QR (a coupon's carries LLT-COUPON:).
 * 8 digits is a pickup code, 12 digits a coupon code; anything else is neither and never reaches the cloud.
 */
export function readCounterCode(raw: string): CounterCode | null {
  const scannedCoupon = couponCodeFromScan(raw)
  if (scannedCoupon) return { kind: 'coupon', code: scannedCoupon }
  const digits = raw.replace(/[\s-]/g, '')
  if (isPickupCodeFormat(digits)) return { kind: 'pickup', code: digits }
  const coupon = couponCodeFromScan(digits)
  return coupon ? { kind: 'coupon', code: coupon } : null
}

const emptyHeader = (): ClerkState['todayHeader'] => ({ recent: [], counts: null })
const emptySearch = (): ClerkState['search'] => ({ query: '', results: null, loading: false, error: null })

/** What the clerk typed in the search box: 4 digits is a phone tail (尾号), 1–3 digits a 跟团号. */
export function readSearch(raw: string): { kind: 'tail'; tail: string } | { kind: 'seq'; seq: number } | null {
  const digits = raw.replace(/\D/g, '')
  if (/^\d{4}$/.test(digits)) return { kind: 'tail', tail: digits }
  if (/^\d{1,3}$/.test(digits) && Number(digits) > 0) return { kind: 'seq', seq: Number(digits) }
  return null
}

export const useClerkStore = create<ClerkState>()((set, get) => {
  const setToday = (patch: Partial<PagedState<PickupTodayItem>>) => set({ today: { ...get().today, ...patch } })
  return {
    verifying: false,
    result: null,
    today: emptyPaged<PickupTodayItem>(),
    todayHeader: emptyHeader(),
    search: emptySearch(),
    searchToday: async (query) => {
      const q = readSearch(query)
      if (!q) {
        set({ search: emptySearch() })
        return
      }
      if (q.kind === 'seq') {
        set({ search: { query, results: get().today.items.filter((i) => i.seq === q.seq), loading: false, error: null } })
        return
      }
      set({ search: { query, results: get().search.results, loading: true, error: null } })
      const res = await pickupService.today(undefined, q.tail)
      set({ search: res.ok ? { query, results: res.data.items, loading: false, error: null } : { query, results: null, loading: false, error: res.error } })
    },
    clearSearch: () => set({ search: emptySearch() }),
    handOver: async (orderId, quantity) => {
      if (get().verifying) return null
      set({ verifying: true, result: null })
      const res = await pickupService.handOver(orderId, quantity)
      const result: VerifyResult = res.ok ? { kind: 'success', what: 'pickup', code: '', data: res.data } : { kind: 'failure', what: 'pickup', code: '', error: res.error }
      set({ verifying: false, result })
      await get().refreshToday()
      const { query } = get().search
      if (query) await get().searchToday(query)
      return result
    },
    verify: async ({ kind, code }) => {
      if (get().verifying) return null
      set({ verifying: true, result: null })
      let result: VerifyResult
      if (kind === 'pickup') {
        const res = await pickupService.verify(code)
        result = res.ok ? { kind: 'success', what: 'pickup', code, data: res.data } : { kind: 'failure', what: 'pickup', code, error: res.error }
      } else {
        const res = await couponService.redeem(code)
        result = res.ok ? { kind: 'success', what: 'coupon', code, data: res.data } : { kind: 'failure', what: 'coupon', code, error: res.error }
      }
      set({ verifying: false, result })
      return result
    },
    clearResult: () => set({ result: null }),
    refreshToday: () =>
      loadFirstPage(setToday, async () => {
        const res = await pickupService.today()
        if (res.ok) set({ todayHeader: { recent: res.data.recent ?? [], counts: res.data.counts ?? null } })
        return res
      }),
    loadMoreToday: () => loadNextPage(() => get().today, setToday, (c) => pickupService.today(c)),
    reset: () => set({ verifying: false, result: null, today: emptyPaged(), todayHeader: emptyHeader(), search: emptySearch() }),
  }
})
