import { isDuplicateWrite } from '@server/cloud'

/** Subscribe-message templates we send. Template ids come from the function's environment on CloudBase. */
export const TEMPLATES = {
  GROUP_SUCCEEDED: 'GROUP_SUCCEEDED',
  GROUP_FAILED_REFUNDED: 'GROUP_FAILED_REFUNDED',
  GOODS_ARRIVED: 'GOODS_ARRIVED',
} as const
export type TemplateKey = keyof typeof TEMPLATES

export interface OutboxDoc {
  _id: string
  toOpenid: string
  template: TemplateKey
  page: string
  data: Record<string, { value: string }>
  status: 'PENDING' | 'SENDING' | 'SENT' | 'NO_CONSENT' | 'FAILED'
  createdAt: number
  sentAt: number | null
  error: string | null
}

/**
 * Queue a message. `key` makes it idempotent: the same event for the same person is queued once, however
 * many times the code that noticed it runs.
 */
export async function enqueue(db: DB.Database, key: string, msg: Pick<OutboxDoc, 'toOpenid' | 'template' | 'page' | 'data'>, now: number): Promise<void> {
  try {
    await db.collection('outbox').add({ data: { _id: key, ...msg, status: 'PENDING', createdAt: now, sentAt: null, error: null } })
  } catch (err) {
    if (!isDuplicateWrite(err)) throw err
  }
}
