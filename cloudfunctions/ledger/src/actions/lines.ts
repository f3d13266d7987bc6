import { ledgerContract } from '@shared/contracts/ledger'
import { ERROR_CODES, fail, ok } from '@shared/errors'
import { action } from '@server/define'
import { decodeLinesCursor, moneyLines } from '@server/ledger/lines'
import { accountFor } from '@server/ledger/views'
import { copyAllRidingSales } from '@server/ledger/sale-entries'

/** 收益 / 结算 in plain words: one line per order (my share, 待提货 → 售后期 → 可提现 → 已提现), payout or debt repayment. */
export const lines = action({
  access: ['leader', 'merchant', 'clerk'],
  input: ledgerContract.lines,
  async run({ caller, db }, { cursor, as }) {
    // Sales whose entries still ride on their orders are copied first (server/ledger/sale-entries.ts): the books as they are.
    await copyAllRidingSales(db)
    const account = accountFor(await caller.user(), as)
    if (!account) return fail(ERROR_CODES.LEDGER_NO_ACCOUNT, 'no account of that kind for the caller')
    const pos = decodeLinesCursor(cursor)
    if (pos === 'invalid') return fail(ERROR_CODES.INPUT_INVALID, 'cursor: not one we issued')
    return ok(await moneyLines(db, account, pos))
  },
})
