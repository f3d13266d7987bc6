import { userContract } from '@shared/contracts/user'
import { ok } from '@shared/errors'
import { action } from '@server/define'
import { ensureUser } from '@server/users/accounts'

/**
 * 精准推送 consent. Off until the resident turns it on; turning it off takes them out of every audience at once
 * (sizes, who may see a targeted campaign, and launches from now on), because audiences are evaluated live.
 */
export const setMarketingConsent = action({
  access: ['resident'],
  input: userContract.setMarketingConsent,
  async run({ caller, db, now }, { consent }) {
    await ensureUser(db, caller.openid, now)
    await db.collection('users').doc(caller.openid).update({ data: { marketingConsent: consent, marketingConsentAt: now } })
    return ok({ marketingConsent: consent })
  },
})
