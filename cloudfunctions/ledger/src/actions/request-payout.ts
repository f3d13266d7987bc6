import { ledgerContract } from '@shared/contracts/ledger'
import { ERROR_CODES, fail, ok } from '@shared/errors'
import { action } from '@server/define'
import { requestPayout as holdPayout } from '@server/ledger/payouts'
import { accountFor } from '@server/ledger/views'

/** 提现: hold the amount out of AVAILABLE now; settle pays it out (or gives it back if it finally fails). */
export const requestPayout = action({
  access: ['leader', 'merchant'],
  input: ledgerContract.requestPayout,
  async run({ caller, db, now }, { amountFen, requestId, as }) {
    const account = accountFor(await caller.user(), as)
    if (!account || account.party === 'store') return fail(ERROR_CODES.LEDGER_NO_ACCOUNT, 'only leaders and merchants withdraw')
    const res = await holdPayout(db, account.party, account.partyId, amountFen, requestId, now)
    if (res === 'INSUFFICIENT') return fail(ERROR_CODES.LEDGER_INSUFFICIENT, 'amount exceeds the available balance')
    if (res === 'REQUEST_REUSED') return fail(ERROR_CODES.INPUT_INVALID, 'requestId: already used for a payout of another amount')
    return ok(res)
  },
})
