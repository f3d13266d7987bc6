import { voucherContract } from '@shared/contracts/voucher'
import { action } from '@server/define'
import { cancelVoucher } from '@server/vouchers/changes'

/** 随时退: the resident's full refund of an unredeemed voucher, until its slot starts (once). */
export const cancel = action({
  access: ['resident'],
  input: voucherContract.cancel,
  run: ({ caller, db, now }, { orderId }) => cancelVoucher(db, caller.openid, orderId, now),
})
