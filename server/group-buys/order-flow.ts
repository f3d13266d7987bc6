import type { OrderStatus } from '@shared/contracts/order'
import type { OrderDoc } from '@server/orders/model'
import { releaseHold } from '@server/group-buys/holds'
import { moveOrder } from '@server/orders/moves'

/**
 * Move an unpaid order to CANCELLED or EXPIRED and hand its stock and quota back — only if this call won the
 * transition, so a hold is released exactly once however many cancels/expiries race.
 */
export async function releaseUnpaid(db: DB.Database, order: OrderDoc, to: Extract<OrderStatus, 'CANCELLED' | 'EXPIRED'>, now: number): Promise<boolean> {
  if (!(await moveOrder(db, order._id, 'PENDING_PAYMENT', to, { endedAt: now }))) return false
  await releaseHold(db, order)
  return true
}
