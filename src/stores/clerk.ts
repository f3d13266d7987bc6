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

export const useClerkStore = create<ClerkState>()((set, get) => {
  const setToday = (patch: Partial<PagedState<PickupTodayItem>>) => set({ today: { ...get().today, ...patch } })
  return {
    verifying: false,
    result: null,
    today: emptyPaged<PickupTodayItem>(),
    todayHeader: emptyHeader(),
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
    reset: () => set({ verifying: false, result: null, today: emptyPaged(), todayHeader: emptyHeader() }),
  }
})
