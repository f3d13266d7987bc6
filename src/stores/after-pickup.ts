import { create } from 'zustand'
import { afterSalesService, feedbackService, memberService } from '@/services/after-pickup'
import { newRequestId } from '@/services/cloud'
import type { ClientError } from '@/shared/client-result'
import type { AfterSalesCaseView, AfterSalesInboxItem } from '@/shared/contracts/after-sales'
import type { MyRatingView } from '@/shared/contracts/feedback'
import type { MemberView } from '@/shared/contracts/member'
import type { AfterSalesReason } from '@/shared/domain/after-sales'
import type { RatingTag } from '@/shared/domain/feedback'

export interface RatingDraft {
  stars: number
  tags: RatingTag[]
  text: string
  images: string[]
}

export interface AfterSalesDraft {
  quantity: number
  reason: AfterSalesReason
  text: string
  images: string[]
}

export interface AfterPickupState {
  orderId: string | null
  rating: MyRatingView | null
  cases: AfterSalesCaseView[]
  loading: boolean
  saving: boolean
  error: ClientError | null
  /** One id per 售后 intent, so a retry after a lost reply lands on the same case. */
  caseRequestId: string
  member: MemberView | null
  inbox: AfterSalesInboxItem[]
  inboxLoading: boolean
  load: (orderId: string) => Promise<void>
  /** Rate, or replace the rating within 24 h. */
  saveRating: (orderId: string, draft: RatingDraft) => Promise<boolean>
  requestAfterSales: (orderId: string, draft: AfterSalesDraft) => Promise<boolean>
  loadMember: () => Promise<void>
  loadInbox: () => Promise<void>
  decide: (caseId: string, approve: boolean, note?: string) => Promise<boolean>
  reset: () => void
}

const initial = () => ({
  orderId: null,
  rating: null,
  cases: [] as AfterSalesCaseView[],
  loading: false,
  saving: false,
  error: null,
  caseRequestId: newRequestId(),
  member: null,
  inbox: [] as AfterSalesInboxItem[],
  inboxLoading: false,
})

/** What happens after pickup: my rating and 售后 cases for one order, my points, the leader's 售后 inbox. */
export const useAfterPickupStore = create<AfterPickupState>()((set, get) => ({
  ...initial(),
  load: async (orderId) => {
    set({ loading: true, error: null, ...(get().orderId === orderId ? {} : { orderId, rating: null, cases: [] }) })
    const [rating, cases] = await Promise.all([feedbackService.mine(orderId), afterSalesService.listMine(orderId)])
    if (!rating.ok) return set({ loading: false, error: rating.error })
    if (!cases.ok) return set({ loading: false, error: cases.error })
    set({ loading: false, rating: rating.data.rating, cases: cases.data.items })
  },
  saveRating: async (orderId, draft) => {
    if (get().saving) return false
    set({ saving: true, error: null })
    const input = { orderId, stars: draft.stars, tags: draft.tags, images: draft.images, ...(draft.text.trim() ? { text: draft.text.trim() } : {}) }
    const res = get().rating ? await feedbackService.edit(input) : await feedbackService.rate(input)
    if (!res.ok) {
      set({ saving: false, error: res.error })
      return false
    }
    set({ saving: false, rating: res.data.rating })
    return true
  },
  requestAfterSales: async (orderId, draft) => {
    if (get().saving) return false
    set({ saving: true, error: null })
    const res = await afterSalesService.request({
      orderId, quantity: draft.quantity, reason: draft.reason, images: draft.images, requestId: get().caseRequestId,
      ...(draft.text.trim() ? { text: draft.text.trim() } : {}),
    })
    if (!res.ok) {
      set({ saving: false, error: res.error })
      return false
    }
    set({ saving: false, caseRequestId: newRequestId() })
    await get().load(orderId)
    return true
  },
  loadMember: async () => {
    const res = await memberService.me()
    if (res.ok) set({ member: res.data })
  },
  loadInbox: async () => {
    set({ inboxLoading: true, error: null })
    const res = await afterSalesService.listForMe('PENDING')
    if (res.ok) set({ inboxLoading: false, inbox: res.data.items })
    else set({ inboxLoading: false, error: res.error })
  },
  decide: async (caseId, approve, note) => {
    if (get().saving) return false
    set({ saving: true, error: null })
    const res = await afterSalesService.decide(caseId, approve, note)
    if (!res.ok) {
      set({ saving: false, error: res.error })
      return false
    }
    set({ saving: false, inbox: get().inbox.filter((c) => c.caseId !== caseId) })
    return true
  },
  reset: () => set(initial()),
}))
