import { groupBuyContract } from '@shared/contracts/group-buy'
import { decideCreateFromOffer } from '@shared/domain/supply'
import { maxTierBonusBp } from '@shared/domain/ledger'
import { lowestTierPriceFen } from '@shared/domain/price-tiers'
import { PICKUP_AFTER_END_MESSAGE, pickupWindowOutlastsEnd } from '@shared/domain/group-buy-terms'
import { ERROR_CODES, fail, ok } from '@shared/errors'
import { action } from '@server/define'
import { commissionTiers } from '@server/ledger/model'
import { findById } from '@server/fetch'
import { newGroupBuyDoc } from '@server/group-buys/new-group-buy'
import { allocateFromOffer, giveBackToOffer } from '@server/supply/allocation'
import type { OfferDoc } from '@server/supply/model'

/**
 * 帮卖: a leader opens a group buy at their own pickup point from a merchant's supply offer. Title, unit,
 * description and photos come from the offer's product; the stock is allocated from the offer by one
 * conditional write (never more than the offer has, however many leaders at once).
 */
export const createFromOffer = action({
  access: ['leader'],
  input: groupBuyContract.createFromOffer,
  async run({ caller, db, now }, input) {
    const user = await caller.user()
    const pointId = user.boundPickupPointId
    if (!pointId) return fail(ERROR_CODES.AUTH_FORBIDDEN, 'a leader opens group buys once bound to a pickup point')
    const [offer, point] = await Promise.all([
      findById<OfferDoc>(db, 'offers', input.offerId),
      findById<{ _id: string; handlingFeeFen?: number }>(db, 'pickupPoints', pointId),
    ])
    if (!offer) return fail(ERROR_CODES.SUPPLY_NOT_FOUND, 'no such offer')
    if (!point) return fail(ERROR_CODES.PICKUP_POINT_NOT_FOUND, 'your pickup point no longer exists')
    const startAt = input.startAt ?? Math.max(now, offer.startAt)
    const endAt = input.endAt ?? offer.endAt
    const limits = { maxTierBonusBp: maxTierBonusBp(commissionTiers()), handlingFeeFen: point.handlingFeeFen ?? 0 }
    // 阶梯价 lowers the price the split works with: the lowest tier must pass the offer's price rule as well.
    const refused =
      decideCreateFromOffer(offer, { priceFen: input.priceFen, startAt, endAt }, pointId, now, limits) ??
      (input.priceTiers ? decideCreateFromOffer(offer, { priceFen: lowestTierPriceFen(input.priceTiers), startAt, endAt }, pointId, now, limits) : null)
    if (refused === ERROR_CODES.INPUT_INVALID) return fail(refused, 'startAt/endAt: 团购时间必须在货源的供货时间内')
    if (refused) return fail(refused, refused === ERROR_CODES.SUPPLY_NOT_AVAILABLE ? 'this offer is not open to your pickup point now' : `price${input.priceTiers ? ' (every tier)' : ''} must be within ${offer.minPriceFen}…${offer.maxPriceFen} fen and leave the platform its share`)
    // The 提货时间 this group buy gets (its own, or the offer's default) must outlast its end (shared rule).
    if (!pickupWindowOutlastsEnd({ pickupEndAt: input.pickupEndAt ?? offer.pickupEndAt ?? undefined }, endAt)) return fail(ERROR_CODES.INPUT_INVALID, `pickupEndAt: ${PICKUP_AFTER_END_MESSAGE}`)

    if (!(await allocateFromOffer(db, offer._id, input.stock))) return fail(ERROR_CODES.SUPPLY_SOLD_OUT, 'the offer has less stock left than asked')
    const doc = newGroupBuyDoc(
      {
        title: offer.product.name,
        description: offer.product.description,
        images: offer.product.images,
        unit: offer.product.unit,
        priceFen: input.priceFen,
        originalPriceFen: offer.suggestedPriceFen > input.priceFen ? offer.suggestedPriceFen : null,
        stock: input.stock,
        minParticipants: input.minParticipants,
        limitPerUser: input.limitPerUser,
        startAt,
        endAt,
        pickupPointId: pointId,
        creatorOpenid: caller.openid,
        creatorRole: 'leader',
        offerId: offer._id,
        merchantId: offer.merchantId,
        supplyPriceFen: offer.supplyPriceFen,
        commissionBp: offer.commissionBp,
        // The fee the price was just checked against is the one its sales are split with.
        handlingFeeFen: limits.handlingFeeFen,
        // 提货时间: the leader's own, else the offer's default.
        pickupStartAt: input.pickupStartAt ?? offer.pickupStartAt ?? null,
        pickupEndAt: input.pickupEndAt ?? offer.pickupEndAt ?? null,
        ...(input.priceTiers ? { priceTiers: input.priceTiers } : {}),
      },
      now,
    )
    try {
      const res = (await db.collection('groupBuys').add({ data: doc })) as unknown as { _id: string }
      return ok({ groupBuyId: res._id })
    } catch (err) {
      // The allocation is handed back if the group buy could not be written.
      await giveBackToOffer(db, offer._id, input.stock)
      throw err
    }
  },
})
