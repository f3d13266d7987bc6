/**
 * The counter's 待提货 number: the orders READY_FOR_PICKUP at a pickup point, counted on the index the counter's list
 * pages on (orders.pickup_ready: pickupPointId, status, readyAt) — one operation per view, exact by construction.
 * Until this stop the number was kept in 64 shards per point, moved inside every readying and hand-over transaction
 * (#27, #23): one write more per hand-over, one transaction more per sign-off, and a number that was only as right as
 * every path that moved it (a READY order refunded never moved it). The count a shard sum stood for is now read
 * directly; nothing writes it, so no crash can leave it wrong.
 */
export async function readyCountOf(db: DB.Database, pickupPointId: string): Promise<number> {
  const res = (await db.collection('orders').where({ pickupPointId, status: 'READY_FOR_PICKUP' }).count()) as unknown as { total: number }
  return res.total
}
