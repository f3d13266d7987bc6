import { isDuplicateWrite } from '@server/cloud'
import { findById, updatedCount } from '@server/fetch'
import { inTransaction, txGet, type Tx } from '@server/ledger/txn'
import { docsOf } from '@server/paging'

/**
 * The counter's 待提货 number (orders READY_FOR_PICKUP at a pickup point), kept in shards so the clerk's screen never
 * counts orders and the transactions that move it do not all write one document. Each readying (+1) and each
 * completed hand-over (−1) moves the shard of its order inside its own transaction — the status and the count move
 * together or not at all (#27) — and a crowd of hand-overs at one counter spreads over READY_SHARDS documents
 * instead of colliding on the pickup point's (bench section 4: 200 orders × 50 scans at once; 16 shards still let
 * 12 of its 10,000 scans run out of conflict retries in one run).
 */
export const READY_COUNTERS = 'readyCounters'
export const READY_SHARDS = 64

export interface ReadyCounterDoc {
  _id: string
  pickupPointId: string
  readyCount: number
}

function shardOf(key: string): number {
  let h = 0
  for (let i = 0; i < key.length; i++) h = (h * 31 + key.charCodeAt(i)) | 0
  return Math.abs(h) % READY_SHARDS
}

/**
 * Move the point's 待提货 count by `by` inside transaction `t`, on the shard of `key` (an order's id for one readying
 * or hand-over, an arrival's for a bulk readying; created at its first move).
 */
export async function moveReadyCountInTx(t: Tx, db: DB.Database, pickupPointId: string, key: string, by: number): Promise<void> {
  const id = `${pickupPointId}_${shardOf(key)}`
  const moved = await t.collection(READY_COUNTERS).doc(id).update({ data: { readyCount: db.command.inc(by) } })
  // wx-server-sdk answers a transaction's doc update as any update: { stats: { updated } }.
  if (updatedCount(moved) === 0) await t.collection(READY_COUNTERS).doc(id).set({ data: { pickupPointId, readyCount: by } })
}

/**
 * #23: a sign-off that readied its group in one write (arrival.ts readyInBulk) adds what it readied to the count in
 * one transaction with its arrival record: `readied` is the recount of the group's bulk-readied orders (they keep
 * their mark whatever happens to them later), and only what the record has not counted yet is added — so a
 * sign-off run again after a crash, or readying more on a second run, adds each order once. Between the bulk write
 * and this transaction the count is short by the group; a crash there is finished by settle (finishInterruptedArrivals).
 */
export async function addBulkReadyCount(db: DB.Database, pickupPointId: string, arrivalId: string, readied: number): Promise<void> {
  await inTransaction(db, async (t) => {
    const arrival = await txGet<{ readyCounted?: number }>(t, 'arrivals', arrivalId)
    const add = readied - (arrival?.readyCounted ?? 0)
    if (!arrival || add <= 0) return
    await moveReadyCountInTx(t, db, pickupPointId, arrivalId, add)
    await t.collection('arrivals').doc(arrivalId).update({ data: { readyCounted: readied } })
  })
}

/**
 * A new pickup point's shards, all at 0 (admin.createPickupPoint), so a readying never pays for creating one; a
 * point from before the shards gets each at its first move instead (moveReadyCountInTx).
 */
export async function openReadyCounters(db: DB.Database, pickupPointId: string): Promise<void> {
  for (let k = 0; k < READY_SHARDS; k++) {
    try {
      await db.collection(READY_COUNTERS).add({ data: { _id: `${pickupPointId}_${k}`, pickupPointId, readyCount: 0 } })
    } catch (err) {
      if (!isDuplicateWrite(err)) throw err
    }
  }
}

/**
 * The point's 待提货 count: the sum of its shards, plus the count kept on the pickup point itself before the shards
 * (it no longer moves: orders readied before are handed over against the shards, so the sum stays the number of
 * orders waiting — no migration needed).
 */
export async function readyCountOf(db: DB.Database, pickupPointId: string): Promise<number> {
  const [shards, point] = await Promise.all([
    docsOf<ReadyCounterDoc>(db.collection(READY_COUNTERS).where({ pickupPointId }).limit(READY_SHARDS)),
    findById<{ readyCount?: number }>(db, 'pickupPoints', pickupPointId),
  ])
  return Math.max(0, shards.reduce((s, d) => s + (d.readyCount ?? 0), point?.readyCount ?? 0))
}
