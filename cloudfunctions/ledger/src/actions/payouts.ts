import { ledgerContract } from '@shared/contracts/ledger'
import { ERROR_CODES, fail, ok } from '@shared/errors'
import { action } from '@server/define'
import type { PayoutDoc } from '@server/ledger/model'
import { accountFor, payoutView } from '@server/ledger/views'
import { docsOf } from '@server/paging'

/** 我的提现: the caller's latest payouts; those waiting for 确认收款 carry wx.requestMerchantTransfer's arguments. */
export const payouts = action({
  access: ['leader', 'merchant'],
  input: ledgerContract.payouts,
  async run({ caller, db }, { as }) {
    const account = accountFor(await caller.user(), as)
    if (!account || account.party === 'store') return fail(ERROR_CODES.LEDGER_NO_ACCOUNT, 'only leaders and merchants withdraw')
    const res = await docsOf<PayoutDoc>(db.collection('payouts').where({ account: account.account }).orderBy('createdAt', 'desc').limit(20))
    return ok({ items: res.map(payoutView) })
  },
})
