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
 * Write entries inside a transaction. Zero amounts are not written. Sales, releases and reversals touch no shared
 * document besides their order's position, so pickups and payments of one leader never wait for each other; only a
 * payout moves its account's document (payouts.ts).
 */
export async function writeEntries(t: Tx, specs: readonly EntrySpec[], now: number): Promise<void> {
  for (const s of specs) {
    if (s.amountFen === 0) continue
    const doc: LedgerEntryDoc = { _id: s.id, orderId: s.orderId, groupBuyId: s.groupBuyId, party: s.party, partyId: s.partyId, account: accountOf(s.party, s.partyId), kind: s.kind, amountFen: s.amountFen, state: s.state, refId: s.refId, createdAt: now }
    await t.collection('ledgerEntries').add({ data: doc as unknown as Record<string, unknown> })
  }
}
