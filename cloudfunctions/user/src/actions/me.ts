import { userContract } from '@shared/contracts/user'
import { ok } from '@shared/errors'
import { action } from '@server/define'
import { findById } from '@server/fetch'
import type { MarketingFields } from '@server/insight/audience'
import { myContactView, type ContactFields } from '@server/privacy/contact'

export const me = action({
  access: ['resident'],
  input: userContract.me,
  async run({ caller, db }) {
    const [user, stored] = await Promise.all([caller.user(), findById<MarketingFields & ContactFields>(db, 'users', caller.openid)])
    return ok({
      openid: caller.openid, roles: user.roles, pickupPointId: user.pickupPointId ?? null, boundPickupPointId: user.boundPickupPointId ?? null,
      marketingConsent: stored?.marketingConsent === true, contact: myContactView(stored?.contact),
    })
  },
})
