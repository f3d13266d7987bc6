import { groupBuyContract } from '@shared/contracts/group-buy'
import { ERROR_CODES, fail, ok } from '@shared/errors'
import { decodeCursor, keysetPage } from '@server/cursor'
import { action } from '@server/define'
import { toGroupBuyView, type GroupBuyDoc } from '@server/group-buys/model'
import { tempUrls } from '@server/storage/files'

/** The group buys the caller created (a leader's dashboard), newest first. */
export const listMine = action({
  access: ['leader', 'merchant', 'admin'],
  input: groupBuyContract.listMine,
  async run({ caller, db, now }, { cursor }) {
    const pos = decodeCursor(cursor)
    if (pos === 'invalid') return fail(ERROR_CODES.INPUT_INVALID, 'cursor: not one we issued')
    const page = await keysetPage<GroupBuyDoc>(db, 'groupBuys', { creatorOpenid: caller.openid }, { field: 'createdAt', dir: 'desc' }, pos, 20)
    const urls = await tempUrls(page.docs.flatMap((d) => d.images))
    return ok({ items: page.docs.map((d) => toGroupBuyView(d, now, urls)), nextCursor: page.nextCursor })
  },
})
