import { insightContract } from '@shared/contracts/insight'
import { ERROR_CODES, fail, ok } from '@shared/errors'
import { action } from '@server/define'
import { dashboard as compute, type Scope } from '@server/insight/dashboard'

/**
 * Sales per day, per pickup point and per product over [from, to). A merchant sees their own goods (group buys
 * sold from their offers), a leader or clerk their own pickup point, an admin everything. Only sums leave the
 * database: no openid, name or order is in the reply.
 */
export const dashboard = action({
  access: ['merchant', 'leader', 'clerk', 'admin'],
  input: insightContract.dashboard,
  async run({ caller, db, now }, { from, to }) {
    const user = await caller.user()
    let scope: Scope
    if (user.roles.includes('admin')) scope = { kind: 'all', id: null }
    else if (user.roles.includes('merchant')) scope = { kind: 'merchant', id: caller.openid }
    else if (user.boundPickupPointId) scope = { kind: 'pickupPoint', id: user.boundPickupPointId }
    else return fail(ERROR_CODES.AUTH_FORBIDDEN, 'not bound to a pickup point')
    return ok(await compute(db, scope, from, to, now))
  },
})
