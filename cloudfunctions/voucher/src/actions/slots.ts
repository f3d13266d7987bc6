import { voucherContract } from '@shared/contracts/voucher'
import { action } from '@server/define'
import { slotsView } from '@server/vouchers/views'

/** A service group buy's slots with the places left (the join's slot picker). */
export const slots = action({
  access: ['resident'],
  input: voucherContract.slots,
  run: ({ db }, { groupBuyId }) => slotsView(db, groupBuyId),
})
