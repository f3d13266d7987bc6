import { userContract } from '@shared/contracts/user'
import { ok } from '@shared/errors'
import { action } from '@server/define'
import { recordConsent as record } from '@server/messages/notify'

/** Called after wx.requestSubscribeMessage with the templates the user accepted: one credit each. */
export const recordConsent = action({
  access: ['resident'],
  input: userContract.recordConsent,
  async run({ caller, db }, { templates }) {
    for (const t of templates) await record(db, caller.openid, t)
    return ok({})
  },
})
