/**
 * Insert several documents of one collection in one request (#23: one database operation, not one per document).
 * wx-server-sdk's `add` hands a list straight to CloudBase's insert (one `database.insertDocument` request; it
 * answers `_ids`, and a transaction's collection takes one too), though its typings name a single document — the
 * one cast is here. A key already taken fails the insert (isDuplicateWrite) — the local database writes none of the
 * list then; CloudBase, like MongoDB's ordered insert, may keep the documents before it — so a caller falls back to
 * one keyed insert per document, which is right either way.
 */
export async function addMany(db: DB.Database, collection: string, docs: ReadonlyArray<Record<string, unknown>>): Promise<void> {
  if (docs.length === 0) return
  await db.collection(collection).add({ data: docs as unknown as Record<string, unknown> })
}
