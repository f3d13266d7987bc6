import { userContract } from '@shared/contracts/user'
import { ERROR_CODES, fail, ok } from '@shared/errors'
import { action } from '@server/define'
import { findById } from '@server/fetch'
import { choosePickupPointFor } from '@server/users/accounts'

export const choosePickupPoint = action({
  access: ['resident'],
  input: userContract.choosePickupPoint,
  async run({ caller, db, now }, { pickupPointId }) {
    if (!(await findById(db, 'pickupPoints', pickupPointId))) return fail(ERROR_CODES.PICKUP_POINT_NOT_FOUND, 'no such pickup point')
    await choosePickupPointFor(db, caller.openid, pickupPointId, now)
    return ok({})
  },
})
