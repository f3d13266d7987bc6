import { ledgerContract } from '@shared/contracts/ledger'
import { ERROR_CODES, fail, ok } from '@shared/errors'
import { action } from '@server/define'
import { refreshPayout as lookUp } from '@server/ledger/payouts'
import { payoutView } from '@server/ledger/views'

/** After 确认收款: ask WeChat Pay for the bill now (the notification may come later); only one's own payout. */
export const refreshPayout = action({
  access: ['leader', 'merchant'],
  input: ledgerContract.refreshPayout,
  async run({ caller, db, now }, { payoutId }) {
    const p = await lookUp(db, payoutId, caller.openid, now)
    if (!p) return fail(ERROR_CODES.LEDGER_PAYOUT_NOT_FOUND, 'no payout of yours with that id')
    return ok(payoutView(p))
  },
})
