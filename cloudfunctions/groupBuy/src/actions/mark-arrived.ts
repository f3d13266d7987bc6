import { groupBuyContract } from '@shared/contracts/group-buy'
import { arrivalWaitsForEnd, canMarkArrived } from '@shared/domain/pickup'
import { ERROR_CODES, fail, ok } from '@shared/errors'
import { action } from '@server/define'
import type { GroupBuyDoc } from '@server/group-buys/model'
import { findById } from '@server/fetch'
import { canSignOffArrival } from '@server/group-buys/access'
import { signOffArrival } from '@server/group-buys/arrival'
import { addToPurchaseOrder } from '@server/supply/purchase-orders'

/**
 * 到货: the leader (or a clerk of the store) signs off what arrived. Absent `receivedQuantity` = everything
 * paid for. A shortage is served in 跟团号 order and the rest refunded (server/group-buys/arrival.ts). The first
 * sign-off decides; concurrent and repeated calls carry out the same decision and change nothing more. A
 * repeat still readies orders paid since (calling again is how late payers get codes when nothing was short).
 *
 * Counts in the reply are what *this* call did (0 on a repeat).
 */
export const markArrived = action({
  access: ['leader', 'clerk', 'merchant', 'admin'],
  input: groupBuyContract.markArrived,
  async run({ caller, db, now }, { groupBuyId, receivedQuantity }) {
    const gb = await findById<GroupBuyDoc>(db, 'groupBuys', groupBuyId)
    if (!gb) return fail(ERROR_CODES.GROUP_BUY_NOT_FOUND, 'no such group buy')
    if (!canSignOffArrival(await caller.user(), gb)) {
      return fail(ERROR_CODES.AUTH_FORBIDDEN, 'only the leader or a clerk of this pickup point can sign off arrival')
    }
    // #25: a service never arrives; its vouchers are redeemed by the provider (voucher.redeem).
    if (gb.kind === 'SERVICE') return fail(ERROR_CODES.INPUT_INVALID, 'a service group buy has no arrival: its vouchers are redeemed with voucher.redeem')
    if (!canMarkArrived(gb.status)) return fail(ERROR_CODES.GROUP_BUY_NOT_SUCCEEDED, `group buy is ${gb.status}, not succeeded`)
    // Supply goods ship on the purchase order formed when the group buy closes, and a 阶梯价 group buy's price is
    // final only at its end (arrivalWaitsForEnd): nothing can arrive before. 截团 (groupBuy.close) ends it now.
    if (arrivalWaitsForEnd(gb) && gb.status !== 'CLOSED') return fail(ERROR_CODES.GROUP_BUY_NOT_ENDED, 'a supply or 阶梯价 group buy is signed off after it closes (截团 or its end time)')
    // 阶梯价: not before every order has its difference to the final price requested (the end's wind-up, which 截团
    // runs at once): a shortage refund is then reckoned at the final price.
    if (gb.priceTiers && gb.priceTiers.length >= 2 && !gb.settledAt) return fail(ERROR_CODES.GROUP_BUY_NOT_ENDED, 'the 阶梯价 group buy is still being wound up (its price differences); try again in a minute')
    if (gb.offerId) await addToPurchaseOrder(db, gb, now)
    return ok(await signOffArrival(db, gb, receivedQuantity, now))
  },
})
