import { addBuyerDayInTx, buyerDayUpdate } from '@server/insight/buyer-days'
import type { ParticipationDoc } from '@server/group-buys/model'
import type { OrderDoc } from '@server/orders/model'
import { participationIdFor } from '@server/ids'
import { updatedCount } from '@server/fetch'
import { RunAgain, txGet, type Tx } from '@server/ledger/txn'

/**
 * Longer than any join runs: CloudBase stops a function after its timeout (cloudbaserc.json: the joining functions,
 * groupBuy and voucher, 20 s and 10 s; the longest of all, settle, 60 s — a test holds this above every one).
 */
export const JOIN_RUNS_AT_MOST_MS = 120_000

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
 * The join writes the participation before its order: a count that finds the order its participation names not written
 * yet waits for it (the transaction runs again: the join is between its two writes), until longer than any join can
 * run — then it never will be written marked (a join retried finds the participation there and writes its order
 * unmarked). Before (an audit: test/node/attacks-first-payer-audit.test.ts), the mark's removal found no order, and the order
 * written after it kept its mark: its buyer was counted twice and a group reached 成团 on one buyer.
 *
 * An order whose join found the participation there (a second order, a retried join, a roll-over) is not marked, and
 * is counted as before, from the participation read.
 */
export type Participation = { mine: true } | { mine: false; part: ParticipationDoc | null }

/** The participation insert's mark of the order whose join makes it, and when. */
export function madeByFields(orderId: string, at: number): Pick<ParticipationDoc, 'madeBy' | 'madeAt'> {
  return { madeBy: orderId, madeAt: at }
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
export async function countParticipationInTx(t: Tx, db: DB.Database, o: Pick<OrderDoc, '_id' | 'groupBuyId' | 'openid' | 'paidAt' | 'quantity'>, p: Participation, now: number): Promise<void> {
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
  await t.collection('participations').doc(partId).update({ data: { paidOrders: (p.part.paidOrders ?? 0) + 1, ...buyerDayUpdate(db, o), ...(await takeFirstMark(t, db, p.part, o._id, now)) } })
}

/**
 * Another order of the buyer is counted in the group (a payment read from the participation, a roll-over into it):
 * the order `madeBy` names is no longer surely first. Its mark is taken off in the caller's transaction (one write,
 * only while the participation still names it), and the fields for the participation's own write are returned.
 */
export async function takeFirstMark(t: Tx, db: DB.Database, part: Pick<ParticipationDoc, 'madeBy' | 'madeAt'> | null, countedOrderId: string, now: number): Promise<Record<string, unknown>> {
  if (!part?.madeBy) return {}
  if (part.madeBy !== countedOrderId) {
    // `markTakenBy`: the write always changes the order it finds, so "nothing updated" means "no such order yet".
    const taken = await t.collection('orders').doc(part.madeBy).update({ data: { madeParticipation: false, markTakenBy: countedOrderId } })
    if (updatedCount(taken) === 0 && now - (part.madeAt ?? 0) < JOIN_RUNS_AT_MOST_MS) throw new RunAgain(`first order ${part.madeBy} not written yet`)
  }
  return { madeBy: db.command.remove() }
}
