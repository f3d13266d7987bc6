import { adminContract } from '@shared/contracts/admin'
import { ok } from '@shared/errors'
import { action } from '@server/define'
import { migrateOldPhotos as migrate } from '@server/storage/migrate-photos'

/** One step of the one-off photo migration (server/storage/migrate-photos.ts); idempotent, resumable by cursor. */
export const migrateOldPhotos = action({
  access: ['admin'],
  input: adminContract.migrateOldPhotos,
  async run({ db, now }, { cursor }) {
    return ok(await migrate(db, cursor ?? null, now))
  },
})
