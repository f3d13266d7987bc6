import type { z } from 'zod'
import type { setDeliveryInput } from '@shared/contracts/delivery'
import { openSlots, type DeliverySettings } from '@shared/domain/delivery'
import { updatedCount } from '@server/fetch'
import type { PickupPointDeliveryFields, StoredDeliverySettings } from '@server/delivery/model'

/** admin.setDelivery: the point's settings, replaced whole (one conditional write on the point's existence). */
export async function saveDeliverySettings(db: DB.Database, input: z.infer<typeof setDeliveryInput>, now: number): Promise<StoredDeliverySettings | null> {
  const { pickupPointId, ...rest } = input
  const settings: StoredDeliverySettings = { enabled: rest.enabled, feeFen: rest.feeFen, freeOverFen: rest.freeOverFen ?? null, buildings: rest.buildings, slots: [...rest.slots].sort((a, b) => a.startAt - b.startAt), updatedAt: now }
  // set(): lists replace the old ones instead of merging into them.
  const res = await db.collection('pickupPoints').where({ _id: pickupPointId }).update({ data: { delivery: db.command.set(settings) } })
  return updatedCount(res) === 1 ? settings : null
}

/** What residents see on the pickup point: nothing when it does not deliver; only slots not yet ended. */
export function deliveryTermsOf(point: PickupPointDeliveryFields, now: number): DeliverySettings | null {
  const d = point.delivery
  if (!d || !d.enabled) return null
  return { enabled: true, feeFen: d.feeFen, freeOverFen: d.freeOverFen, buildings: d.buildings, slots: openSlots(d, now) }
}
