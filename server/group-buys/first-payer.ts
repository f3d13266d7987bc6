import { addBuyerDayInTx, buyerDayUpdate } from '@server/insight/buyer-days'
import type { ParticipationDoc } from '@server/group-buys/model'
import type { OrderDoc } from '@server/orders/model'
import { participationIdFor } from '@server/ids'
import { updatedCount } from '@server/fetch'
import { txGet, type Tx } from '@server/ledger/txn'

/**
 * Is a counted payment its buyer's first paid order in the group buy (a new paid participant: `paidParticipants`,
 * which decides 成团)? Said without reading the participation for the usual order (#23: pay 7 → 6).
 *
 * The join whose quota write made the buyer's participation (holds.ts reserveQuota: the insert, not the update)
 * marks its order `madeParticipation` and the participation `madeBy` that order. When the marked order's payment is
 * counted, it is its buyer's first paid order there unless another order of theirs was counted before it — and every
 * other count reads the participation and, in the same transaction, takes the mark off the order `madeBy` names (a
 * payment of another of their orders here, countParticipationInTx; a roll-over into the group, roll-over.ts). So a
 * marked order found marked is first. A count of the marked order and one that takes its mark off both write that
 * order: they cannot both commit on what they read (a transaction writing a document changed since its snapshot
 * fails), and the one retried reads the other's write — the mark gone, or the participation counted.
 *
 * An order whose join found the participation there (a second order, a retried join, a roll-over) is not marked, and
 * is counted as before, from the participation read.
 */
export type Participation = { mine: true } | { mine: false; part: ParticipationDoc | null }

/** The participation insert's mark of the order whose join makes it. */
export function madeByFields(orderId: string): Pick<ParticipationDoc, 'madeBy'> {
  return { madeBy: orderId }
}

/** The participation as the count needs it: not read for an order whose join made it (`mine`). */
export async function participationForCount(t: Tx, o: Pick<OrderDoc, 'groupBuyId' | 'openid' | 'madeParticipation'>): Promise<Participation> {
  if (o.madeParticipation === true) return { mine: true }
  return { mine: false, part: await txGet<ParticipationDoc>(t, 'participations', participationIdFor(o.groupBuyId, o.openid)) }
}

/** Would counting this order make its buyer a new paid participant? */
export function isFirstPaid(p: Participation): boolean {
  return p.mine || (p.part?.paidOrders ?? 0) === 0
}

/**
 * The participation's write of a counted payment (paidOrders + 1, the buyer's paid day), in the count's transaction:
 * for an order not marked, with the mark taken off the order the participation names (takeFirstMark).
 */
export async function countParticipationInTx(t: Tx, db: DB.Database, o: Pick<OrderDoc, '_id' | 'groupBuyId' | 'openid' | 'paidAt' | 'quantity'>, p: Participation): Promise<void> {
  const _ = db.command
  const partId = participationIdFor(o.groupBuyId, o.openid)
  if (p.mine) {
    const counted = await t.collection('participations').doc(partId).update({ data: { paidOrders: _.inc(1), madeBy: _.remove(), ...buyerDayUpdate(db, o) } })
    // Made by the join and gone since (never, for participations are not deleted; kept safe): made as a first payer's.
    if (updatedCount(counted) === 0) await addBuyerDayInTx(t, db, o, { quantity: o.quantity, paidOrders: 1 })
    return
  }
  if (!p.part) {
    await addBuyerDayInTx(t, db, o, { quantity: o.quantity, paidOrders: 1 })
    return
  }
  await t.collection('participations').doc(partId).update({ data: { paidOrders: (p.part.paidOrders ?? 0) + 1, ...buyerDayUpdate(db, o), ...(await takeFirstMark(t, db, p.part, o._id)) } })
}

/**
 * Another order of the buyer is counted in the group (a payment read from the participation, a roll-over into it):
 * the order `madeBy` names is no longer surely first. Its mark is taken off in the caller's transaction (one write,
 * only while the participation still names it), and the fields for the participation's own write are returned.
 */
export async function takeFirstMark(t: Tx, db: DB.Database, part: Pick<ParticipationDoc, 'madeBy'> | null, countedOrderId: string): Promise<Record<string, unknown>> {
  if (!part?.madeBy) return {}
  if (part.madeBy !== countedOrderId) await t.collection('orders').doc(part.madeBy).update({ data: { madeParticipation: false } })
  return { madeBy: db.command.remove() }
}
