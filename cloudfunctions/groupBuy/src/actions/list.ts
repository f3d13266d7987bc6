import { groupBuyContract } from '@shared/contracts/group-buy'
import { ERROR_CODES, fail, ok } from '@shared/errors'
import { decodeCursor, keysetPage } from '@server/cursor'
import { action } from '@server/define'
import { toGroupBuyView, type GroupBuyDoc } from '@server/group-buys/model'
import { tempUrls } from '@server/storage/files'

/** A pickup point's group buys, newest first or ending soonest first (only those still running). */
export const list = action({
  access: ['resident'],
  input: groupBuyContract.list,
  async run({ db, now }, { pickupPointId, cursor, limit = 20, sort = 'newest' }) {
    const pos = decodeCursor(cursor)
    if (pos === 'invalid') return fail(ERROR_CODES.INPUT_INVALID, 'cursor: not one we issued')
    const _ = db.command
    const page =
      sort === 'newest'
        ? await keysetPage<GroupBuyDoc>(db, 'groupBuys', { pickupPointId }, { field: 'createdAt', dir: 'desc' }, pos, limit)
        : await keysetPage<GroupBuyDoc>(db, 'groupBuys', { pickupPointId, endAt: _.gt(now) }, { field: 'endAt', dir: 'asc' }, pos, limit)
    const urls = await tempUrls(page.docs.flatMap((d) => d.images))
    return ok({ items: page.docs.map((d) => toGroupBuyView(d, now, urls)), nextCursor: page.nextCursor })
  },
})
