import { userContract } from '@shared/contracts/user'
import { ok } from '@shared/errors'
import { action } from '@server/define'
import { collectMyData } from '@server/privacy/personal-data'
import { saveExport } from '@server/storage/exports'
import { ensureUser } from '@server/users/accounts'

/**
 * 个人信息保护法: a copy of everything the platform holds about the caller, as JSON in the reply and as a file in
 * cloud storage (a temp URL valid 2 hours). The file's path carries a random folder, not the openid.
 */
export const exportMyData = action({
  access: ['resident'],
  input: userContract.exportMyData,
  async run({ caller, db, now }) {
    const data = await collectMyData(db, caller.openid, now)
    const { fileID, tempFileURL } = await saveExport(db, 'mydata', `${now}.json`, Buffer.from(JSON.stringify(data, null, 2), 'utf8'), now)
    // Remembered on the profile so deleteMe removes the copies too (storage cannot be listed by owner).
    await ensureUser(db, caller.openid, now)
    await db.collection('users').doc(caller.openid).update({ data: { exportFiles: db.command.push(fileID) } })
    return ok({ data, fileID, tempFileURL })
  },
})
