import { ledgerContract } from '@shared/contracts/ledger'
import { ok } from '@shared/errors'
import { action } from '@server/define'
import type { LedgerEntryDoc } from '@server/ledger/model'
import { entryViews } from '@server/ledger/views'
import { docsOf } from '@server/paging'

/** Every entry of one order (admin: answering "where did this order's money go"). */
export const orderEntries = action({
  access: ['admin'],
  input: ledgerContract.orderEntries,
  async run({ db }, { orderId }) {
    const res = await docsOf<LedgerEntryDoc>(db.collection('ledgerEntries').where({ orderId }).orderBy('createdAt', 'asc').orderBy('_id', 'asc').limit(1000))
    return ok({ items: await entryViews(db, res) })
  },
})
