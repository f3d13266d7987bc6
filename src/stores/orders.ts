import { create } from 'zustand'
import type { OrderOutputs, OrderView } from '@/shared/contracts/order'
import { pickupService } from '@/services/pickup'
import type { ClientError } from '@/shared/client-result'
import { orderService } from '@/services/order'
import { emptyPaged, loadFirstPage, loadNextPage, type PagedState } from './paged'
import { useGroupBuyStore } from './group-buy'

/** The order page's order: `get` adds where and when to collect, what was handed over so far and the 代取 code. */
export type OrderDetail = OrderView & Partial<Pick<OrderOutputs['get']['order'], 'pickup' | 'pickedQuantity' | 'delegateCode' | 'afterSalesUntil'>>

export interface OrdersState extends PagedState<OrderView> {
  current: OrderDetail | null
  currentLoading: boolean
  currentError: ClientError | null
  acting: boolean
  actionError: ClientError | null
  refresh: () => Promise<void>
  loadMore: () => Promise<void>
  loadOrder: (orderId: string) => Promise<void>
  cancel: (orderId: string) => Promise<boolean>
  /** Pay an unpaid order, then wait briefly for the payment callback to mark it paid. */
  pay: (orderId: string) => Promise<boolean>
  /** 代取: a one-time code for someone else (a new one replaces the old), or take it back. */
  delegate: (orderId: string) => Promise<boolean>
  revokeDelegate: (orderId: string) => Promise<boolean>
  reset: () => void
}

const initialDetail = { current: null, currentLoading: false, currentError: null, acting: false, actionError: null }

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))
/** How long to keep asking after the payment sheet closes; the callback usually lands well inside this. */
export const PAY_POLL = { attempts: 8, intervalMs: 400 }

function upsert(items: OrderView[], order: OrderView): OrderView[] {
  return items.some((o) => o.orderId === order.orderId) ? items.map((o) => (o.orderId === order.orderId ? order : o)) : items
}

export const useOrdersStore = create<OrdersState>()((set, get) => ({
  ...emptyPaged<OrderView>(),
  ...initialDetail,
  refresh: () => loadFirstPage(set, () => orderService.listMine()),
  loadMore: () => loadNextPage(get, set, (cursor) => orderService.listMine(cursor)),
  loadOrder: async (orderId) => {
    const keep = get().current?.orderId === orderId
    set({ currentLoading: true, currentError: null, ...(keep ? {} : { current: null }) })
    const res = await orderService.get(orderId)
    if (res.ok) set({ current: res.data.order, currentLoading: false, items: upsert(get().items, res.data.order) })
    else set({ currentLoading: false, currentError: res.error })
  },
  cancel: async (orderId) => {
    set({ acting: true, actionError: null })
    const res = await orderService.cancel(orderId)
    if (!res.ok) {
      set({ acting: false, actionError: res.error })
      return false
    }
    set({ acting: false, current: res.data.order, items: upsert(get().items, res.data.order) })
    return true
  },
  pay: async (orderId) => {
    set({ acting: true, actionError: null })
    const payment = useGroupBuyStore.getState().payments[orderId] ?? null
    const res = await orderService.pay(orderId, payment)
    if (!res.ok) {
      set({ acting: false, actionError: res.error })
      return false
    }
    await get().loadOrder(orderId)
    for (let i = 0; i < PAY_POLL.attempts && get().current?.status === 'PENDING_PAYMENT'; i++) {
      await sleep(PAY_POLL.intervalMs)
      await get().loadOrder(orderId)
    }
    set({ acting: false })
    return get().current?.status !== 'PENDING_PAYMENT'
  },
  delegate: async (orderId) => {
    set({ acting: true, actionError: null })
    const res = await pickupService.delegate(orderId)
    if (!res.ok) {
      set({ acting: false, actionError: res.error })
      return false
    }
    const current = get().current
    if (current?.orderId === orderId) set({ current: { ...current, delegateCode: res.data.code } })
    set({ acting: false })
    return true
  },
  revokeDelegate: async (orderId) => {
    set({ acting: true, actionError: null })
    const res = await pickupService.revokeDelegate(orderId)
    if (!res.ok) {
      set({ acting: false, actionError: res.error })
      return false
    }
    const current = get().current
    if (current?.orderId === orderId) set({ current: { ...current, delegateCode: null } })
    set({ acting: false })
    return true
  },
  reset: () => set({ ...emptyPaged<OrderView>(), ...initialDetail }),
}))
