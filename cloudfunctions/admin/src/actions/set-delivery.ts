import { adminContract } from '@shared/contracts/admin'
import { ERROR_CODES, fail, ok } from '@shared/errors'
import { action } from '@server/define'
import { saveDeliverySettings } from '@server/delivery/settings'

/**
 * 配送到家 settings of a pickup point (#25). The admin only, like the handling fee: the delivery fee is the store's
 * money for the store's work (the store delivers), so it is agreed with the store, not set by the point's leader,
 * who neither delivers nor receives it.
 */
export const setDelivery = action({
  access: ['admin'],
  input: adminContract.setDelivery,
  async run({ db, now }, input) {
    const saved = await saveDeliverySettings(db, input, now)
    if (!saved) return fail(ERROR_CODES.PICKUP_POINT_NOT_FOUND, 'no such pickup point')
    const { updatedAt: _updatedAt, ...delivery } = saved
    return ok({ pickupPointId: input.pickupPointId, delivery })
  },
})
