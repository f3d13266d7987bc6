import { voucherContract } from '@shared/contracts/voucher'
import { action } from '@server/define'
import { publishService } from '@server/vouchers/publish'

/** The provider (the merchant owning a SERVICE product) opens a group buy of it with appointment slots. */
export const publish = action({
  access: ['merchant'],
  input: voucherContract.publish,
  run: ({ caller, db, now }, input) => publishService(db, caller.openid, input, now),
})
