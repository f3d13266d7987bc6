import { voucherContract } from '@shared/contracts/voucher'
import { action } from '@server/define'
import { todayFor } from '@server/vouchers/views'

/** 今日预约: a merchant's appointments across its services, or a clerk's at their store (Beijing day). */
export const today = action({
  access: ['merchant', 'clerk'],
  input: voucherContract.today,
  async run({ caller, db, now }) {
    return todayFor(db, await caller.user(), now)
  },
})
