import { randomBytes } from 'crypto'
import { docsOf } from '@server/paging'
import { deleteFiles, signUrls, TEMP_URL_MAX_AGE_S, uploadBytes } from '@server/storage/files'

/**
 * Exports: files with people's data (pick lists and 配送单 with 收货人, purchase orders, statements, personal-data
 * copies). Each lives under `exports/<kind>/<128-bit random folder>/<name>` — a time-stamped name alone could be found
 * by trying every millisecond —, only the action that wrote it hands out its temp URL (no view signs a file under
 * exports/: files.ts tempUrls), and it is deleted once that URL has expired: one `exportFiles` document per file,
 * worked by settle's safety nets (deleteExpiredExports). Before (an audit: test/node/attacks-pii.test.ts), a leader's
 * pick list with residents' names and phone tails stayed in storage for ever, past those residents' deleteMe.
 */
export const EXPORT_FILES = 'exportFiles'

/** How long an export is kept: its temp URL's life. */
export const EXPORT_KEEP_MS = TEMP_URL_MAX_AGE_S * 1000

export async function saveExport(db: DB.Database, kind: string, name: string, bytes: Buffer, now: number): Promise<{ fileID: string; tempFileURL: string }> {
  const fileID = await uploadBytes(`exports/${kind}/${randomBytes(16).toString('hex')}/${name}`, bytes)
  await db.collection(EXPORT_FILES).add({ data: { fileID, expiresAt: now + EXPORT_KEEP_MS } })
  return { fileID, tempFileURL: (await signUrls([fileID])).get(fileID) ?? '' }
}

/** settle (every fifth minute): exports whose temp URL has expired are deleted, with their records. */
export async function deleteExpiredExports(db: DB.Database, now: number, batch = 50): Promise<{ deleted: number }> {
  const _ = db.command
  const due = await docsOf<{ _id: string; fileID: string }>(db.collection(EXPORT_FILES).where({ expiresAt: _.lte(now) }).limit(batch))
  if (due.length === 0) return { deleted: 0 }
  await deleteFiles(due.map((d) => d.fileID))
  await db.collection(EXPORT_FILES).where({ _id: _.in(due.map((d) => d._id)) }).remove()
  return { deleted: due.length }
}
