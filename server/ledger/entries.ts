import type { EntryState, Party } from '@shared/domain/ledger'
import type { EntryKind } from '@shared/contracts/ledger'
import { accountOf, type LedgerEntryDoc } from '@server/ledger/model'
import type { Tx } from '@server/ledger/txn'

export interface EntrySpec {
  /** Unique per event and party: the entry's id, so writing the same event twice is a duplicate insert. */
  id: string
  orderId: string | null
  groupBuyId: string | null
  party: Party
  partyId: string
  kind: EntryKind
  amountFen: number
  state: EntryState
  refId: string | null
}

/**
 * Write entries inside a transaction, all of one event in one insert (#23: one database operation per event, not
 * per party — the SDK's add takes a list; a key written before makes the whole transaction a duplicate, as one
 * insert per entry did). Zero amounts are not written. Sales, releases and reversals touch no shared document
 * besides their order's position, so pickups and payments of one leader never wait for each other; only a payout
 * moves its account's document (payouts.ts).
 */
export async function writeEntries(t: Tx, specs: readonly EntrySpec[], now: number): Promise<void> {
  const docs: LedgerEntryDoc[] = specs
    .filter((s) => s.amountFen !== 0)
    .map((s) => ({ _id: s.id, orderId: s.orderId, groupBuyId: s.groupBuyId, party: s.party, partyId: s.partyId, account: accountOf(s.party, s.partyId), kind: s.kind, amountFen: s.amountFen, state: s.state, refId: s.refId, createdAt: now }))
  if (docs.length === 0) return
  await t.collection('ledgerEntries').add({ data: (docs.length === 1 ? docs[0] : docs) as unknown as Record<string, unknown> | Record<string, unknown>[] })
}
