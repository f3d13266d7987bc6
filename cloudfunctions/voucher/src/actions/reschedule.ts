import { voucherContract } from '@shared/contracts/voucher'
import { action } from '@server/define'
import { rescheduleVoucher } from '@server/vouchers/changes'

/** 改约: the resident moves an unredeemed voucher to another slot with room (one transaction). */
export const reschedule = action({
  access: ['resident'],
  input: voucherContract.reschedule,
  run: ({ caller, db, now }, { orderId, ...slot }) => rescheduleVoucher(db, caller.openid, orderId, slot, now),
})
