import { isDuplicateWrite } from '@server/cloud'
import type { NoticeDoc } from '@server/messages/model'

export type NoticeInput = Pick<NoticeDoc, 'openid' | 'kind' | 'title' | 'body' | 'page'>

/** The stored notice: keyed by the event (ids are at most 64 characters). */
export function noticeDoc(key: string, notice: NoticeInput, now: number, at = now): Record<string, unknown> {
  // createdAt: when it happened (the list's order); writtenAt: when it reached the list (what unread counts), later
  // than createdAt for a message's notice written by settle's next tick.
  return { _id: key.slice(0, 64), ...notice, createdAt: at, writtenAt: now }
}

/** Idempotent by `key`: the same event for the same person is one notice, however often it is noticed. */
export async function addNotice(db: DB.Database, key: string, notice: NoticeInput, now: number): Promise<boolean> {
  try {
    await db.collection('notices').add({ data: noticeDoc(key, notice, now) })
    return true
  } catch (err) {
    if (!isDuplicateWrite(err)) throw err
    return false
  }
}
