import { isDuplicateWrite } from '@server/cloud'
import { updatedCount } from '@server/fetch'

/**
 * The second half of every "recount, then heal" step (rating aggregates, point balances; settle runs them): a kept
 * counter document that disagrees with its recount is replaced by ONE write conditional on the `version` read before
 * the recount, so a heal never overwrites a change it did not count. A missing document is created at version 1
 * (a duplicate means someone created it meanwhile). 'raced': nothing written, a later run looks again.
 *
 * The caller reads `kept` before recounting and decides whether the two agree (each counter knows its own sameness).
 */
export async function replaceByRecount(
  db: DB.Database,
  collection: string,
  kept: { _id: string; version: number | undefined } | null,
  /** The whole document to create when none is kept (its _id included). */
  created: { _id: string } & Record<string, unknown>,
  /** The fields to set when one is kept (version and updatedAt are added). */
  replaced: Record<string, unknown>,
  now: number,
): Promise<'healed' | 'raced'> {
  if (!kept) {
    try {
      await db.collection(collection).add({ data: { ...created, version: 1, updatedAt: now } })
      return 'healed'
    } catch (err) {
      if (!isDuplicateWrite(err)) throw err
      return 'raced'
    }
  }
  const _ = db.command
  const moved = await db.collection(collection).where({ _id: kept._id, version: kept.version }).update({ data: { ...replaced, version: _.inc(1), updatedAt: now } })
  return updatedCount(moved) === 1 ? 'healed' : 'raced'
}
