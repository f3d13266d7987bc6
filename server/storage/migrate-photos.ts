import { cloudPathOf } from '@shared/domain/uploads'
import { docsOf } from '@server/paging'
import { ATTACHED_FOLDERS, attachPhotos, type AttachFolder } from './uploads'

/**
 * Rating and 售后 photos stored before #19 (before the `uploads` collection and attached copies existed) still name
 * the uploader's own folder: the public list links one person's photos, and nothing records the originals, so once
 * an edit or a decision drops them from the document deleteMe cannot find them. This one-off pass gives each such
 * document what a new one gets (attachPhotos): its photos copied to a random per-attach path, the originals and the
 * copies recorded as the person's files, and the document showing the copies. Idempotent: a document showing only
 * attached copies is left alone, so a second run (or a run a crash cut off) does only what is left; a copy a crash
 * left unshown is recorded as the person's, so deleteMe still deletes it.
 */
export const PHOTO_DOCUMENTS = {
  ratings: { collection: 'ratings', folder: 'ratings' },
  cases: { collection: 'afterSalesCases', folder: 'after-sales' },
} as const satisfies Record<string, { collection: string; folder: AttachFolder }>
/** The order the pass walks them in (the cursor's collection index). */
const WALK = ['ratings', 'cases'] as const

interface WithPhotos {
  _id: string
  openid: string
  images?: string[]
}

export function isAttachedCopy(fileID: string): boolean {
  const path = cloudPathOf(fileID)
  return !!path && ATTACHED_FOLDERS.some((folder) => path.startsWith(folder + '/'))
}

export interface PhotoMigrationStep {
  /** Documents read in this step. */
  scanned: number
  /** Documents whose photos were moved to attached copies. */
  moved: number
  /** Photos copied (each original is recorded as its uploader's, and so is its copy). */
  photos: number
  /** Where the next step starts; null when every collection has been walked. */
  nextCursor: string | null
}

/** One step of the pass: up to `batch` documents of one collection after `cursor` (`<collection index>:<last _id>`). */
export async function migrateOldPhotos(db: DB.Database, cursor: string | null, now: number, batch = 50): Promise<PhotoMigrationStep> {
  const [indexText, afterId = ''] = (cursor ?? '0:').split(/:(.*)/s)
  const index = Number(indexText)
  const step: PhotoMigrationStep = { scanned: 0, moved: 0, photos: 0, nextCursor: null }
  const kind = WALK[index]
  if (!kind) return step
  const target = PHOTO_DOCUMENTS[kind]
  const _ = db.command
  const docs = await docsOf<WithPhotos>(db.collection(PHOTO_DOCUMENTS[kind].collection).where(afterId ? { _id: _.gt(afterId) } : {}).orderBy('_id', 'asc').limit(batch))
  for (const doc of docs) {
    step.scanned++
    const images = doc.images ?? []
    const old = images.filter((f) => !isAttachedCopy(f))
    // Erased people's documents have no photos left (erase removes them); only a live owner's are moved.
    if (old.length === 0 || !doc.openid || doc.openid.startsWith('erased_')) continue
    const shown = await attachPhotos(db, doc.openid, images, images.filter(isAttachedCopy), target.folder, now)
    await db.collection(PHOTO_DOCUMENTS[kind].collection).where({ _id: doc._id, openid: doc.openid }).update({ data: { images: shown } })
    step.moved++
    step.photos += old.length
  }
  step.nextCursor = docs.length === batch ? `${index}:${docs[docs.length - 1]._id}` : index + 1 < WALK.length ? `${index + 1}:` : null
  return step
}
