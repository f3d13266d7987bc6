import { userContract } from '@shared/contracts/user'
import { ERROR_CODES, fail, ok } from '@shared/errors'
import { action } from '@server/define'
import { erase } from '@server/privacy/personal-data'

/**
 * 注销: the caller's profile, consents, notices and messages are deleted; orders, refunds and tallies stay for
 * the books but point at a random tombstone instead of the openid; usable coupons are voided. A later call as
 * the same person starts a fresh profile. Staff (leader, clerk, merchant, admin) are closed by the platform
 * instead: their openid is on group buys, audits and offers others depend on.
 */
export const deleteMe = action({
  access: ['resident'],
  input: userContract.deleteMe,
  async run({ caller, db, now }) {
    const user = await caller.user()
    if (user.roles.some((r) => r !== 'resident')) return fail(ERROR_CODES.AUTH_FORBIDDEN, 'staff accounts are closed by the platform, not by deleteMe')
    await erase(db, caller.openid, now)
    return ok({ deleted: true as const })
  },
})
