/**
 * A leader's picked-up sales in one Beijing month: the sum over their orders picked up that month of what each
 * kept at pickup. Summed from the orders' ledger records (one aggregate), so a pickup never writes a per-leader
 * document that other pickups would contend on.
 */
export async function monthPickedUpFen(db: DB.Database, leaderId: string, month: string): Promise<number> {
  const $ = db.command.aggregate
  const res = (await db.collection('ledgerOrders').aggregate().match({ leaderId, releasedMonth: month }).group({ _id: null, total: $.sum('$releasedFen') }).end()) as unknown as { list: { total: number }[] }
  return res.list[0]?.total ?? 0
}
