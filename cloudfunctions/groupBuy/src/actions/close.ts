import { groupBuyContract, type GroupBuyOutputs } from '@shared/contracts/group-buy'
import { JOINABLE_STATUSES } from '@shared/domain/group-buy'
import { ERROR_CODES, fail, ok, type Result } from '@shared/errors'
import { action } from '@server/define'
import type { GroupBuyDoc } from '@server/group-buys/model'
import { findById, updatedCount } from '@server/fetch'
import { canCloseGroupBuy } from '@server/group-buys/access'
import { endGroupBuy, windUpGroupBuy } from '@server/group-buys/wind-up'

/** Wind-up steps one call takes before leaving the rest to the timer (each step is a batch of orders). */
const SETTLE_STEPS = 5

/**
 * 截团: end a group buy now. Its end time moves to now in one conditional write (still joinable, end still ahead),
 * so every join after it is refused by the join's own conditional write (the join window), and then it is
 * ended and wound up by the very functions the timer uses (server/group-buys/wind-up.ts): 成团 if enough
 * residents paid, otherwise FAILED and refunded; unpaid holds cancelled; a 帮卖 group buy's paid quantity joins
 * the purchase order and its unsold allocation goes back to the offer once. A payment still in flight when the
 * status is decided is refunded by the payment flow ("团购已结束"), as at the timer's end. Concurrent and
 * repeated closes all answer with the one outcome.
 */
export const close = action({
  access: ['leader', 'admin'],
  input: groupBuyContract.close,
  async run({ caller, db, now }, { groupBuyId }): Promise<Result<GroupBuyOutputs['close']>> {
    const _ = db.command
    const gb = await findById<GroupBuyDoc>(db, 'groupBuys', groupBuyId)
    if (!gb) return fail(ERROR_CODES.GROUP_BUY_NOT_FOUND, 'no such group buy')
    if (!canCloseGroupBuy(await caller.user(), gb)) return fail(ERROR_CODES.AUTH_FORBIDDEN, 'not your group buy')

    const moved = await db
      .collection('groupBuys')
      .where({ _id: groupBuyId, status: _.in([...JOINABLE_STATUSES]), endAt: _.gt(now) })
      .update({ data: { endAt: now, closedEarlyAt: now, closedBy: caller.openid } })
    const closedNow = updatedCount(moved) === 1

    let current = (await findById<GroupBuyDoc>(db, 'groupBuys', groupBuyId)) ?? gb
    // closedEarlyAt: another 截团 moved the end, perhaps a millisecond after this call's `now`.
    if (JOINABLE_STATUSES.includes(current.status) && (current.endAt <= now || current.closedEarlyAt)) {
      await endGroupBuy(db, current, now)
      current = (await findById<GroupBuyDoc>(db, 'groupBuys', groupBuyId)) ?? current
    }
    if (current.status !== 'CLOSED' && current.status !== 'FAILED') {
      // Still joinable with its end ahead: another call moved nothing and this one lost no race — cannot happen
      // unless the end time was moved back meanwhile; say so rather than guess.
      return fail(ERROR_CODES.INTERNAL, 'the group buy did not end; try again')
    }
    let settled = current.settledAt > 0
    for (let step = 0; !settled && step < SETTLE_STEPS; step++) settled = (await windUpGroupBuy(db, current, now)).settled
    return ok({ groupBuyId, status: current.status, endAt: current.endAt, closedNow, settled })
  },
})
