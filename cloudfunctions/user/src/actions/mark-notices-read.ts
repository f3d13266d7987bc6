import { userContract } from '@shared/contracts/user'
import { ok } from '@shared/errors'
import { action } from '@server/define'
import { ensureUser } from '@server/users/accounts'

/** Everything up to now counts as read. Only ever moves forward (a late, older call cannot un-read). */
export const markNoticesRead = action({
  access: ['resident'],
  input: userContract.markNoticesRead,
  async run({ caller, db, now }) {
    const _ = db.command
    await ensureUser(db, caller.openid, now)
    await db
      .collection('users')
      .where(_.or([{ _id: caller.openid, noticesReadAt: _.lt(now) }, { _id: caller.openid, noticesReadAt: _.exists(false) }]))
      .update({ data: { noticesReadAt: now } })
    return ok({})
  },
})
