import { ledgerContract } from '@shared/contracts/ledger'
import { ERROR_CODES, fail, ok } from '@shared/errors'
import { decodeCursor, keysetPage } from '@server/cursor'
import { action } from '@server/define'
import type { LedgerEntryDoc } from '@server/ledger/model'
import { accountFor, entryViews } from '@server/ledger/views'
import { copyAllRidingSales } from '@server/ledger/sale-entries'

/** My ledger entries, newest first, each with its order's title and 跟团号. */
export const entries = action({
  access: ['leader', 'merchant', 'clerk'],
  input: ledgerContract.entries,
  async run({ caller, db }, { cursor, as }) {
    // Sales whose entries still ride on their orders are copied first (server/ledger/sale-entries.ts): the books as they are.
    await copyAllRidingSales(db)
    const account = accountFor(await caller.user(), as)
    if (!account) return fail(ERROR_CODES.LEDGER_NO_ACCOUNT, 'no account of that kind for the caller')
    const pos = decodeCursor(cursor)
    if (pos === 'invalid') return fail(ERROR_CODES.INPUT_INVALID, 'cursor: not one we issued')
    const page = await keysetPage<LedgerEntryDoc>(db, 'ledgerEntries', { account: account.account }, { field: 'createdAt', dir: 'desc' }, pos, 20)
    return ok({ items: await entryViews(db, page.docs), nextCursor: page.nextCursor })
  },
})
