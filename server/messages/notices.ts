import type { NoticeKind } from '@shared/contracts/user'
import { isDuplicateWrite } from '@server/cloud'

/**
 * In-app notices: what every role reads in 通知 (user.notices). Every message queued for a person is also a
 * notice (subscribe messages need a consent per send; notices do not), and some events are notices only
 * (a leader's or merchant's 成团, a purchase order, a shipment).
 */
export interface NoticeDoc {
  _id: string
  openid: string
  kind: NoticeKind
  title: string
  body: string
  page: string
  createdAt: number
}

export type NoticeInput = Pick<NoticeDoc, 'openid' | 'kind' | 'title' | 'body' | 'page'>

/** Idempotent by `key`: the same event for the same person is one notice, however often it is noticed. */
export async function addNotice(db: DB.Database, key: string, notice: NoticeInput, now: number): Promise<boolean> {
  try {
    await db.collection('notices').add({ data: { _id: key.slice(0, 64), ...notice, createdAt: now } })
    return true
  } catch (err) {
    if (!isDuplicateWrite(err)) throw err
    return false
  }
}
