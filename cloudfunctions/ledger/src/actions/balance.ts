import { ledgerContract } from '@shared/contracts/ledger'
import { ERROR_CODES, fail, ok } from '@shared/errors'
import { action } from '@server/define'
import { accountFor, balanceView } from '@server/ledger/views'
import { copyAllRidingSales } from '@server/ledger/sale-entries'

/** 收益: my frozen / available / paid-out money and, for a leader, this month's tier. */
export const balance = action({
  access: ['leader', 'merchant', 'clerk'],
  input: ledgerContract.balance,
  async run({ caller, db, now }, { as }) {
    // Sales whose entries still ride on their orders are copied first (server/ledger/sale-entries.ts): the books as they are.
    await copyAllRidingSales(db)
    const account = accountFor(await caller.user(), as)
    if (!account) return fail(ERROR_CODES.LEDGER_NO_ACCOUNT, 'no account of that kind for the caller')
    return ok(await balanceView(db, account, now))
  },
})
