import { ledgerContract } from '@shared/contracts/ledger'
import { ok } from '@shared/errors'
import { action } from '@server/define'
import type { LedgerEntryDoc } from '@server/ledger/model'
import { entryViews } from '@server/ledger/views'
import { docsOf } from '@server/paging'
import { copyAllRidingSales } from '@server/ledger/sale-entries'

/** Every entry of one order (admin: answering "where did this order's money go"). */
export const orderEntries = action({
  access: ['admin'],
  input: ledgerContract.orderEntries,
  async run({ db }, { orderId }) {
    // Sales whose entries still ride on their orders are copied first (server/ledger/sale-entries.ts): the books as they are.
    await copyAllRidingSales(db)
    const res = await docsOf<LedgerEntryDoc>(db.collection('ledgerEntries').where({ orderId }).orderBy('createdAt', 'asc').orderBy('_id', 'asc').limit(1000))
    return ok({ items: await entryViews(db, res) })
  },
})
