import { updatedCount } from '@server/fetch'
import { SLOTS } from '@server/vouchers/model'

/**
 * A slot's places, taken and given back as a pair, as holds.ts does for stock: one conditional write that refuses
 * rather than overbooks (`left ≥ q`), and a plain increment to give back what a booking that did not happen took.
 */
export async function reserveSlot(db: DB.Database, slotId: string, quantity: number): Promise<boolean> {
  const _ = db.command
  const res = await db.collection(SLOTS).where({ _id: slotId, left: _.gte(quantity) }).update({ data: { left: _.inc(-quantity) } })
  return updatedCount(res) === 1
}

export async function releaseSlot(db: DB.Database, slotId: string, quantity: number): Promise<void> {
  await db.collection(SLOTS).doc(slotId).update({ data: { left: db.command.inc(quantity) } })
}

/** holds.ts's releaseHold: an unpaid booking cancelled or expired gives its slot's places back with its stock. */
export async function releaseSlotOfHold(db: DB.Database, hold: { quantity: number; slotId?: string }): Promise<void> {
  if (hold.slotId) await releaseSlot(db, hold.slotId, hold.quantity)
}
