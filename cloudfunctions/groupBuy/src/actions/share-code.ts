import { groupBuyContract } from '@shared/contracts/group-buy'
import { ERROR_CODES, fail, ok } from '@shared/errors'
import { action } from '@server/define'
import type { GroupBuyDoc } from '@server/group-buys/model'
import { findById } from '@server/fetch'
import { shareCodeFor } from '@server/group-buys/share-codes'

/**
 * 海报小程序码: the group buy's leader asks for the code to print on a poster. Made once per group buy
 * (wxacode.getUnlimited, kept in storage); asked again, the same code comes back.
 */
export const shareCode = action({
  access: ['leader'],
  input: groupBuyContract.shareCode,
  async run({ caller, db, now }, { groupBuyId }) {
    const gb = await findById<GroupBuyDoc>(db, 'groupBuys', groupBuyId)
    if (!gb) return fail(ERROR_CODES.GROUP_BUY_NOT_FOUND, 'no such group buy')
    // The scene attributes joins to the group buy's leader: only they make its poster.
    if (gb.creatorOpenid !== caller.openid) return fail(ERROR_CODES.AUTH_FORBIDDEN, 'only the leader of this group buy makes its poster')
    const [{ doc, tempFileURL }, user, point] = await Promise.all([
      shareCodeFor(db, gb, now),
      caller.user(),
      findById<{ name?: string; address?: string }>(db, 'pickupPoints', gb.pickupPointId),
    ])
    // What the poster prints besides the group buy itself: the leader's 称呼 and where to pick up.
    const poster = { leaderName: user.nickname?.trim() || '团长', pickupPointName: point?.name ?? '', pickupPointAddress: point?.address ?? '' }
    return ok({ fileID: doc.fileID, tempFileURL, scene: doc._id, poster })
  },
})
