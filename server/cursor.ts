import { docsOf } from '@server/paging'
/**
 * Keyset cursors: the last item's sort value and id, opaque to the client. Pages stay the same cost however
 * deep the list goes, unlike skip().
 */
export interface CursorPosition {
  v: number
  id: string
}

export function encodeCursor(pos: CursorPosition): string {
  return Buffer.from(JSON.stringify(pos)).toString('base64url')
}

export function decodeCursor(cursor: string | undefined): CursorPosition | null | 'invalid' {
  if (cursor === undefined) return null
  try {
    const pos = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown
    if (pos && typeof pos === 'object' && typeof (pos as CursorPosition).v === 'number' && typeof (pos as CursorPosition).id === 'string') {
      return pos as CursorPosition
    }
  } catch {
    // fall through
  }
  return 'invalid'
}

/**
 * `base`, continuing after `pos` in (field dir, _id dir) order — the keyset condition every (value, _id) walk uses
 * (a page of a list, the 接龙 list in 跟团号 order). No position: `base` itself.
 */
export function afterPosition(
  _: DB.Database['command'],
  base: Record<string, unknown>,
  sort: { field: string; dir: 'asc' | 'desc' },
  pos: CursorPosition | null,
): Record<string, unknown> {
  if (!pos) return base
  return _.and([
    base,
    // The range bound lets the index seek straight to the cursor; the OR then settles ties on _id.
    { [sort.field]: sort.dir === 'desc' ? _.lte(pos.v) : _.gte(pos.v) },
    _.or([
      { [sort.field]: sort.dir === 'desc' ? _.lt(pos.v) : _.gt(pos.v) },
      { [sort.field]: pos.v, _id: sort.dir === 'desc' ? _.lt(pos.id) : _.gt(pos.id) },
    ]),
  ]) as never
}

/**
 * One page of `base` ordered by (field dir, _id dir), continuing after the cursor: a keyset page, so the
 * database walks an index from the cursor on instead of skipping. Fetches limit+1 to know if there is more.
 */
export async function keysetPage<T extends { _id: string }>(
  db: DB.Database,
  collection: string,
  base: Record<string, unknown>,
  sort: { field: keyof T & string; dir: 'asc' | 'desc' },
  pos: CursorPosition | null,
  limit: number,
): Promise<{ docs: T[]; nextCursor: string | null }> {
  const where = afterPosition(db.command, base, sort, pos)
  const res = await docsOf<T>(db
    .collection(collection)
    .where(where as never)
    .orderBy(sort.field, sort.dir)
    .orderBy('_id', sort.dir)
    .limit(limit + 1))
  const docs = res.slice(0, limit)
  const last = docs[docs.length - 1]
  const nextCursor = res.length > limit && last ? encodeCursor({ v: Number(last[sort.field]), id: last._id }) : null
  return { docs, nextCursor }
}
