import { addManyKeyed, drainMarked } from '@server/batch-insert'
import type { DueQuery } from '@server/due'
import { earnedEntry } from '@server/members/points'
import type { HandoverRecords, OrderDoc } from '@server/orders/model'
import type { VerificationDoc } from '@server/pickup/model'
import { isTombstone } from '@server/privacy/tombstone'
import type { PointEntryDoc } from '@server/members/model'
import { docsOf } from '@server/paging'

/**
 * A completing hand-over's records — its line of the counter's audit (verifications) and the EARN_PICKUP points
 * entry — ride on the order's own write in the hand-over's transaction (#23: two inserts fewer in it; a crash right
 * after its commit can no longer lose the audit line, which before was written after the commit). Settle copies
 * them into their collections in batches (writeDueHandoverRecords); until then the readers that must see them at
 * once read them on the order: the counter's screen (pickup.today), a member's history and balance heal, a refund's
 * take-back and the reconcile.
 */
export function handoverRecordFields(records: HandoverRecords, at: number): { recordsDueAt?: number; handoverRecords?: HandoverRecords } {
  if (!records.verification && !records.earned) return {}
  return { recordsDueAt: at, handoverRecords: records }
}

/** The audit line a hand-over's records copy to (keyed by the order: copied once however often settle runs). */
export function handoverVerificationId(orderId: string): string {
  return `ho_${orderId}`
}

/** An order's audit line as it rides on the order, keyed as its copy will be (none once copied). */
function ridingLine(o: OrderDoc): VerificationDoc[] {
  return o.handoverRecords?.verification ? [{ _id: handoverVerificationId(o._id), ...o.handoverRecords.verification }] : []
}

/** What writeDueHandoverRecords selects: orders whose hand-over records are still on them. */
export const HANDOVER_RECORDS_DUE: DueQuery = { collection: 'orders', where: (_) => ({ recordsDueAt: _.gt(0) }) }

/**
 * The newest audit lines still riding on orders that were made at one pickup point (the counter's screen reads them
 * beside verifications): selected by the line's own point — a voucher is redeemed at a serving store, not at its
 * order's point (an audit: test/node/audit-handover-seq.test.ts) — newest first.
 */
export async function pendingVerificationsAt(db: DB.Database, pickupPointId: string, limit: number): Promise<VerificationDoc[]> {
  const res = (await db.collection('orders').where({ recordsDueAt: db.command.gt(0), 'handoverRecords.verification.pickupPointId': pickupPointId }).orderBy('recordsDueAt', 'desc').limit(limit).get()) as unknown as { data: OrderDoc[] }
  return res.data.flatMap(ridingLine)
}

/**
 * settle: every order carrying hand-over records gets them written — the audit lines and the points entries, one
 * keyed batch insert per collection — and then loses them (one write per batch, drainMarked). A run cut off between
 * the inserts and the clearing leaves them for the next, whose keyed inserts write nothing twice. The points entry
 * is written for the order's resident as the order names them when copied: an erased resident's (a tombstone) is
 * not written (their entries are removed by the erasure).
 */
export async function writeDueHandoverRecords(db: DB.Database, max = 100): Promise<{ written: number }> {
  const _ = db.command
  const written = await drainMarked<OrderDoc>(db, 'orders', HANDOVER_RECORDS_DUE.where(_, 0), { recordsDueAt: 0, handoverRecords: _.remove() }, async (marked) => {
    const lines = marked.flatMap(ridingLine)
    const entries = marked.flatMap((o) => (o.handoverRecords?.earned && !isTombstone(o.openid) ? [earnedEntry(o._id, o.openid, o.handoverRecords.earned)] : []))
    await addManyKeyed(db, 'verifications', lines as unknown as Record<string, unknown>[])
    await addManyKeyed(db, 'pointEntries', entries as unknown as Record<string, unknown>[])
    if (entries.length > 0) await forgetErasedEarners(db, entries)
    return lines.length + entries.length
  }, max)
  return { written }
}

/**
 * The resident of an entry just written may have erased themselves since this run read their order (the erasure
 * writes the riding records first, re-links the orders, then removes the person's entries — and this run's insert
 * can land after that): the orders are read again, and an entry whose order now names a tombstone is removed, under
 * the openid it was written with (an audit: test/node/audit-handover-seq.test.ts). One read per batch.
 */
async function forgetErasedEarners(db: DB.Database, entries: readonly PointEntryDoc[]): Promise<void> {
  const _ = db.command
  const now = await docsOf<Pick<OrderDoc, '_id' | 'openid'>>(db.collection('orders').where({ _id: _.in(entries.map((e) => e.ref)) }).field({ openid: true }).limit(entries.length))
  const erased = new Set(now.filter((o) => isTombstone(o.openid)).map((o) => o._id))
  for (const e of entries.filter((x) => erased.has(x.ref))) await db.collection('pointEntries').where({ _id: e._id, openid: e.openid }).remove()
}
