import { create } from 'zustand'
import type { AppointmentView, RedeemedView, ServiceView, SlotView } from '@/shared/contracts/voucher'
import type { ClientError } from '@/shared/client-result'
import { newRequestId } from '@/services/cloud'
import { groupBuyService } from '@/services/group-buy'
import { orderService } from '@/services/order'
import { voucherService } from '@/services/voucher'
import { useGroupBuyStore } from './group-buy'
import { useOrdersStore } from './orders'

export interface BookOutcome {
  orderId: string
  /** false when the user left the payment sheet; the order waits, unpaid, on its page */
  paid: boolean
}

export interface VoucherState {
  /** The feed's 服务 section at `servicesPointId`. */
  services: ServiceView[]
  servicesPointId: string | null
  servicesError: ClientError | null
  servicesLoading: boolean
  /** The slot picker of one service group buy. */
  slotsFor: string | null
  slots: SlotView[]
  durationMinutes: number
  slotsLoading: boolean
  slotsError: ClientError | null
  /** One id per booking intent: a retry after a lost reply gets the same order back. */
  bookRequestId: string | null
  booking: boolean
  bookError: ClientError | null
  acting: boolean
  actionError: ClientError | null
  /** The provider's side: the last redemption, and today's appointments. */
  redeeming: boolean
  redeemed: RedeemedView | null
  redeemError: ClientError | null
  today: AppointmentView[]
  todayLoading: boolean
  todayError: ClientError | null
  loadServices: (pickupPointId: string) => Promise<void>
  loadSlots: (groupBuyId: string) => Promise<void>
  book: (groupBuyId: string, slotId: string) => Promise<BookOutcome | null>
  cancel: (orderId: string) => Promise<boolean>
  reschedule: (orderId: string, slotId: string) => Promise<boolean>
  redeem: (code: string) => Promise<boolean>
  loadToday: () => Promise<void>
  reset: () => void
}

const initial = {
  services: [] as ServiceView[], servicesPointId: null, servicesError: null, servicesLoading: false,
  slotsFor: null, slots: [] as SlotView[], durationMinutes: 0, slotsLoading: false, slotsError: null,
  bookRequestId: null, booking: false, bookError: null, acting: false, actionError: null,
  redeeming: false, redeemed: null, redeemError: null, today: [] as AppointmentView[], todayLoading: false, todayError: null,
}

export const useVoucherStore = create<VoucherState>()((set, get) => ({
  ...initial,
  loadServices: async (pickupPointId) => {
    if (pickupPointId !== get().servicesPointId) set({ services: [] })
    set({ servicesPointId: pickupPointId, servicesError: null, servicesLoading: true })
    const res = await voucherService.services(pickupPointId)
    if (get().servicesPointId !== pickupPointId) return
    if (res.ok) set({ services: res.data.items, servicesLoading: false })
    else set({ servicesError: res.error, servicesLoading: false })
  },
  loadSlots: async (groupBuyId) => {
    if (groupBuyId !== get().slotsFor) set({ slots: [], bookRequestId: null, bookError: null })
    set({ slotsFor: groupBuyId, slotsLoading: true, slotsError: null })
    const res = await voucherService.slots(groupBuyId)
    if (get().slotsFor !== groupBuyId) return
    if (res.ok) set({ slots: res.data.slots, durationMinutes: res.data.durationMinutes, slotsLoading: false })
    else set({ slotsLoading: false, slotsError: res.error })
  },
  book: async (groupBuyId, slotId) => {
    if (get().booking) return null
    const requestId = get().bookRequestId ?? newRequestId()
    set({ booking: true, bookError: null, bookRequestId: requestId })
    const res = await groupBuyService.join(groupBuyId, 1, requestId, { slotId })
    if (!res.ok) {
      set({ booking: false, bookError: res.error, bookRequestId: null })
      void get().loadSlots(groupBuyId)
      return null
    }
    const { orderId, payment } = res.data
    // The order page pays again with the same params if the sheet was left (orders store reads them there).
    useGroupBuyStore.setState({ payments: { ...useGroupBuyStore.getState().payments, [orderId]: payment } })
    const paid = await orderService.pay(orderId, payment)
    set({ booking: false, bookRequestId: null })
    void get().loadSlots(groupBuyId)
    return { orderId, paid: paid.ok }
  },
  cancel: async (orderId) => {
    set({ acting: true, actionError: null })
    const res = await voucherService.cancel(orderId)
    set({ acting: false, actionError: res.ok ? null : res.error })
    await useOrdersStore.getState().loadOrder(orderId)
    return res.ok
  },
  reschedule: async (orderId, slotId) => {
    set({ acting: true, actionError: null })
    const res = await voucherService.reschedule(orderId, slotId)
    set({ acting: false, actionError: res.ok ? null : res.error })
    await useOrdersStore.getState().loadOrder(orderId)
    const gb = useOrdersStore.getState().current?.groupBuyId
    if (gb) void get().loadSlots(gb)
    return res.ok
  },
  redeem: async (code) => {
    if (get().redeeming) return false
    set({ redeeming: true, redeemError: null, redeemed: null })
    const res = await voucherService.redeem(code.replace(/\s+/g, ''))
    if (res.ok) set({ redeeming: false, redeemed: res.data })
    else set({ redeeming: false, redeemError: res.error })
    if (res.ok) void get().loadToday()
    return res.ok
  },
  loadToday: async () => {
    set({ todayLoading: true, todayError: null })
    const res = await voucherService.today()
    if (res.ok) set({ today: res.data.items, todayLoading: false })
    else set({ todayLoading: false, todayError: res.error })
  },
  reset: () => set({ ...initial }),
}))
