import { voucherContract } from '@shared/contracts/voucher'
import { action } from '@server/define'
import { servicesAt } from '@server/vouchers/views'

/** 服务: the open service group buys at a pickup point (the feed's 服务 section). */
export const services = action({
  access: ['resident'],
  input: voucherContract.services,
  run: ({ db, now }, { pickupPointId }) => servicesAt(db, pickupPointId, now),
})
