import { getCloud, isDuplicateWrite } from '@server/cloud'
import { updatedCount } from '@server/fetch'
import type { TemplateKey, OutboxDoc } from '@server/messages/model'
import { docsOf } from '@server/paging'
import { inTransaction, txGet } from '@server/ledger/txn'
import type { DueQuery } from '@server/due'

/** A user's one-time subscribe consents per template: each accepted wx.requestSubscribeMessage adds one. */
export function subscriptionIdFor(openid: string, template: TemplateKey): string {
  return `${openid}_${template}`.slice(0, 64)
}

export async function recordConsent(db: DB.Database, openid: string, template: TemplateKey): Promise<void> {
  const _ = db.command
  const id = subscriptionIdFor(openid, template)
  try {
    await db.collection('subscriptions').add({ data: { _id: id, openid, template, credits: 1 } })
  } catch (err) {
    if (!isDuplicateWrite(err)) throw err
    await db.collection('subscriptions').doc(id).update({ data: { credits: _.inc(1) } })
  }
}

/**
 * Each template's id, from the function's environment. Spelled out per template (not built from the key) so
 * the deploy plan can read the names from the code and set them on CloudBase (scripts/deploy/scan.ts).
 */
const TEMPLATE_IDS: Record<TemplateKey, () => string | undefined> = {
  GROUP_SUCCEEDED: () => process.env.TEMPLATE_ID_GROUP_SUCCEEDED,
  GROUP_FAILED_REFUNDED: () => process.env.TEMPLATE_ID_GROUP_FAILED_REFUNDED,
  GOODS_ARRIVED: () => process.env.TEMPLATE_ID_GOODS_ARRIVED,
  PICKUP_REMINDER: () => process.env.TEMPLATE_ID_PICKUP_REMINDER,
  MARKETING: () => process.env.TEMPLATE_ID_MARKETING,
}

function templateId(key: TemplateKey): string {
  return TEMPLATE_IDS[key]() ?? key
}

/** What sendOutbox selects: queued messages not sent yet. */
export const MESSAGES_TO_SEND: DueQuery = { collection: 'outbox', where: () => ({ status: 'PENDING' }) }

/**
 * Send queued messages. Each send spends one consent first (a conditional decrement), so one consent is
 * never used by two messages; without consent the message is kept as NO_CONSENT (still visible in-app). A batch
 * costs two operations plus three per message someone consented to (claim, spend, outcome).
 */
export async function sendOutbox(db: DB.Database, now: number, batch = 50): Promise<{ sent: number; noConsent: number; failed: number }> {
  const _ = db.command
  const cloud = getCloud() as unknown as { openapi: { subscribeMessage: { send(req: Record<string, unknown>): Promise<unknown> } } }
  const res = await docsOf<OutboxDoc>(db.collection('outbox').where(MESSAGES_TO_SEND.where(_, now)).orderBy('createdAt', 'asc').limit(batch))
  const counts = { sent: 0, noConsent: 0, failed: 0 }
  if (res.length === 0) return counts
  // Most residents gave no consent for most templates: one read of the batch's consents, and the messages nobody
  // consented to are kept as NO_CONSENT in one write (still PENDING: a sender that claimed one first keeps it).
  const subIds = [...new Set(res.map((m) => subscriptionIdFor(m.toOpenid, m.template)))]
  const subs = await docsOf<{ _id: string }>(db.collection('subscriptions').where({ _id: _.in(subIds), credits: _.gt(0) }).limit(subIds.length))
  const consented = new Set(subs.map((s) => s._id))
  const without = res.filter((m) => !consented.has(subscriptionIdFor(m.toOpenid, m.template))).map((m) => m._id)
  if (without.length > 0) counts.noConsent += updatedCount(await db.collection('outbox').where({ _id: _.in(without), status: 'PENDING' }).update({ data: { status: 'NO_CONSENT' } }))
  for (const m of res.filter((x) => consented.has(subscriptionIdFor(x.toOpenid, x.template)))) {
    // The claim (so two senders never both send it) and the consent it spends, in one transaction: before (an
    // audit: test/node/attacks-messages-admin.test.ts) they were two writes, and a settle cut between them left the
    // message SENDING for ever with its consent unspent — the push was never sent. Now a cut leaves it PENDING.
    const subId = subscriptionIdFor(m.toOpenid, m.template)
    const claimed = await inTransaction(db, async (t): Promise<'CLAIMED' | 'TAKEN' | 'NO_CONSENT'> => {
      const row = await txGet<OutboxDoc>(t, 'outbox', m._id)
      if (!row || row.status !== 'PENDING') return 'TAKEN'
      const sub = await txGet<{ credits?: number }>(t, 'subscriptions', subId)
      if (!sub || (sub.credits ?? 0) <= 0) {
        await t.collection('outbox').doc(m._id).update({ data: { status: 'NO_CONSENT' } })
        return 'NO_CONSENT'
      }
      await t.collection('subscriptions').doc(subId).update({ data: { credits: _.inc(-1) } })
      await t.collection('outbox').doc(m._id).update({ data: { status: 'SENDING', spentAt: now } })
      return 'CLAIMED'
    })
    if (claimed === 'TAKEN') continue
    if (claimed === 'NO_CONSENT') {
      counts.noConsent++
      continue
    }
    try {
      await cloud.openapi.subscribeMessage.send({ touser: m.toOpenid, templateId: templateId(m.template), page: m.page, data: m.data, miniprogramState: 'formal' })
      await db.collection('outbox').doc(m._id).update({ data: { status: 'SENT', sentAt: now } })
      counts.sent++
    } catch (err) {
      // A failed send does not use the consent up: give it back.
      await db.collection('subscriptions').doc(subId).update({ data: { credits: _.inc(1) } })
      await db.collection('outbox').doc(m._id).update({ data: { status: 'FAILED', error: err instanceof Error ? err.message : String(err) } })
      counts.failed++
    }
  }
  return counts
}
