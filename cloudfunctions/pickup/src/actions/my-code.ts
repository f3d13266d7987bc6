import { pickupContract, type PickupOutputs } from '@shared/contracts/pickup'
import { MY_CODE_TTL_MS, PICKUP_CODE_LENGTH } from '@shared/domain/pickup'
import { ERROR_CODES, fail, ok, type Result } from '@shared/errors'
import { allocateCode, drawDigits, reserveKeyed } from '@server/codes'
import { action } from '@server/define'
import { findById } from '@server/fetch'

/**
 * 一码提货: one code (and QR) for every READY order of the caller at one pickup point. Verified at that point's
 * counter it hands over each of them once (pickup.verify); anywhere else it is refused. It expires after
 * MY_CODE_TTL_MS; every attempt is audited like an order's code, and each order's own code keeps working.
 */
export const myCode = action({
  access: ['resident'],
  input: pickupContract.myCode,
  async run({ caller, db, now }, { pickupPointId }): Promise<Result<PickupOutputs['myCode']>> {
    if (!(await findById(db, 'pickupPoints', pickupPointId))) return fail(ERROR_CODES.PICKUP_POINT_NOT_FOUND, 'no such pickup point')
    const waiting = (await db.collection('orders').where({ openid: caller.openid, pickupPointId, status: 'READY_FOR_PICKUP' }).count()) as unknown as { total: number }
    if (waiting.total === 0) return fail(ERROR_CODES.PICKUP_NOT_READY, 'nothing is waiting for you at this pickup point')
    const expiresAt = now + MY_CODE_TTL_MS
    const code = await allocateCode(
      () => drawDigits(PICKUP_CODE_LENGTH),
      reserveKeyed(db, 'pickupCodes', { kind: 'mine', openid: caller.openid, pickupPointId, expiresAt, createdAt: now }),
    )
    return ok({ code, qrPayload: code, pickupPointId, expiresAt, orders: waiting.total })
  },
})
