import { userContract } from '@shared/contracts/user'
import { ok } from '@shared/errors'
import { action } from '@server/define'
import { ensureUser } from '@server/users/accounts'

/**
 * 精准推送 consent. Off until the resident turns it on; turning it off takes them out of every audience at once
 * (sizes, who may see a targeted campaign, and launches from now on), because audiences are evaluated live, and
 * withdraws the marketing pushes queued for them and not sent yet.
 */
export const setMarketingConsent = action({
  access: ['resident'],
  input: userContract.setMarketingConsent,
  async run({ caller, db, now }, { consent }) {
    await ensureUser(db, caller.openid, now)
    await db.collection('users').doc(caller.openid).update({ data: { marketingConsent: consent, marketingConsentAt: now } })
    // …and what was queued for them and not sent yet (an audit: test/node/attacks-messages-admin.test.ts — the push
    // still went out, spending their consent): settle sends PENDING messages only.
    if (!consent) await db.collection('outbox').where({ toOpenid: caller.openid, template: 'MARKETING', status: 'PENDING' }).update({ data: { status: 'WITHDRAWN', error: 'marketing consent withdrawn' } })
    return ok({ marketingConsent: consent })
  },
})
