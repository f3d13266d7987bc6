import { createHash, randomBytes } from 'crypto'
import { cloudPathOf, uploadOwnerSegment } from '@shared/domain/uploads'
import { ERROR_CODES, fail, type Result } from '@shared/errors'
import { isDuplicateWrite } from '@server/cloud'
import { readAllWhere } from '@server/insight/query'
import { copyFileTo, deleteFiles } from './files'
import { hostUploadFolder } from './upload-folders'
import { docsOf } from '@server/paging'
import type { UploadDoc } from '@server/storage/model'

/**
 * Every file a person put in storage, so deleteMe can delete them all, attached or not (cloud storage cannot be
 * listed by uploader). One `uploads` document per file: the photos they uploaded (recorded by the client right
 * after the upload, user.recordUpload, and again by the server when one is attached) and the copies made when a
 * photo was attached to a rating or 售后 case.
 */
export const UPLOADS = 'uploads'

export function uploadIdFor(fileID: string): string {
  return 'up' + createHash('sha256').update(`upload\u0000${fileID}`).digest('hex').slice(0, 30)
}

/** Was this file uploaded into the person's own folder (the local host's, or the mini-program's `<folder>/<owner>/…`)? */
export function isOwnUpload(openid: string, fileID: string): boolean {
  const path = cloudPathOf(fileID)
  if (!path) return false
  if (path.startsWith(hostUploadFolder(openid) + '/')) return true
  const segments = path.split('/')
  return segments.length >= 3 && segments[0] !== 'uploads' && !ATTACHED_FOLDERS.includes(segments[0] as AttachFolder) && segments[1] === uploadOwnerSegment(openid)
}

/** Note a file as the person's. A file already noted keeps its first owner (false when that is someone else). */
export async function recordFile(db: DB.Database, openid: string, fileID: string, kind: UploadDoc['kind'], now: number): Promise<boolean> {
  const _id = uploadIdFor(fileID)
  try {
    await db.collection(UPLOADS).add({ data: { _id, openid, fileID, kind, createdAt: now } satisfies UploadDoc })
    return true
  } catch (err) {
    if (!isDuplicateWrite(err)) throw err
    const res = await docsOf<UploadDoc>(db.collection(UPLOADS).where({ _id, openid }).limit(1))
    return res.length === 1
  }
}

/**
 * A photo someone attaches (to a rating, a 售后 case) must be one they uploaded, or a copy already attached to that
 * same thing (`keep`, an edit resending it): null, or INPUT.INVALID naming the first other one. Before (an audit:
 * test/node/attacks-roles.test.ts), any stored file id was copied — another resident's rating photo re-posted under
 * one's own name, surviving its owner's deleteMe.
 */
export function checkOwnPhotos(openid: string, images: readonly string[], keep: readonly string[] = []): Result<never> | null {
  const index = images.findIndex((i) => !keep.includes(i) && !isOwnUpload(openid, i))
  return index < 0 ? null : fail(ERROR_CODES.INPUT_INVALID, `images.${index}: not a photo you uploaded`)
}

/** Where attached photos live: one random folder per attach, so nothing in the path links two of one person's photos. */
export const ATTACHED_FOLDERS = ['ratings', 'after-sales'] as const
export type AttachFolder = (typeof ATTACHED_FOLDERS)[number]

function extensionOf(path: string): string {
  const m = /\.(png|jpe?g|webp)$/i.exec(path)
  return m ? m[1].toLowerCase() : 'jpg'
}

/**
 * Photos a person attaches to something others see (a public rating, a 售后 case a leader or merchant reads):
 * each new one is copied to `<folder>/<random>/<n>.<ext>` and the copy is what gets stored and shown, so no two
 * of one person's attached photos share a path component (the upload folder names its uploader). `keep` are
 * copies already attached to this same thing (an edit resending them): kept as they are. Copies and own
 * originals are recorded as the person's files (deleteMe deletes them).
 */
export async function attachPhotos(db: DB.Database, openid: string, images: readonly string[], keep: readonly string[], folder: AttachFolder, now: number): Promise<string[]> {
  const fresh = images.filter((i) => !keep.includes(i))
  if (fresh.length === 0) return [...images]
  const token = randomBytes(12).toString('hex')
  const copies = new Map<string, string>()
  for (const [n, fileID] of fresh.entries()) {
    if (copies.has(fileID)) continue
    if (isOwnUpload(openid, fileID)) await recordFile(db, openid, fileID, 'upload', now)
    const copy = await copyFileTo(fileID, `${folder}/${token}/${n}.${extensionOf(cloudPathOf(fileID) ?? fileID)}`)
    await recordFile(db, openid, copy, 'attached', now)
    copies.set(fileID, copy)
  }
  return images.map((i) => copies.get(i) ?? i)
}

/** Copies no longer shown (an edit replaced them, or the attach lost its race): deleted with their records. */
export async function detachPhotos(db: DB.Database, shown: readonly string[]): Promise<void> {
  // Only attached copies: never an uploader's original (older documents may still show one).
  const copies = shown.filter((f) => ATTACHED_FOLDERS.some((folder) => cloudPathOf(f)?.startsWith(folder + '/')))
  if (copies.length === 0) return
  const _ = db.command
  await deleteFiles(copies)
  await db.collection(UPLOADS).where({ _id: _.in(copies.map(uploadIdFor)), kind: 'attached' }).remove()
}

/** Every file noted as the person's. */
export async function filesOf(db: DB.Database, openid: string): Promise<string[]> {
  return (await readAllWhere<Pick<UploadDoc, 'fileID'>>(db, UPLOADS, { openid }, { fileID: true }, 50_000)).map((d) => d.fileID)
}
