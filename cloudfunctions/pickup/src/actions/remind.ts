import { pickupContract, type PickupOutputs } from '@shared/contracts/pickup'
import { chinaDayKey } from '@shared/domain/calendar'
import { ERROR_CODES, fail, ok, type Result } from '@shared/errors'
import { isDuplicateWrite } from '@server/cloud'
import { action } from '@server/define'
import type { GroupBuyDoc } from '@server/group-buys/model'
import type { OrderDoc } from '@server/orders/model'
import { findById } from '@server/fetch'
import { leadsGroupBuy } from '@server/group-buys/access'
import { queuePickupReminder } from '@server/pickup/reminders'
import { eachPage } from '@server/paging'

/**
 * 催取: a group buy's leader (its creator, a leader bound to its point) or an admin reminds every resident whose
 * goods are still waiting, once per group buy per Beijing day (a keyed insert in `pickupNudges` decides).
 */
export const remind = action({
  access: ['leader', 'admin'],
  input: pickupContract.remind,
  async run({ caller, db, now }, { groupBuyId }): Promise<Result<PickupOutputs['remind']>> {
    const gb = await findById<GroupBuyDoc>(db, 'groupBuys', groupBuyId)
    if (!gb) return fail(ERROR_CODES.GROUP_BUY_NOT_FOUND, 'no such group buy')
    const user = await caller.user()
    if (!leadsGroupBuy(user, gb)) return fail(ERROR_CODES.AUTH_FORBIDDEN, 'not your group buy')
    const day = chinaDayKey(now)
    try {
      await db.collection('pickupNudges').add({ data: { _id: `${groupBuyId}_${day}`, groupBuyId, day, by: caller.openid, createdAt: now } })
    } catch (err) {
      if (!isDuplicateWrite(err)) throw err
      return fail(ERROR_CODES.PICKUP_REMINDED_TODAY, 'this group buy was already reminded today')
    }
    let reminded = 0
    await eachPage<OrderDoc>(db, 'orders', { groupBuyId, status: 'READY_FOR_PICKUP' }, async (orders) => {
      for (const o of orders) {
        await queuePickupReminder(db, o, `nudge_${o._id}_${day}`, '团长提醒你尽快提货', now)
        reminded++
      }
    })
    return ok({ reminded })
  },
})
