import { unsoldReturn } from '@shared/domain/supply'
import type { GroupBuyDoc } from '@server/group-buys/model'
import { updatedCount } from '@server/fetch'

/**
 * Take `quantity` units of an offer for a leader's group buy: one conditional write, so however many leaders
 * allocate at once the sum never exceeds the offer's stock.
 */
export async function allocateFromOffer(db: DB.Database, offerId: string, quantity: number): Promise<boolean> {
  const _ = db.command
  const res = await db.collection('offers').where({ _id: offerId, stockLeft: _.gte(quantity) }).update({ data: { stockLeft: _.inc(-quantity) } })
  return updatedCount(res) === 1
}

export async function giveBackToOffer(db: DB.Database, offerId: string, quantity: number): Promise<void> {
  if (quantity <= 0) return
  await db.collection('offers').doc(offerId).update({ data: { stockLeft: db.command.inc(quantity) } })
}

/**
 * An offer's group buy that ended (CLOSED or FAILED) hands what it did not sell back to the offer, exactly once:
 * the group buy is marked first (a conditional write only one caller wins), then the offer is credited. A call
 * cut off between the two loses units from the offer rather than handing them back twice — never oversold.
 */
export async function returnUnsoldToOffer(db: DB.Database, gb: GroupBuyDoc, now: number): Promise<number> {
  if (!gb.offerId) return 0
  const quantity = unsoldReturn(gb)
  const won = await db
    .collection('groupBuys')
    .where({ _id: gb._id, status: gb.status, offerReturnedAt: null })
    .update({ data: { offerReturnedAt: now, offerReturnedQuantity: quantity } })
  if (updatedCount(won) !== 1) return 0
  await giveBackToOffer(db, gb.offerId, quantity)
  return quantity
}
