import { memberContract } from '@shared/contracts/member'
import { ok } from '@shared/errors'
import { action } from '@server/define'
import { memberOf, toMemberView } from '@server/members/points'

/** 我的积分: balance, level from lifetime points, what the next level needs. */
export const me = action({
  access: ['resident'],
  input: memberContract.me,
  async run({ caller, db }) {
    return ok(toMemberView(await memberOf(db, caller.openid)))
  },
})
