import { groupBuyContract } from '@shared/contracts/group-buy'
import { ERROR_CODES, fail, ok } from '@shared/errors'
import { decodeCursor, encodeCursor, keysetPage, type CursorPosition } from '@server/cursor'
import { action } from '@server/define'
import { toGroupBuyView, type GroupBuyDoc } from '@server/group-buys/model'
import { tempUrls } from '@server/storage/files'

/** Where the ended part of 最新上架 starts: before every createdAt, in the ended phase. */
const ENDED_START: CursorPosition & { ended: true } = { v: Number.MAX_SAFE_INTEGER, id: '', ended: true }

/**
 * 最新上架: running group buys newest first, then the ended ones newest first (#22: ended ones used to lead the list).
 * One keyset walk per part; the cursor says which part it is in (`ended`).
 */
async function newestRunningFirst(db: DB.Database, pickupPointId: string, now: number, pos: (CursorPosition & { ended?: boolean }) | null, limit: number) {
  const _ = db.command
  const newest = { field: 'createdAt' as const, dir: 'desc' as const }
  const ended = (from: CursorPosition | null, n: number) => keysetPage<GroupBuyDoc>(db, 'groupBuys', { pickupPointId, endAt: _.lte(now) }, newest, from, n)
  const withPhase = (cursor: string | null) => (cursor ? encodeCursor({ ...(decodeCursor(cursor) as CursorPosition), ended: true } as CursorPosition) : null)
  if (pos?.ended) {
    const page = await ended(pos, limit)
    return { docs: page.docs, nextCursor: withPhase(page.nextCursor) }
  }
  const running = await keysetPage<GroupBuyDoc>(db, 'groupBuys', { pickupPointId, endAt: _.gt(now) }, newest, pos, limit)
  if (running.nextCursor) return running
  if (running.docs.length === limit) return { docs: running.docs, nextCursor: encodeCursor(ENDED_START) }
  const rest = await ended(null, limit - running.docs.length)
  return { docs: [...running.docs, ...rest.docs], nextCursor: withPhase(rest.nextCursor) }
}

/** A pickup point's group buys, newest first (running ones before ended ones) or ending soonest first (only those still running). */
export const list = action({
  access: ['resident'],
  input: groupBuyContract.list,
  async run({ db, now }, { pickupPointId, cursor, limit = 20, sort = 'newest' }) {
    const pos = decodeCursor(cursor)
    if (pos === 'invalid') return fail(ERROR_CODES.INPUT_INVALID, 'cursor: not one we issued')
    const _ = db.command
    const page =
      sort === 'newest'
        ? await newestRunningFirst(db, pickupPointId, now, pos, limit)
        : await keysetPage<GroupBuyDoc>(db, 'groupBuys', { pickupPointId, endAt: _.gt(now) }, { field: 'endAt', dir: 'asc' }, pos, limit)
    const urls = await tempUrls(page.docs.flatMap((d) => d.images))
    return ok({ items: page.docs.map((d) => toGroupBuyView(d, now, urls)), nextCursor: page.nextCursor })
  },
})
