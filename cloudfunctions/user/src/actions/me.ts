import { userContract } from '@shared/contracts/user'
import { ok } from '@shared/errors'
import { action } from '@server/define'

export const me = action({
  access: ['resident'],
  input: userContract.me,
  async run({ caller }) {
    const user = await caller.user()
    return ok({ openid: caller.openid, roles: user.roles, pickupPointId: user.pickupPointId ?? null, boundPickupPointId: user.boundPickupPointId ?? null })
  },
})
