import { voucherContract } from '@shared/contracts/voucher'
import { action } from '@server/define'
import { redeemVoucher } from '@server/vouchers/redeem'

/**
 * 核销 of a voucher by its provider. Open to any identity on purpose (as pickup.verify): someone who is not a
 * provider trying codes is what the audit must record; the provider check is the first step inside.
 */
export const redeem = action({
  access: ['resident'],
  input: voucherContract.redeem,
  async run({ caller, db, now }, { code }) {
    return redeemVoucher(db, await caller.user(), code, now)
  },
})
