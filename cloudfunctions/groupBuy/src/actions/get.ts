import { groupBuyContract } from '@shared/contracts/group-buy'
import { ERROR_CODES, fail, ok } from '@shared/errors'
import { action } from '@server/define'
import { toGroupBuyView, type GroupBuyDoc, type ParticipationDoc } from '@server/docs'
import { findById } from '@server/fetch'
import { participationIdFor } from '@server/ids'
import { tempUrls } from '@server/storage/files'

export const get = action({
  access: ['resident'],
  input: groupBuyContract.get,
  async run({ caller, db, now }, { groupBuyId }) {
    const [doc, mine] = await Promise.all([
      findById<GroupBuyDoc>(db, 'groupBuys', groupBuyId),
      findById<ParticipationDoc>(db, 'participations', participationIdFor(groupBuyId, caller.openid)),
    ])
    if (!doc) return fail(ERROR_CODES.GROUP_BUY_NOT_FOUND, 'no such group buy')
    const urls = await tempUrls(doc.images)
    return ok({ groupBuy: { ...toGroupBuyView(doc, now, urls), myQuantity: mine?.quantity ?? 0 } })
  },
})
