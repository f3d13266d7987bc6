/**
 * Reading collections without hand-written casts or loops. The SDK's `get()` is untyped; these say what a query
 * returns once, here. `eachPage` walks every document matching `where` in `_id` order, `pageSize` (100) at a time
 * (the keyset a collection always has; the server SDK answers at most 1,000 per get), handing each page to `each`;
 * `each` answers 'stop' to end early. `fields` reads only those fields of each document (`_id` always comes).
 */
export const PAGE_SIZE = 100

/** The documents a query answers. */
export async function docsOf<T>(query: { get(): unknown }): Promise<T[]> {
  return ((await query.get()) as { data: T[] }).data
}

export async function eachPage<T extends { _id: string }>(
  db: DB.Database,
  collection: string,
  where: Record<string, unknown>,
  each: (docs: T[]) => Promise<void | 'stop'>,
  pageSize = PAGE_SIZE,
  fields?: Record<string, true>,
): Promise<void> {
  const _ = db.command
  let lastId = ''
  for (;;) {
    const query = db.collection(collection).where({ ...where, _id: _.gt(lastId) })
    const docs = await docsOf<T>((fields ? query.field({ _id: true, ...fields }) : query).orderBy('_id', 'asc').limit(pageSize))
    if (docs.length && (await each(docs)) === 'stop') return
    if (docs.length < pageSize) return
    lastId = docs[docs.length - 1]._id
  }
}
