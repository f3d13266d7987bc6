import { create } from 'zustand'
import type { GroupBuyOutputs, PaymentParams } from '@/shared/contracts/group-buy'
import { newRequestId } from '@/services/cloud'
import type { ClientError } from '@/shared/client-result'
import { askForNotices } from '@/services/notices'
import { groupBuyService } from '@/services/group-buy'
import { orderService } from '@/services/order'
import type { OnFail } from '@/shared/domain/roll-over'
import type { JoinDelivery } from '@/shared/contracts/delivery'

export type GroupBuyDetail = GroupBuyOutputs['get']['groupBuy']

export interface JoinOutcome {
  orderId: string
  /** false when the user left the payment sheet; the order waits, unpaid, on its page */
  paid: boolean
  error: ClientError | null
}

export interface GroupBuyDetailState {
  current: GroupBuyDetail | null
  loading: boolean
  error: ClientError | null
  joining: boolean
  joinError: ClientError | null
  /** One id per join intent: a retry after a lost reply re-sends it and gets the same order back. */
  joinRequestId: string | null
  /** Payment params per unpaid order, so "去支付" can reopen WeChat Pay without a second order. */
  payments: Record<string, PaymentParams>
  /** The poster code this detail was opened from (its scene), attributed on the join. */
  scene: string | null
  load: (groupBuyId: string) => Promise<void>
  /** Open the detail from a poster's code: the scene names the group buy. */
  loadByScene: (scene: string) => Promise<void>
  openJoin: () => void
  /** `onFail`: ROLL_OVER keeps the paid order for the leader's next group if this one fails (default refund). */
  /** `delivery`: 配送到家 (#25) — building, room and slot; absent = 到店自提. */
  join: (quantity: number, onFail?: OnFail, delivery?: JoinDelivery) => Promise<JoinOutcome | null>
  reset: () => void
}

const initial = {
  current: null,
  loading: false,
  error: null,
  joining: false,
  joinError: null,
  joinRequestId: null,
  payments: {} as Record<string, PaymentParams>,
  scene: null as string | null,
}

export const useGroupBuyStore = create<GroupBuyDetailState>()((set, get) => ({
  ...initial,
  load: async (groupBuyId) => {
    const keep = get().current?.groupBuyId === groupBuyId
    set({ loading: true, error: null, ...(keep ? {} : { current: null, scene: null }) })
    const res = await groupBuyService.get(groupBuyId)
    if (res.ok) set({ current: res.data.groupBuy, loading: false })
    else set({ loading: false, error: res.error })
  },
  loadByScene: async (scene) => {
    set({ loading: true, error: null, scene })
    const res = await groupBuyService.getByScene(scene)
    if (res.ok) set({ current: res.data.groupBuy, loading: false })
    else set({ loading: false, error: res.error })
  },
  openJoin: () => set({ joinRequestId: newRequestId(), joinError: null }),
  join: async (quantity, onFail, delivery) => {
    const { current, joining } = get()
    if (!current || joining) return null
    const requestId = get().joinRequestId ?? newRequestId()
    // Still inside the tap: the only moment WeChat lets us ask for 成团 / refund / arrival notices.
    void askForNotices(['GROUP_SUCCEEDED', 'GROUP_FAILED_REFUNDED', 'GOODS_ARRIVED'])
    set({ joining: true, joinError: null, joinRequestId: requestId })
    const scene = get().scene
    // A delivery order is never held for a next group (the server refuses the pair).
    const extra = { ...(scene ? { scene } : {}), ...(onFail === 'ROLL_OVER' && !delivery ? { onFail } : {}), ...(delivery ?? {}) }
    const res = Object.keys(extra).length > 0
      ? await groupBuyService.join(current.groupBuyId, quantity, requestId, extra)
      : await groupBuyService.join(current.groupBuyId, quantity, requestId)
    if (!res.ok) {
      set({ joining: false, joinError: res.error })
      return null
    }
    const { orderId, payment } = res.data
    set({ payments: { ...get().payments, [orderId]: payment } })
    const paid = await orderService.pay(orderId, payment)
    // The intent is spent either way: the order exists now; paying again happens on the order page.
    set({ joining: false, joinRequestId: null })
    void get().load(current.groupBuyId)
    return { orderId, paid: paid.ok, error: paid.ok ? null : paid.error }
  },
  reset: () => set({ ...initial, payments: {} }),
}))
