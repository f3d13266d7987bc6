import { ledgerPath } from '@server/ledger/model'

/**
 * A leader's tier volume in one Beijing month: over their orders picked up that month, what each kept at pickup
 * less the refunds booked on it in that same month (tierFen), so a big sale refunded after pickup (after-sales)
 * raises no tier. Summed from the orders' ledger positions (one aggregate), so a pickup never writes a per-leader
 * document that other pickups would contend on.
 */
export async function monthPickedUpFen(db: DB.Database, leaderId: string, month: string): Promise<number> {
  const $ = db.command.aggregate
  const res = (await db
    .collection('orders')
    .aggregate()
    .match({ [ledgerPath('leaderId')]: leaderId, [ledgerPath('tierMonth')]: month })
    .group({ _id: null, total: $.sum(`$${ledgerPath('tierFen')}`) })
    .end()) as unknown as { list: { total: number }[] }
  return res.list[0]?.total ?? 0
}
