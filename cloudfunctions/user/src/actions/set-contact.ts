import { userContract } from '@shared/contracts/user'
import { ok } from '@shared/errors'
import { action } from '@server/define'
import { myContactView, sealContact } from '@server/privacy/contact'
import { ensureUser } from '@server/users/accounts'

/**
 * 收货人: what the leader and clerks of the resident's pickup point see beside the 跟团号. The phone is sealed
 * (AES-256-GCM, PII_KEY) before it is written; only its masked form and last four digits are kept in the clear.
 */
export const setContact = action({
  access: ['resident'],
  input: userContract.setContact,
  async run({ caller, db, now }, input) {
    const fields = sealContact(input, now)
    await ensureUser(db, caller.openid, now)
    // `contact` is replaced whole (set, not merged): a cleared phone or note must not survive in the old object.
    await db.collection('users').doc(caller.openid).update({ data: { contact: db.command.set(fields.contact), phoneTail: fields.phoneTail } })
    return ok({ contact: myContactView(fields.contact)! })
  },
})
