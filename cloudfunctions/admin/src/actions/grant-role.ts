import { adminContract } from '@shared/contracts/admin'
import { isPointBound } from '@shared/contracts/common'
import { ERROR_CODES, fail, ok } from '@shared/errors'
import { action } from '@server/define'
import { findById } from '@server/fetch'
import { bindsOtherRoleElsewhere, grantRoleTo } from '@server/users/accounts'
import type { UserDoc } from '@server/users/model'

export const grantRole = action({
  access: ['admin'],
  input: adminContract.grantRole,
  async run({ db, now }, { openid, role, pickupPointId }) {
    if (pickupPointId && !(await findById(db, 'pickupPoints', pickupPointId))) {
      return fail(ERROR_CODES.PICKUP_POINT_NOT_FOUND, 'no such pickup point')
    }
    // A leader and a clerk role share one binding: a grant of one at another point would silently move the other
    // (a leader made a clerk elsewhere would lead there). Granting the same role elsewhere moves the person.
    const user = await findById<UserDoc>(db, 'users', openid)
    if (user && bindsOtherRoleElsewhere(user, role, pickupPointId ?? null)) {
      return fail(ERROR_CODES.ROLE_BOUND_ELSEWHERE, `already ${user.roles.filter((r) => r !== role && isPointBound(r)).join('/')} at another pickup point`)
    }
    await grantRoleTo(db, openid, role, pickupPointId ?? null, now)
    return ok({})
  },
})
