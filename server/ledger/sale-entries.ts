import { PARTIES, splitShares } from '@shared/domain/ledger'
import { addManyKeyed, drainMarked } from '@server/batch-insert'
import type { DueQuery } from '@server/due'
import { findById } from '@server/fetch'
import { accountOf, ledgerOf, type LedgerEntryDoc, type LedgerOrderDoc } from '@server/ledger/model'
import type { OrderDoc } from '@server/orders/model'

/**
 * A sale's four FROZEN entries ride on its order (#23: the payment's transaction writes the order's ledger position
 * and `saleDueAt`, no insert of its own): they are exactly what the position says — the split of the order's amount by
 * the terms fixed at the sale, keyed `<orderId>_s_<party>`, dated at the sale — and settle copies them into
 * `ledgerEntries` in keyed batch inserts within the minute (writeDueSales), then clears the mark.
 *
 * Nothing else is written for an order before its sale's entries are there: a reversal or a release copies them
 * first (copySaleOf; in their transaction a sale still riding defers them), so no account's entries ever show a
 * reversal without its sale. Whoever reads the entries to report on them copies first (the ledger's views, reconcile).
 */
export function saleEntryDocs(lo: LedgerOrderDoc): LedgerEntryDoc[] {
  const shares = splitShares(lo.amountFen, lo.quantity, lo.terms)
  return PARTIES.filter((party) => shares[party] !== 0).map((party) => ({
    _id: `${lo._id}_s_${party}`, orderId: lo._id, groupBuyId: lo.groupBuyId, party, partyId: lo.accounts[party], account: accountOf(party, lo.accounts[party]),
    kind: 'SALE', amountFen: shares[party], state: 'FROZEN', refId: null, createdAt: lo.createdAt,
  }))
}

/** Is the order's sale still riding on it (its entries not copied yet)? */
export function saleRides(order: Pick<OrderDoc, 'saleDueAt'> | null | undefined): boolean {
  return (order?.saleDueAt ?? 0) > 0
}

/** What writeDueSales selects: orders whose sale's entries ride on them. */
export const SALES_DUE: DueQuery = { collection: 'orders', where: (_) => ({ saleDueAt: _.gt(0) }) }

/**
 * settle (and every reader of the entries, first): the riding sales' entries written, one keyed batch insert per page
 * of orders, then their marks cleared in one write. A run cut off between the two leaves the marks for the next,
 * whose keyed insert writes nothing twice.
 */
export async function writeDueSales(db: DB.Database, max = 1000): Promise<{ written: number }> {
  const written = await drainMarked<OrderDoc>(db, 'orders', SALES_DUE.where(db.command, 0), { saleDueAt: 0 }, async (marked) => {
    const docs = marked.flatMap((o) => {
      const lo = ledgerOf(o)
      return lo ? saleEntryDocs(lo) : []
    })
    await addManyKeyed(db, 'ledgerEntries', docs as unknown as Record<string, unknown>[])
    return marked.length
  }, max)
  return { written }
}

/**
 * Every riding sale copied, however many (a ledger view, before it reads: what it reports is the books as they are —
 * before, a view copied at most a thousand and a burst beyond that was missing from it; an audit:
 * test/node/attacks-sale-entries.test.ts). A page of a hundred orders per insert; settle copies a thousand a tick.
 */
export function copyAllRidingSales(db: DB.Database): Promise<{ written: number }> {
  return writeDueSales(db, Number.MAX_SAFE_INTEGER)
}

/**
 * One order's riding sale copied now (a reversal or a release is about to write after it): its entries (keyed),
 * then its mark. `known`: the order as the caller read it; nothing is done when that shows no riding sale.
 */
export async function copySaleOf(db: DB.Database, known: OrderDoc | null): Promise<void> {
  if (!known || !saleRides(known)) return
  const order = await findById<OrderDoc>(db, 'orders', known._id)
  const lo = ledgerOf(order)
  if (!order || !lo || !saleRides(order)) return
  await addManyKeyed(db, 'ledgerEntries', saleEntryDocs(lo) as unknown as Record<string, unknown>[])
  await db.collection('orders').where({ _id: order._id, saleDueAt: db.command.gt(0) }).update({ data: { saleDueAt: 0 } })
}
