import { z } from 'zod'
import { cursor, id, type Page, type Role } from './common'

export const userContract = {
  me: z.object({}).strict(),
  choosePickupPoint: z.object({ pickupPointId: id }).strict(),
  listPickupPoints: z.object({}).strict(),
  recordConsent: z.object({ templates: z.array(z.enum(['GROUP_SUCCEEDED', 'GROUP_FAILED_REFUNDED', 'GOODS_ARRIVED'])).min(1).max(3) }).strict(),
  notices: z.object({ cursor: cursor.optional() }).strict(),
  /** Everything up to now counts as read (the unread badge clears). */
  markNoticesRead: z.object({}).strict(),
} as const

/** What an in-app notice is about. Subscribe messages need consent; notices reach everyone. */
export const NOTICE_KINDS = ['GROUP_SUCCEEDED', 'GROUP_FAILED_REFUNDED', 'GOODS_ARRIVED', 'SHORTAGE_REFUNDED', 'PURCHASE_ORDER', 'SHIPPED'] as const
export type NoticeKind = (typeof NOTICE_KINDS)[number]

export interface NoticeView {
  noticeId: string
  kind: NoticeKind
  title: string
  body: string
  /** The mini-program page it opens. */
  page: string
  createdAt: number
  read: boolean
}

/** Subscribe-message templates a user can consent to (server/outbox.ts sends them). */
export type NoticeKey = z.infer<typeof userContract.recordConsent>['templates'][number]

export interface PickupPointView {
  pickupPointId: string
  name: string
  address: string
  storeName: string
}

export interface UserOutputs {
  me: { openid: string; roles: Role[]; pickupPointId: string | null; boundPickupPointId: string | null }
  choosePickupPoint: Record<string, never>
  listPickupPoints: { items: PickupPointView[] }
  recordConsent: Record<string, never>
  notices: Page<NoticeView> & { unread: number }
  markNoticesRead: Record<string, never>
}
