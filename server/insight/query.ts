import { errorText } from '@server/cloud'
import { docsOf } from '@server/paging'

type Aggregate = ReturnType<ReturnType<DB.Database['collection']>['aggregate']>

/** Rows per request: what the server SDK answers at most per get, and a page of an unbounded aggregate. */
const PAGE = 1000

/** The SDK's aggregate() result shape (`end()` resolves to `{ list }`). Only for a pipeline that ends in a `limit`. */
async function aggregateList<T>(pipeline: { end(): unknown }): Promise<T[]> {
  const res = (await pipeline.end()) as { list?: T[] }
  return res.list ?? []
}

/**
 * Every row of an aggregate that can produce at most `most` rows by construction (one per id it matched, …).
 * CloudBase answers only 20 rows of a pipeline without a `$limit` stage (local-cloud/db/engine.ts
 * AGGREGATE_DEFAULT_LIMIT), so the pipeline is limited to `most + 1`: a row beyond `most` means the bound's reasoning
 * no longer holds, and fails the call instead of answering a list silently cut short.
 */
export async function aggregateAll<T>(pipeline: Aggregate, most: number, what: string): Promise<T[]> {
  const list = await aggregateList<T>(pipeline.limit(most + 1))
  if (list.length > most) throw new Error(`${what}: more than ${most} rows, the most it can have`)
  return list
}

/**
 * Every row of an aggregate whose number of rows has no bound (one per buyer, …): `pipeline()` (a fresh one each
 * time: the SDK's pipelines grow in place) continued by `_id` after the last row read, in `_id` order, `size` at a
 * time. Keyset, not skip: a row that appears between two pages (a new buyer) moves no other row from one page to the
 * next, so none is read twice or missed.
 */
export async function aggregatePaged<T extends { _id: string }>(db: DB.Database, pipeline: () => Aggregate, size = PAGE): Promise<T[]> {
  const out: T[] = []
  for (let after: string | null = null; ; ) {
    const rest: Aggregate = after === null ? pipeline() : pipeline().match({ _id: db.command.gt(after) })
    const rows = await aggregateList<T>(rest.sort({ _id: 1 }).limit(size))
    out.push(...rows)
    if (rows.length < size) return out
    after = rows[rows.length - 1]._id
  }
}

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
