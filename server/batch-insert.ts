import { isDuplicateWrite } from '@server/cloud'
import { docsOf } from '@server/paging'

/** A batch insert holds at most this many documents (one request each; CloudBase caps a request's size). */
export const INSERT_BATCH = 100

/**
 * Insert several documents of one collection in one request (#23: one database operation, not one per document).
 * wx-server-sdk's `add` hands a list straight to CloudBase's insert (one `database.insertDocument` request; it
 * answers `_ids`, and a transaction's collection takes one too), though its typings name a single document — the
 * one cast is here.
 */
export async function addMany(db: DB.Database, collection: string, docs: ReadonlyArray<Record<string, unknown>>): Promise<void> {
  if (docs.length === 0) return
  await db.collection(collection).add({ data: docs as unknown as Record<string, unknown> })
}

/**
 * Keyed documents (each `_id` names its event), INSERT_BATCH to a request, each written once however often this
 * runs. A key already taken fails its batch — the local database writes none of it then; CloudBase, like MongoDB's
 * ordered insert, may keep the documents before it — so that batch is inserted one by one, a duplicate meaning
 * already written: right either way.
 */
/**
 * settle's passes over documents an event marked instead of writing a document of its own (#23: a shipping record
 * due, a 成团 message owed, a message's notice): a page of the marked ones (`pending`), `handle` (its keyed batch
 * insert), then the page's marks cleared in one conditional write (`cleared`). A run cut off between the two leaves
 * the marks for the next, whose keyed insert writes nothing twice. Pages of INSERT_BATCH, up to `max` documents a
 * run; the sum of what `handle` answers.
 */
export async function drainMarked<T extends { _id: string }>(
  db: DB.Database,
  collection: string,
  pending: Record<string, unknown>,
  cleared: Record<string, unknown>,
  handle: (page: T[]) => Promise<number>,
  max: number,
): Promise<number> {
  let done = 0
  for (let seen = 0; seen < max; ) {
    const page = await docsOf<T>(db.collection(collection).where(pending).limit(Math.min(INSERT_BATCH, max - seen)))
    if (page.length === 0) break
    done += await handle(page)
    await db.collection(collection).where({ ...pending, _id: db.command.in(page.map((d) => d._id)) }).update({ data: cleared })
    seen += page.length
    if (page.length < INSERT_BATCH) break
  }
  return done
}

/**
 * Documents read from their collection, and those still riding on the documents of their events (marked, not copied
 * yet: drainMarked's passes copy them) — each once. A reader that reads the riding ones first and the collection
 * after sees every document in one place or both, never in neither: the copy inserts before it clears the mark.
 */
export function withRiding<T extends { _id?: string }>(copied: readonly T[], riding: readonly T[]): T[] {
  const seen = new Set(copied.map((d) => d._id))
  return [...copied, ...riding.filter((d) => !seen.has(d._id))]
}

export async function addManyKeyed(db: DB.Database, collection: string, docs: ReadonlyArray<Record<string, unknown>>): Promise<void> {
  for (let i = 0; i < docs.length; i += INSERT_BATCH) {
    const chunk = docs.slice(i, i + INSERT_BATCH)
    try {
      await addMany(db, collection, chunk)
    } catch (err) {
      if (!isDuplicateWrite(err)) throw err
      for (const doc of chunk) {
        try {
          await db.collection(collection).add({ data: doc })
        } catch (e) {
          if (!isDuplicateWrite(e)) throw e
        }
      }
    }
  }
}
