import { adminContract } from '@shared/contracts/admin'
import { ERROR_CODES, fail, ok } from '@shared/errors'
import { action } from '@server/define'
import { updatedCount } from '@server/fetch'

/** Orders already paid keep the fee they were split with (frozen on their sale); this applies from now on. */
export const setHandlingFee = action({
  access: ['admin'],
  input: adminContract.setHandlingFee,
  async run({ db, now }, { pickupPointId, handlingFeeFen }) {
    const res = await db.collection('pickupPoints').where({ _id: pickupPointId }).update({ data: { handlingFeeFen, handlingFeeUpdatedAt: now } })
    if (updatedCount(res) !== 1) {
      const found = (await db.collection('pickupPoints').where({ _id: pickupPointId }).count()) as unknown as { total: number }
      if (found.total === 0) return fail(ERROR_CODES.PICKUP_POINT_NOT_FOUND, 'no such pickup point')
    }
    return ok({ pickupPointId, handlingFeeFen })
  },
})
