import type { NoticeKind } from '@shared/contracts/user'

// The messages room's stored shapes (database/schema.json): outbox and notices.

export interface OutboxDoc {
  _id: string
  toOpenid: string
  template: TemplateKey
  page: string
  data: Record<string, { value: string }>
  /** 自提点 and 提货时间 for the in-app notice (outbox.ts OutboxMessage.where), absent when the message has none. */
  where?: { place: string; window: string }
  /** WITHDRAWN: a marketing push its resident withdrew consent for before it was sent (user.setMarketingConsent). */
  status: 'PENDING' | 'SENDING' | 'SENT' | 'NO_CONSENT' | 'FAILED' | 'WITHDRAWN'
  /** 0 until settle wrote its in-app notice (outbox.ts noticeQueuedMessages); absent on messages noticed when queued. */
  noticedAt?: number
  createdAt: number
  sentAt: number | null
  /** When the send claimed the message and spent its consent, in one transaction (notify.ts sendOutbox). */
  spentAt?: number
  error: string | null
}

/**
 * In-app notices: what every role reads in 通知 (user.notices). Every message queued for a person is also a
 * notice — written by settle's next run, in batches (outbox.ts noticeQueuedMessages) — and some events are notices
 * only (a leader's or merchant's 成团, a purchase order, a shipment).
 */
export interface NoticeDoc {
  _id: string
  openid: string
  kind: NoticeKind
  title: string
  body: string
  page: string
  /** When it happened: the list's order (a message's notice is dated at its message, outbox.ts noticeQueuedMessages). */
  createdAt: number
  /** When it was written into the list: what 未读 counts (user.notices); absent on notices from before it was kept. */
  writtenAt?: number
}

/** Subscribe-message templates we send. Template ids come from the function's environment on CloudBase. */
export const TEMPLATES = {
  GROUP_SUCCEEDED: 'GROUP_SUCCEEDED',
  GROUP_FAILED_REFUNDED: 'GROUP_FAILED_REFUNDED',
  GOODS_ARRIVED: 'GOODS_ARRIVED',
  PICKUP_REMINDER: 'PICKUP_REMINDER',
  /** A targeted campaign (精准推送): only to residents who consented to marketing, at most one a day. */
  MARKETING: 'MARKETING',
} as const

export type TemplateKey = keyof typeof TEMPLATES
