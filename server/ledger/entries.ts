import type { EntryState, Party } from '@shared/domain/ledger'
import type { EntryKind } from '@shared/contracts/ledger'
import { accountOf, type LedgerBalanceDoc, type LedgerEntryDoc } from '@server/ledger/model'
import { txGet, type Tx } from '@server/ledger/txn'

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

/** Parties whose AVAILABLE money is kept in a balance document (they withdraw it); the others are derived. */
export const PAYEES: readonly Party[] = ['leader', 'merchant']

/**
 * Write entries inside a transaction, and move the payee balance documents by the same amounts, so the kept
 * balance and the sum of the entries can never disagree. Zero amounts are not written.
 */
export async function writeEntries(t: Tx, specs: readonly EntrySpec[], now: number): Promise<void> {
  const deltas = new Map<string, { party: Party; partyId: string; d: Record<'availableFen' | 'pendingPayoutFen' | 'paidOutFen', number> }>()
  for (const s of specs) {
    if (s.amountFen === 0) continue
    const doc: LedgerEntryDoc = { _id: s.id, orderId: s.orderId, groupBuyId: s.groupBuyId, party: s.party, partyId: s.partyId, account: accountOf(s.party, s.partyId), kind: s.kind, amountFen: s.amountFen, state: s.state, refId: s.refId, createdAt: now }
    await t.collection('ledgerEntries').add({ data: doc as unknown as Record<string, unknown> })
    if (!PAYEES.includes(s.party) || s.state === 'FROZEN') continue
    const acc = accountOf(s.party, s.partyId)
    const cur = deltas.get(acc) ?? { party: s.party, partyId: s.partyId, d: { availableFen: 0, pendingPayoutFen: 0, paidOutFen: 0 } }
    const field = s.state === 'AVAILABLE' ? 'availableFen' : s.state === 'PAYOUT_PENDING' ? 'pendingPayoutFen' : 'paidOutFen'
    cur.d[field] += s.amountFen
    deltas.set(acc, cur)
  }
  for (const [acc, { party, partyId, d }] of deltas) {
    const bal = await txGet<LedgerBalanceDoc>(t, 'ledgerBalances', acc)
    const next: LedgerBalanceDoc = {
      _id: acc,
      party,
      partyId,
      availableFen: (bal?.availableFen ?? 0) + d.availableFen,
      pendingPayoutFen: (bal?.pendingPayoutFen ?? 0) + d.pendingPayoutFen,
      paidOutFen: (bal?.paidOutFen ?? 0) + d.paidOutFen,
      updatedAt: now,
    }
    const { _id, ...fields } = next
    if (bal) await t.collection('ledgerBalances').doc(_id).update({ data: fields })
    else await t.collection('ledgerBalances').doc(_id).set({ data: fields })
  }
}
