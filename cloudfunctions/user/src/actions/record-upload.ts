import { userContract } from '@shared/contracts/user'
import { ERROR_CODES, fail, ok } from '@shared/errors'
import { action } from '@server/define'
import { missingFiles } from '@server/storage/files'
import { isOwnUpload, recordFile } from '@server/storage/uploads'

/**
 * The client notes each photo right after uploading it (cloud storage cannot be listed by uploader): deleteMe
 * then deletes it whether or not it was ever attached. Only a file in the caller's own upload folder is
 * accepted, so nobody can have another person's file deleted with their own account.
 */
export const recordUpload = action({
  access: ['resident'],
  input: userContract.recordUpload,
  async run({ caller, db, now }, { fileID }) {
    if (!isOwnUpload(caller.openid, fileID)) return fail(ERROR_CODES.INPUT_INVALID, 'fileID: not in your own upload folder')
    if ((await missingFiles([fileID])).length > 0) return fail(ERROR_CODES.INPUT_INVALID, 'fileID: no such file in storage (upload it first)')
    if (!(await recordFile(db, caller.openid, fileID, 'upload', now))) return fail(ERROR_CODES.INPUT_INVALID, 'fileID: not in your own upload folder')
    return ok({})
  },
})
