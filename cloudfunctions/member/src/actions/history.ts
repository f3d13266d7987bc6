import { memberContract, type PointEntryView } from '@shared/contracts/member'
import { ERROR_CODES, fail, ok } from '@shared/errors'
import { decodeCursor, encodeCursor, keysetPage } from '@server/cursor'
import { action } from '@server/define'
import { pendingEarnedEntries, POINT_ENTRIES } from '@server/members/points'
import { withRiding } from '@server/batch-insert'
import type { PointEntryDoc } from '@server/members/model'

const PAGE = 20

/** 积分明细: the caller's point entries, newest first (void spends left out). */
export const history = action({
  access: ['resident'],
  input: memberContract.history,
  async run({ caller, db }, { cursor }) {
    const pos = decodeCursor(cursor)
    if (pos === 'invalid') return fail(ERROR_CODES.INPUT_INVALID, 'cursor: not one we issued')
    // A void entry (a spend that never happened) is not a spend: it is not listed.
    const [riding, page] = await Promise.all([
      // A hand-over's points entry rides on its order until settle copies it (server/pickup/handover-records.ts): its
      // balance has moved already, so the entry is listed at once, in its place.
      pendingEarnedEntries(db, caller.openid),
      keysetPage<PointEntryDoc>(db, POINT_ENTRIES, { openid: caller.openid, void: db.command.neq(true) }, { field: 'createdAt', dir: 'desc' }, pos, PAGE),
    ])
    // Newest first, ties by id (as keysetPage orders): the riding entries that belong after the cursor.
    const newer = (a: { v: number; id: string }, b: { v: number; id: string }) => a.v > b.v || (a.v === b.v && a.id > b.id)
    const after = riding.filter((e) => !pos || newer(pos, { v: e.createdAt, id: e._id }))
    const merged = withRiding(page.docs, after).sort((a, b) => b.createdAt - a.createdAt || (a._id < b._id ? 1 : a._id > b._id ? -1 : 0))
    // With riding entries merged in, the page may spill over: the next page starts after its last entry.
    const docs = merged.slice(0, PAGE)
    const last = docs[docs.length - 1]
    const nextCursor = (page.nextCursor || merged.length > PAGE) && last ? encodeCursor({ v: last.createdAt, id: last._id }) : null
    const items = docs.map((e): PointEntryView => ({ entryId: e._id, kind: e.kind, points: e.points, unrecovered: e.unrecovered, note: e.note, createdAt: e.createdAt }))
    return ok({ items, nextCursor })
  },
})
