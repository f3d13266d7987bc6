import type { OrderStatus } from '@shared/contracts/order'
import { canMove } from '@shared/domain/order'
import { updatedCount } from '@server/fetch'
import type { Tx } from '@server/ledger/txn'

/**
 * The orders room's one way to change an order's status, built on the transition table (ORDER_TRANSITIONS in
 * src/shared/domain/order.ts): a move the table does not allow is a bug and throws before anything is written;
 * an allowed move is one conditional write on the status it moves from, so of any number of racing calls one wins.
 */
function assertMove(from: OrderStatus, to: OrderStatus): void {
  if (!canMove(from, to)) throw new Error(`order status ${from} → ${to} is not in ORDER_TRANSITIONS`)
}

/**
 * from → to with `fields`, if the order is still `from` (and still matches `also`, e.g. still in the group buy the
 * caller read). True when this call made the move.
 */
export async function moveOrder(db: DB.Database, orderId: string, from: OrderStatus, to: OrderStatus, fields: Record<string, unknown> = {}, also: Record<string, unknown> = {}): Promise<boolean> {
  assertMove(from, to)
  const res = await db.collection('orders').where({ _id: orderId, status: from, ...also }).update({ data: { status: to, ...fields } })
  return updatedCount(res) === 1
}

/**
 * The same move inside a transaction, on an order the transaction read (only doc() writes exist there). `via` names
 * the statuses a move passes through in one write, each step in the table (a refund WeChat Pay confirmed before the
 * order was marked: PAID → REFUNDING → REFUNDED).
 */
export async function moveOrderInTx(t: Tx, order: { _id: string; status: OrderStatus }, to: OrderStatus, fields: Record<string, unknown> = {}, via: readonly OrderStatus[] = []): Promise<void> {
  const path = [order.status, ...via, to]
  for (let i = 1; i < path.length; i++) assertMove(path[i - 1], path[i])
  await t.collection('orders').doc(order._id).update({ data: { status: to, ...fields } })
}

/**
 * from → to for every order matching `where` that is still `from`, in one write (the sign-off readying a whole
 * group, #23): each order moves once, as with moveOrder, since the write is conditional on the status. The number
 * of orders this call moved.
 */
export async function moveOrdersWhere(db: DB.Database, where: Record<string, unknown>, from: OrderStatus, to: OrderStatus, fields: Record<string, unknown> = {}): Promise<number> {
  assertMove(from, to)
  const res = await db.collection('orders').where({ ...where, status: from }).update({ data: { status: to, ...fields } })
  return updatedCount(res)
}
