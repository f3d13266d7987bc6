import { adminContract } from '@shared/contracts/admin'
import { ok } from '@shared/errors'
import { action } from '@server/define'

export const createPickupPoint = action({
  access: ['admin'],
  input: adminContract.createPickupPoint,
  async run({ caller, db, now }, input) {
    const res = (await db.collection('pickupPoints').add({ data: { ...input, createdBy: caller.openid, createdAt: now } })) as unknown as { _id: string }
    return ok({ pickupPointId: res._id })
  },
})
