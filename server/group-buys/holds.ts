import { quotaConditions } from '@shared/domain/group-buy'
import { ERROR_CODES, type ErrorCode } from '@shared/errors'
import { isDuplicateWrite } from '@server/cloud'
import { updatedCount } from '@server/fetch'
import { whereConditions } from '@server/group-buys/conditions'
import { participationIdFor } from '@server/ids'
import { WarmCache } from '@server/warm-cache'
import { releaseSlotOfHold } from '@server/vouchers/slots'
import { madeByFields } from '@server/group-buys/first-payer'

/**
 * A hold = stock of the group buy (stockLeft − q, reservedQuantity + q) and the person's quota (their
 * participation's quantity + q), taken together by a join and given back together when the hold ends unpaid or a
 * join fails halfway. Each half is taken by one conditional write that refuses rather than overshoots; each is given
 * back here and nowhere else.
 */
export { reserveStock } from '@server/group-buys/stock-rounds'

/** Participation documents are never deleted: once seen, the next join goes straight to the conditional update. */
const knownParticipations = new WarmCache<true>(50_000)
/** A participation insert in flight: a twin join of the same person waits for it and then updates, instead of
 * racing it to a duplicate insert (one operation saved per twin; the outcome is the same). */
const creatingParticipations = new Map<string, Promise<unknown>>()

/**
 * The person's quota: their tally may only grow while it stays within `limit`. 'MADE' when this join made the
 * participation (the order `made.orderId` is then its buyer's first here: group-buys/first-payer.ts), 'TAKEN' when it
 * added to one, an error code when refused.
 */
export async function reserveQuota(db: DB.Database, groupBuyId: string, openid: string, quantity: number, limit: number, made: { orderId: string; at: number }): Promise<'MADE' | 'TAKEN' | ErrorCode> {
  const _ = db.command
  const participations = db.collection('participations')
  const partId = participationIdFor(groupBuyId, openid)
  // Only an insert in flight is awaited: an await of nothing would yield, and let the twin start an insert too.
  const twinInsert = knownParticipations.get(partId) ? undefined : creatingParticipations.get(partId)
  if (twinInsert) await twinInsert.catch(() => undefined)
  if (!knownParticipations.get(partId)) {
    const inserting = Promise.resolve(participations.add({ data: { _id: partId, groupBuyId, openid, quantity, paidOrders: 0, ...madeByFields(made.orderId, made.at) } }))
    creatingParticipations.set(partId, inserting)
    try {
      await inserting
      knownParticipations.set(partId, true)
      return 'MADE'
    } catch (err) {
      if (!isDuplicateWrite(err)) throw err
      knownParticipations.set(partId, true)
    } finally {
      if (creatingParticipations.get(partId) === inserting) creatingParticipations.delete(partId)
    }
  }
  const res = await participations.where({ _id: partId, ...whereConditions(_, quotaConditions(limit, quantity)) }).update({ data: { quantity: _.inc(quantity) } })
  return updatedCount(res) === 1 ? 'TAKEN' : ERROR_CODES.GROUP_BUY_LIMIT_EXCEEDED
}

/** Give back the stock half of a hold. */
export async function releaseStock(db: DB.Database, groupBuyId: string, quantity: number): Promise<void> {
  const _ = db.command
  await db.collection('groupBuys').doc(groupBuyId).update({ data: { stockLeft: _.inc(quantity), reservedQuantity: _.inc(-quantity) } })
}

/** Give back the quota half of a hold. */
export async function releaseQuota(db: DB.Database, groupBuyId: string, openid: string, quantity: number): Promise<void> {
  const _ = db.command
  await db.collection('participations').doc(participationIdFor(groupBuyId, openid)).update({ data: { quantity: _.inc(-quantity) } })
}

/** Give back a whole hold (stock, then quota, then a service booking's slot places): an unpaid order cancelled or expired, a join whose order failed. */
export async function releaseHold(db: DB.Database, hold: { groupBuyId: string; openid: string; quantity: number; slotId?: string }): Promise<void> {
  await releaseStock(db, hold.groupBuyId, hold.quantity)
  await releaseQuota(db, hold.groupBuyId, hold.openid, hold.quantity)
  await releaseSlotOfHold(db, hold)
}
