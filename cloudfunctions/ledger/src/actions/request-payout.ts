import { ledgerContract } from '@shared/contracts/ledger'
import { needsUserName } from '@shared/domain/payout'
import { ERROR_CODES, fail, ok } from '@shared/errors'
import { isCrash } from '@server/crash-points'
import { action } from '@server/define'
import { requestPayout as holdPayout, submitPayout } from '@server/ledger/payouts'
import { derivedBalance } from '@server/ledger/reconcile'
import { accountFor } from '@server/ledger/views'
import { encryptSensitive, wechatPayConfig } from '@server/ledger/wechatpay'

/**
 * 提现: hold the amount out of AVAILABLE now and create its 商家转账 bill at once, so the payee can 确认收款 right
 * away (settle retries a creation that failed, and gives the money back if it finally fails). From ¥2,000 WeChat
 * Pay needs the payee's real name: it is encrypted with WeChat Pay's public key here and never stored in the clear.
 */
export const requestPayout = action({
  access: ['leader', 'merchant'],
  input: ledgerContract.requestPayout,
  async run({ caller, db, now }, { amountFen, requestId, as, realName }) {
    const account = accountFor(await caller.user(), as)
    if (!account || account.party === 'store') return fail(ERROR_CODES.LEDGER_NO_ACCOUNT, 'only leaders and merchants withdraw')
    if (needsUserName(amountFen) && !realName) {
      // Not enough money is the more basic answer: a name would not change it.
      if ((await derivedBalance(db, account.account)).availableFen < amountFen) return fail(ERROR_CODES.LEDGER_INSUFFICIENT, 'amount exceeds the available balance')
      return fail(ERROR_CODES.LEDGER_REAL_NAME_REQUIRED, 'realName is required from ¥2,000')
    }
    const userNameCipher = needsUserName(amountFen) && realName ? encryptSensitive(realName, wechatPayConfig()) : null
    const res = await holdPayout(db, account.party, account.partyId, amountFen, requestId, now, { userNameCipher })
    if (res === 'INSUFFICIENT') return fail(ERROR_CODES.LEDGER_INSUFFICIENT, 'amount exceeds the available balance')
    if (res === 'REQUEST_REUSED') return fail(ERROR_CODES.INPUT_INVALID, 'requestId: already used for a payout of another amount')
    // Best effort: a failure here is the settle timer's to retry; the hold above is what the caller is told about.
    await submitPayout(db, res.payoutId, now).catch((err) => {
      if (isCrash(err)) throw err
      console.error('[requestPayout] first bill attempt failed', err)
    })
    return ok(res)
  },
})
