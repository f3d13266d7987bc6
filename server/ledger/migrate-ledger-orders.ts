import { ifCollectionExists } from '@server/insight/query'
import { LEDGER_FIELD, type LedgerOrderDoc } from '@server/ledger/model'
import { docsOf } from '@server/paging'
import { updatedCount } from '@server/fetch'

/** The collection ledger positions were kept in before #23 moved them onto their orders. */
export const LEGACY_LEDGER_ORDERS = 'ledgerOrders'

const STEP = 100

/**
 * One step of the one-off move (#23): up to STEP positions of the old ledgerOrders collection, in _id order, each
 * copied onto its order unless the order carries one already — so running it again, or after the new code booked
 * an event on the order, overwrites nothing. Run it right after deploying: until it has run to the end, an order
 * whose position is still only in the old collection has its ledger events wait (settle's catch-up books the
 * pickups and refunds of the last half hour once the position is there; anything older shows in admin.reconcile).
 * The old documents are left in place, for the admin to drop once reconcile is clean.
 */
export async function migrateLedgerOrders(db: DB.Database, cursor: string | null): Promise<{ scanned: number; moved: number; nextCursor: string | null }> {
  const _ = db.command
  const docs = await ifCollectionExists(() => docsOf<LedgerOrderDoc>(db.collection(LEGACY_LEDGER_ORDERS).where({ _id: _.gt(cursor ?? '') }).orderBy('_id', 'asc').limit(STEP)), [])
  let moved = 0
  for (const { _id, ...position } of docs) {
    const res = await db.collection('orders').where({ _id, [LEDGER_FIELD]: _.exists(false) }).update({ data: { [LEDGER_FIELD]: _.set(position) } })
    moved += updatedCount(res)
  }
  return { scanned: docs.length, moved, nextCursor: docs.length === STEP ? docs[docs.length - 1]._id : null }
}
