import { groupBuyContract } from '@shared/contracts/group-buy'
import { action } from '@server/define'
import { joinGroupBuy } from '@server/group-buys/join-flow'

/** Join a group buy: stock, quota and the order, as one hold (server/group-buys/join-flow.ts, holds.ts). */
export const join = action({
  access: ['resident'],
  input: groupBuyContract.join,
  run: ({ caller, db, now }, input) => joinGroupBuy(db, caller.openid, input, now),
})
