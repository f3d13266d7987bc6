import { chinaDayNumber } from '@shared/domain/calendar'
import { addBuyerDay, buyerDayIncrement, type BuyerDays } from '@shared/domain/insight'
import type { ParticipationDoc } from '@server/group-buys/model'
import type { OrderDoc } from '@server/orders/model'
import { participationIdFor } from '@server/ids'
import { eachPage } from '@server/paging'
import { txGet, type Tx } from '@server/ledger/txn'

/**
 * The repeat rate's rollup (#23). Distinct buyers are not a sum, so the group buys' day rollups cannot give them:
 * each participation (one per group buy and buyer) carries its buyer's paid orders per China day, `paidDays`,
 * moved once per payment inside the transaction that counts it (`countPayment`). The dashboard then reads the
 * scope's participations — one per group buy and buyer, whatever the number of orders — instead of the orders.
 * Only the rate leaves the server: no openid is in any reply.
 */

/** The paid day of a counted order (the day its sale goes into the day rollup too). */
function paidDayOf(o: Pick<OrderDoc, 'paidAt'>): number {
  return chinaDayNumber(o.paidAt ?? 0)
}

/** The increment for the participation update the count makes anyway (no operation of its own). */
export function buyerDayUpdate(db: DB.Database, o: Pick<OrderDoc, 'paidAt'>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(buyerDayIncrement(paidDayOf(o))).map(([path, by]) => [path, db.command.inc(by)]))
}

/**
 * The buyer's day where the count writes no participation of its own. `made`: the count found no participation (one
 * the join never made, as for orders older than participations) — it is made here with the tally the count just
 * assumed (a first paid order of these units). Without it: an order refunded before it could be counted, whose
 * participation is read and gets the day alone (one made with no tally when there is none).
 */
export async function addBuyerDayInTx(t: Tx, db: DB.Database, o: Pick<OrderDoc, 'groupBuyId' | 'openid' | 'paidAt'>, made?: Pick<ParticipationDoc, 'quantity' | 'paidOrders'>): Promise<void> {
  const partId = participationIdFor(o.groupBuyId, o.openid)
  if (!made && (await txGet<ParticipationDoc>(t, 'participations', partId))) {
    await t.collection('participations').doc(partId).update({ data: buyerDayUpdate(db, o) })
    return
  }
  const fresh: Omit<ParticipationDoc, '_id'> = { groupBuyId: o.groupBuyId, openid: o.openid, quantity: 0, paidOrders: 0, ...made, paidDays: addBuyerDay({}, paidDayOf(o)) }
  await t.collection('participations').doc(partId).set({ data: fresh })
}

const IDS_PER_QUERY = 100
const PAGE = 1000

/** Every participation of these group buys that holds a paid day, with its buyer (pages of two fields each). */
export async function readBuyerDays(db: DB.Database, groupBuyIds: readonly string[]): Promise<Array<{ buyer: string; days?: BuyerDays }>> {
  const out: Array<{ buyer: string; days?: BuyerDays }> = []
  for (let i = 0; i < groupBuyIds.length; i += IDS_PER_QUERY) {
    const where = { groupBuyId: db.command.in(groupBuyIds.slice(i, i + IDS_PER_QUERY)) }
    await eachPage<Pick<ParticipationDoc, '_id' | 'openid' | 'paidDays'>>(db, 'participations', where, async (docs) => {
      for (const p of docs) if (p.paidDays) out.push({ buyer: p.openid, days: p.paidDays })
    }, PAGE, { openid: true, paidDays: true })
  }
  return out
}
