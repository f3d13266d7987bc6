import { errorText } from '@server/cloud'
import { docsOf } from '@server/paging'

/** The SDK's aggregate() result shape (`end()` resolves to `{ list }`). */
export async function aggregateList<T>(pipeline: { end(): unknown }): Promise<T[]> {
  const res = (await pipeline.end()) as { list?: T[] }
  return res.list ?? []
}

const PAGE = 1000

/**
 * Every document matching `where`, a page at a time (the server SDK answers at most 1,000 per get), with only
 * `fields`. For bounded sets — a merchant's group buys, one person's documents — never for orders at large.
 */
export async function readAllWhere<T>(db: DB.Database, collection: string, where: Record<string, unknown>, fields?: Record<string, true>, cap = 20_000): Promise<T[]> {
  const out: T[] = []
  for (let skip = 0; skip < cap; skip += PAGE) {
    let q = db.collection(collection).where(where)
    if (fields) q = q.field(fields)
    const res = await docsOf<T>(q.orderBy('_id', 'asc').skip(skip).limit(PAGE))
    out.push(...res)
    if (res.length < PAGE) break
  }
  return out
}

/** Documents by id, in chunks the `in` operator takes comfortably. */
export async function readByIds<T>(db: DB.Database, collection: string, ids: readonly string[], fields?: Record<string, true>): Promise<T[]> {
  const _ = db.command
  const out: T[] = []
  const unique = [...new Set(ids)]
  for (let i = 0; i < unique.length; i += 100) {
    out.push(...(await readAllWhere<T>(db, collection, { _id: _.in(unique.slice(i, i + 100)) }, fields)))
  }
  return out
}

/** A collection other issues add (#12's ratings and members): absent = nothing to read, not a failure. */
export function isMissingCollection(err: unknown): boolean {
  return /COLLECTION_NOT_EXIST|-502005|collection not exists?/i.test(errorText(err))
}

export async function ifCollectionExists<T>(read: () => Promise<T>, absent: T): Promise<T> {
  try {
    return await read()
  } catch (err) {
    if (isMissingCollection(err)) return absent
    throw err
  }
}
