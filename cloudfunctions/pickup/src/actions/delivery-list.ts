import { pickupContract } from '@shared/contracts/pickup'
import { ERROR_CODES, fail, ok } from '@shared/errors'
import { action } from '@server/define'
import { deliveryListCsv, deliveryStops } from '@server/delivery/list'
import { canSeeContactsAt } from '@server/privacy/contact'

/**
 * 配送单 (#25): what to deliver to which door, by building and room. Only the leader and clerks working at this
 * pickup point (they see the 收货人, as at the counter); with format 'csv' also a file (UTF-8 with BOM).
 */
export const deliveryList = action({
  access: ['leader', 'clerk'],
  input: pickupContract.deliveryList,
  async run({ caller, db, now }, { pickupPointId, format = 'json' }) {
    const user = await caller.user()
    if (!canSeeContactsAt(user, pickupPointId)) return fail(ERROR_CODES.AUTH_FORBIDDEN, 'only the leader and clerks of this pickup point')
    const items = await deliveryStops(db, pickupPointId)
    if (format === 'json') return ok({ items })
    return ok({ items, ...(await deliveryListCsv(db, pickupPointId, items, now)) })
  },
})
