import { groupBuyContract } from '@shared/contracts/group-buy'
import { ERROR_CODES, fail, ok } from '@shared/errors'
import { action } from '@server/define'
import { findById } from '@server/fetch'
import { newGroupBuyDoc } from '@server/group-buys/new-group-buy'

export const create = action({
  access: ['leader', 'merchant', 'admin'],
  input: groupBuyContract.create,
  async run({ caller, db, now }, input) {
    const user = await caller.user()
    // A leader runs group buys only at the pickup point they are bound to; merchants and admins anywhere.
    const isLeaderOnly = !user.roles.includes('merchant') && !user.roles.includes('admin')
    if (isLeaderOnly && user.boundPickupPointId !== input.pickupPointId) {
      return fail(ERROR_CODES.AUTH_FORBIDDEN, 'leaders create group buys only at their own pickup point')
    }
    if (input.endAt <= now) return fail(ERROR_CODES.INPUT_INVALID, 'endAt: must be in the future')
    const point = await findById<{ handlingFeeFen?: number }>(db, 'pickupPoints', input.pickupPointId)
    if (!point) {
      return fail(ERROR_CODES.PICKUP_POINT_NOT_FOUND, 'no such pickup point')
    }
    const doc = newGroupBuyDoc(
      {
        title: input.title,
        description: input.description ?? '',
        images: input.images ?? [],
        unit: input.unit ?? '份',
        priceFen: input.priceFen,
        originalPriceFen: input.originalPriceFen ?? null,
        stock: input.stock,
        minParticipants: input.minParticipants,
        limitPerUser: input.limitPerUser,
        startAt: input.startAt,
        endAt: input.endAt,
        pickupPointId: input.pickupPointId,
        handlingFeeFen: point.handlingFeeFen ?? 0,
        pickupStartAt: input.pickupStartAt ?? null,
        pickupEndAt: input.pickupEndAt ?? null,
        ...(input.priceTiers ? { priceTiers: input.priceTiers } : {}),
        creatorOpenid: caller.openid,
        creatorRole: user.roles.includes('leader') ? 'leader' : user.roles.includes('merchant') ? 'merchant' : 'admin',
      },
      now,
    )
    const res = (await db.collection('groupBuys').add({ data: doc })) as unknown as { _id: string }
    return ok({ groupBuyId: res._id })
  },
})
