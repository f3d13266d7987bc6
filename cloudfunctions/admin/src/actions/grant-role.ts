import { adminContract } from '@shared/contracts/admin'
import { ERROR_CODES, fail, ok } from '@shared/errors'
import { action } from '@server/define'
import { findById } from '@server/fetch'
import { grantRoleTo } from '@server/users/accounts'

export const grantRole = action({
  access: ['admin'],
  input: adminContract.grantRole,
  async run({ db, now }, { openid, role, pickupPointId }) {
    if (pickupPointId && !(await findById(db, 'pickupPoints', pickupPointId))) {
      return fail(ERROR_CODES.PICKUP_POINT_NOT_FOUND, 'no such pickup point')
    }
    await grantRoleTo(db, openid, role, pickupPointId ?? null, now)
    return ok({})
  },
})
