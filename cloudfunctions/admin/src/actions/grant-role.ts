import { adminContract } from '@shared/contracts/admin'
import { isPointBound } from '@shared/contracts/common'
import { ERROR_CODES, fail, ok } from '@shared/errors'
import { action } from '@server/define'
import { findById } from '@server/fetch'
import { bindsOtherRoleElsewhere, ensureUser } from '@server/users/accounts'
import { inTransaction, txGet } from '@server/ledger/txn'
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
    // The check and the grant in one transaction on the user (an audit: test/node/attacks-messages-admin.test.ts):
    // two grants at once — leader at one point, clerk at another — both passed the check and left one binding
    // serving both roles. Now the second conflicts, runs again, and sees the first.
    await ensureUser(db, openid, now)
    const refused = await inTransaction(db, async (t) => {
      const user = await txGet<UserDoc>(t, 'users', openid)
      if (user && bindsOtherRoleElsewhere(user, role, pickupPointId ?? null)) return user.roles.filter((r) => r !== role && isPointBound(r)).join('/')
      const roles = [...new Set([...(user?.roles ?? []), role])]
      await t.collection('users').doc(openid).update({ data: { roles, ...(pickupPointId && isPointBound(role) ? { boundPickupPointId: pickupPointId } : {}) } })
      return null
    })
    if (refused !== null) return fail(ERROR_CODES.ROLE_BOUND_ELSEWHERE, `already ${refused} at another pickup point`)
    return ok({})
  },
})
