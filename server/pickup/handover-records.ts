import { addManyKeyed, drainMarked } from '@server/batch-insert'
import type { DueQuery } from '@server/due'
import { earnedEntry } from '@server/members/points'
import type { HandoverRecords, OrderDoc } from '@server/orders/model'
import type { VerificationDoc } from '@server/pickup/model'
import { isTombstone } from '@server/privacy/tombstone'

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

/** What writeDueHandoverRecords selects: orders whose hand-over records are still on them. */
export const HANDOVER_RECORDS_DUE: DueQuery = { collection: 'orders', where: (_) => ({ recordsDueAt: _.gt(0) }) }

/** The audit lines still on orders of one pickup point (the counter's screen reads them beside verifications). */
export async function pendingVerificationsAt(db: DB.Database, pickupPointId: string, limit: number): Promise<VerificationDoc[]> {
  const res = (await db.collection('orders').where({ pickupPointId, recordsDueAt: db.command.gt(0) }).limit(limit).get()) as unknown as { data: OrderDoc[] }
  return res.data.flatMap((o) => (o.handoverRecords?.verification ? [{ _id: handoverVerificationId(o._id), ...o.handoverRecords.verification }] : []))
}

/**
 * settle: every order carrying hand-over records gets them written — the audit lines and the points entries, one
 * keyed batch insert per collection — and then loses them (one write per batch, drainMarked). A run cut off between
 * the inserts and the clearing leaves them for the next, whose keyed inserts write nothing twice. The points entry
 * is written for the order's resident as the order names them when copied: an erased resident's (a tombstone) is
 * not written (their entries are removed by the erasure).
 */
export async function writeDueHandoverRecords(db: DB.Database, batch = 100): Promise<{ written: number }> {
  const _ = db.command
  const written = await drainMarked<OrderDoc>(db, 'orders', HANDOVER_RECORDS_DUE.where(_, 0), { recordsDueAt: 0, handoverRecords: _.remove() }, async (marked) => {
    const lines = marked.flatMap((o) => (o.handoverRecords?.verification ? [{ _id: handoverVerificationId(o._id), ...o.handoverRecords.verification }] : []))
    const entries = marked.flatMap((o) => (o.handoverRecords?.earned && !isTombstone(o.openid) ? [earnedEntry(o._id, o.openid, o.handoverRecords.earned)] : []))
    await addManyKeyed(db, 'verifications', lines as unknown as Record<string, unknown>[])
    await addManyKeyed(db, 'pointEntries', entries as unknown as Record<string, unknown>[])
    return lines.length + entries.length
  }, batch)
  return { written }
}
