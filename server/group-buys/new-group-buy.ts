import type { GroupBuyDoc } from '@server/group-buys/model'

/** What the creator decides; everything else a new group buy starts with is the same for every kind. */
export type GroupBuyTerms = Pick<
  GroupBuyDoc,
  'title' | 'description' | 'images' | 'unit' | 'priceFen' | 'originalPriceFen' | 'stock' | 'minParticipants' | 'limitPerUser' | 'startAt' | 'endAt' | 'pickupPointId' | 'creatorOpenid' | 'creatorRole'
> &
  Partial<Pick<GroupBuyDoc, 'offerId' | 'merchantId' | 'supplyPriceFen' | 'commissionBp' | 'priceTiers' | 'pickupStartAt' | 'pickupEndAt' | 'handlingFeeFen'>>

/** A new group buy: all stock left, nothing reserved or sold, OPEN, not settled, not arrived. */
export function newGroupBuyDoc(terms: GroupBuyTerms, now: number): Omit<GroupBuyDoc, '_id'> {
  const fromOffer = terms.offerId ? { receivedQuantity: null, offerReturnedAt: null } : {}
  return {
    ...terms,
    ...fromOffer,
    stockLeft: terms.stock,
    reservedQuantity: 0,
    soldQuantity: 0,
    paidParticipants: 0,
    paidSeq: 0,
    status: 'OPEN',
    createdAt: now,
    succeededAt: null,
    settledAt: 0,
    arrivedAt: null,
  }
}
