import type { Tx } from '@server/ledger/txn'
import { moveOrderInTx } from './moves'

// A move the transition table forbids is refused before anything is written (the conditional writes of moveOrder
// are exercised by every payment, cancel, arrival and pickup test against the local cloud).
function recordingTx(): { t: Tx; writes: unknown[] } {
  const writes: unknown[] = []
  const doc = { get: async () => ({ data: null }), set: async () => undefined, update: async (o: unknown) => void writes.push(o) }
  return { t: { collection: () => ({ doc: () => doc, add: async () => undefined }) }, writes }
}

it('writes an allowed move with its fields, status first', async () => {
  const { t, writes } = recordingTx()
  await moveOrderInTx(t, { _id: 'o1', status: 'READY_FOR_PICKUP' }, 'PICKED_UP', { pickedUpAt: 5 })
  expect(writes).toEqual([{ data: { status: 'PICKED_UP', pickedUpAt: 5 } }])
})

it.each([
  ['PICKED_UP', 'REFUNDING'],
  ['REFUNDED', 'PAID'],
  ['PENDING_PAYMENT', 'PICKED_UP'],
  ['CANCELLED', 'PAID'],
] as const)('refuses %s → %s and writes nothing', async (from, to) => {
  const { t, writes } = recordingTx()
  await expect(moveOrderInTx(t, { _id: 'o1', status: from }, to)).rejects.toThrow('ORDER_TRANSITIONS')
  expect(writes).toEqual([])
})

it('takes a move through the statuses it passes in one write, each step checked', async () => {
  const { t, writes } = recordingTx()
  await moveOrderInTx(t, { _id: 'o1', status: 'PAID' }, 'REFUNDED', { unitsReturnedAt: 7 }, ['REFUNDING'])
  expect(writes).toEqual([{ data: { status: 'REFUNDED', unitsReturnedAt: 7 } }])
  await expect(moveOrderInTx(t, { _id: 'o1', status: 'PICKED_UP' }, 'REFUNDED', {}, ['REFUNDING'])).rejects.toThrow('ORDER_TRANSITIONS')
  expect(writes).toHaveLength(1)
})
