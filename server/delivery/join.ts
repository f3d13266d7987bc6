import type { z } from 'zod'
import type { groupBuyContract } from '@shared/contracts/group-buy'
import { decideDelivery } from '@shared/domain/delivery'
import { ERROR_CODES, type ErrorCode } from '@shared/errors'
import type { OrderDeliveryFields, PickupPointDeliveryFields } from '@server/delivery/model'
import { findById } from '@server/fetch'
import type { ContactFields } from '@server/privacy/contact'

type JoinInput = z.infer<typeof groupBuyContract.join>

export type DeliveryForJoin =
  | { ok: true; feeFen: number; fields: OrderDeliveryFields; remember(): Promise<void> }
  | { ok: false; error: ErrorCode; message: string }

const PICKUP: DeliveryForJoin = { ok: true, feeFen: 0, fields: {}, remember: async () => undefined }

/**
 * A join's fulfilment (#25), decided before anything is reserved, so a refusal takes nothing and writes nothing.
 * PICKUP (the default) reads nothing. DELIVERY reads the point's settings and the resident's 收货人: building and
 * room come from the input, else from the saved contact; the fee is the point's (free over its threshold).
 * `remember` saves a newly typed address onto the resident's 收货人 — called once the order exists. `goodsFrom`: when
 * the goods can be there at the earliest (join-flow.ts goodsFromOf); a slot over before it is refused.
 */
export async function deliveryForJoin(db: DB.Database, openid: string, input: JoinInput, at: { pickupPointId: string; goodsFrom: number | null }, goodsFen: number, now: number): Promise<DeliveryForJoin> {
  const { pickupPointId } = at
  if (input.fulfilment !== 'DELIVERY') return PICKUP
  const [point, user] = await Promise.all([
    findById<PickupPointDeliveryFields>(db, 'pickupPoints', pickupPointId),
    findById<ContactFields & { contact?: { building?: string | null; room?: string | null } | null }>(db, 'users', openid),
  ])
  const saved = user?.contact ?? null
  const building = input.building ?? saved?.building ?? null
  const room = input.room ?? saved?.room ?? null
  if (!building || !room) return { ok: false, error: ERROR_CODES.DELIVERY_ADDRESS_REQUIRED, message: 'building and room are needed for delivery' }
  const decided = decideDelivery(point?.delivery, { building, room, slot: input.slot! }, goodsFen, now, at.goodsFrom)
  if (!decided.ok) return decided
  const changed = !!saved && (saved.building !== building || saved.room !== room)
  return {
    ok: true,
    feeFen: decided.delivery.feeFen,
    fields: { fulfilment: 'DELIVERY', delivery: decided.delivery },
    // Merged into the existing contact (never creates one: a 收货人 needs a 称呼, which user.setContact asks for).
    remember: async () => {
      // The order is made: a failed save must not fail the join (the next delivery join asks again).
      if (!changed) return
      try {
        await db.collection('users').doc(openid).update({ data: { contact: { building, room } } })
      } catch (err) {
        console.error('[delivery] saving the address failed', openid, err)
      }
    },
  }
}
