import { isDuplicateWrite } from '@server/cloud'
import { addManyKeyed, drainMarked } from '@server/batch-insert'
import { noticeDoc } from '@server/messages/notices'
import type { OutboxDoc } from '@server/messages/model'
import type { DueQuery } from '@server/due'

export type OutboxMessage = Pick<OutboxDoc, 'toOpenid' | 'template' | 'page' | 'data'> & {
  /**
   * 自提点 and 提货时间 (#22) for the in-app notice. Kept out of `data`: a subscribe template's fields are fixed
   * in the WeChat console, and a key it does not have would make the send fail.
   */
  where?: { place: string; window: string }
}

/** 自提点 and 提货时间 appended to a notice (#22), when the message carries them. */
function whereText(where: OutboxMessage['where']): string {
  if (!where) return ''
  return `${where.place ? `；自提点：${where.place}` : ''}${where.window ? `；提货时间：${where.window}` : ''}`
}

/** The in-app notice's wording for a subscribe message (the template's fields are terse by WeChat's rules). */
export function noticeTextFor(msg: OutboxMessage): { title: string; body: string } {
  const v = (k: string) => msg.data[k]?.value ?? ''
  switch (msg.template) {
    case 'GROUP_SUCCEEDED':
      return { title: '拼团成功', body: `「${v('thing1')}」已成团，你的 ${v('number2')} 件等待到货${whereText(msg.where)}` }
    case 'GOODS_ARRIVED':
      return { title: '商品已到货', body: `「${v('thing1')}」已到自提点，提货码 ${v('character_string2')}，数量 ${v('number3')}${whereText(msg.where)}` }
    case 'GROUP_FAILED_REFUNDED':
      return { title: '退款已到账', body: `已退款 ¥${v('amount')}（${v('reason')}）` }
    case 'PICKUP_REMINDER':
      return { title: '请尽快提货', body: `「${v('thing1')}」在自提点等你，提货码 ${v('character_string2')}，${v('thing3')}${whereText(msg.where)}` }
    case 'MARKETING':
      return { title: '为你推荐', body: `「${v('thing1')}」${v('thing2')}` }
  }
}

/**
 * Queue a message. `key` makes it idempotent: the same event for the same person is queued once, however many times
 * the code that noticed it runs. Its in-app notice (same key) is written by settle's next run, in batches
 * (noticeQueuedMessages, #23: one document per message at the event, not two).
 */
export async function enqueue(db: DB.Database, key: string, msg: OutboxMessage, now: number, opts: { noticed?: boolean } = {}): Promise<void> {
  try {
    // `noticed`: its in-app notice is written already (a marketing message's claims the day: insight/marketing.ts).
    await db.collection('outbox').add({ data: { ...outboxDoc(key, msg, now), ...(opts.noticed ? { noticedAt: now } : {}) } })
  } catch (err) {
    if (!isDuplicateWrite(err)) throw err
  }
}

/** What noticeQueuedMessages selects: queued messages without their in-app notice yet. */
export const UNNOTICED_MESSAGES: DueQuery = { collection: 'outbox', where: () => ({ noticedAt: 0 }) }

/**
 * settle: every message is also an in-app notice (subscribe messages need a consent per send; notices do not).
 * The messages not noticed yet (`noticedAt: 0`) get theirs, keyed by the message, in one insert per batch
 * (addManyKeyed: one written by a run cut off before it marked them is written once), then are marked in one write. Dated when written, so the 我的 badge counts them as new. Up to `max` a run, whatever is sent.
 */
export async function noticeQueuedMessages(db: DB.Database, now: number, max = 2000): Promise<{ noticed: number }> {
  const noticed = await drainMarked<OutboxDoc>(db, 'outbox', UNNOTICED_MESSAGES.where(db.command, now), { noticedAt: now }, async (page) => {
    // Each notice is dated at its message's time (the event's: 成团, 到货, a refund), not this tick's, so 通知 lists
    // them in the order they happened beside the notices written at once (已送达, 核销); unread counts this tick's.
    await addManyKeyed(db, 'notices', page.map((m) => noticeDoc(m._id, noticeOf(m), now, m.createdAt || now)))
    return page.length
  }, max)
  return { noticed }
}

/**
 * enqueue for many people at once (a sign-off's 到货 messages, 成团's): one insert per batch (#23: one database
 * operation for a group instead of one per person), each message keyed, so nobody is told twice when a sign-off
 * runs again after a crash (addManyKeyed).
 */
export async function enqueueMany(db: DB.Database, items: ReadonlyArray<{ key: string; msg: OutboxMessage; at?: number }>, now: number): Promise<void> {
  // `at`: when the event happened, for a message queued later than its event (a late payer's 成团, queued by settle).
  await addManyKeyed(db, 'outbox', items.map((m) => outboxDoc(m.key, m.msg, m.at || now)))
}

function outboxDoc(key: string, msg: OutboxMessage, now: number): Record<string, unknown> {
  return { _id: key, ...msg, status: 'PENDING', createdAt: now, sentAt: null, error: null, noticedAt: 0 }
}

function noticeOf(msg: OutboxMessage) {
  return { openid: msg.toOpenid, kind: msg.template, ...noticeTextFor(msg), page: msg.page }
}

