import { memberContract, type PointEntryView } from '@shared/contracts/member'
import { ERROR_CODES, fail, ok } from '@shared/errors'
import { decodeCursor, keysetPage } from '@server/cursor'
import { action } from '@server/define'
import { POINT_ENTRIES } from '@server/members/points'
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
    const page = await keysetPage<PointEntryDoc>(db, POINT_ENTRIES, { openid: caller.openid, void: db.command.neq(true) }, { field: 'createdAt', dir: 'desc' }, pos, PAGE)
    const items = page.docs.map((e): PointEntryView => ({ entryId: e._id, kind: e.kind, points: e.points, unrecovered: e.unrecovered, note: e.note, createdAt: e.createdAt }))
    return ok({ items, nextCursor: page.nextCursor })
  },
})
