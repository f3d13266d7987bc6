import { adminContract } from '@shared/contracts/admin'
import { ERROR_CODES, fail, ok } from '@shared/errors'
import { action } from '@server/define'
import { findById } from '@server/fetch'
import { pickupOnOrdersAt, toPickupPlaceView } from '@server/pickup/place'
import type { PickupPointDoc } from '@server/pickup/model'

/** 自提点 details residents see on detail, order and pickup-code pages: the admin, or a leader bound to the point. */
export const updatePickupPoint = action({
  access: ['admin', 'leader'],
  input: adminContract.updatePickupPoint,
  async run({ caller, db }, { pickupPointId, ...patch }) {
    const user = await caller.user()
    if (!user.roles.includes('admin') && user.boundPickupPointId !== pickupPointId) return fail(ERROR_CODES.AUTH_FORBIDDEN, 'only the admin or a leader of this pickup point')
    if (!(await findById(db, 'pickupPoints', pickupPointId))) return fail(ERROR_CODES.PICKUP_POINT_NOT_FOUND, 'no such pickup point')
    const data = Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined))
    if (Object.keys(data).length > 0) await db.collection('pickupPoints').doc(pickupPointId).update({ data })
    const after = await findById<PickupPointDoc>(db, 'pickupPoints', pickupPointId)
    // The orders waiting there carry the place on them (place.ts OrderPickup): they show the new details too.
    if (Object.keys(data).length > 0) await pickupOnOrdersAt(db, after!)
    return ok({ pickupPoint: toPickupPlaceView(after!) })
  },
})
