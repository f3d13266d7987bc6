import type { OfferStatus } from '../contracts/supply'
import { ERROR_CODES, type ErrorCode } from '../errors'
import { offerPriceLeavesPlatform } from './ledger'

/** The fields of a supply offer the rules need. */
export interface OfferTerms {
  startAt: number
  endAt: number
  minPriceFen: number
  maxPriceFen: number
  supplyPriceFen: number
  commissionBp: number
  /** null = open to every pickup point. */
  pickupPointIds: string[] | null
}

export function offerStatus(offer: Pick<OfferTerms, 'startAt' | 'endAt'>, now: number): OfferStatus {
  if (now < offer.startAt) return 'UPCOMING'
  return now < offer.endAt ? 'OPEN' : 'ENDED'
}

export function isOfferOpenTo(offer: Pick<OfferTerms, 'startAt' | 'endAt' | 'pickupPointIds'>, pickupPointId: string, now: number): boolean {
  return offerStatus(offer, now) === 'OPEN' && (offer.pickupPointIds === null || offer.pickupPointIds.includes(pickupPointId))
}

export interface CreateFromOfferAsk {
  priceFen: number
  startAt: number
  endAt: number
}

/**
 * May a leader at `pickupPointId` open a group buy from this offer with these terms? Stock is not decided here:
 * the allocation is a conditional write on the offer (never more than its stock, however many leaders at once).
 */
export function decideCreateFromOffer(
  offer: OfferTerms,
  ask: CreateFromOfferAsk,
  pickupPointId: string,
  now: number,
  limits: { maxTierBonusBp: number; handlingFeeFen: number },
): ErrorCode | null {
  if (!isOfferOpenTo(offer, pickupPointId, now)) return ERROR_CODES.SUPPLY_NOT_AVAILABLE
  if (ask.priceFen < offer.minPriceFen || ask.priceFen > offer.maxPriceFen) return ERROR_CODES.SUPPLY_PRICE_OUT_OF_RANGE
  // The platform never pays to sell: the ledger's own rule, for every quantity, at the top tier and this store's fee.
  if (!offerPriceLeavesPlatform(ask.priceFen, offer.supplyPriceFen, offer.commissionBp, limits.maxTierBonusBp, limits.handlingFeeFen)) {
    return ERROR_CODES.SUPPLY_PRICE_OUT_OF_RANGE
  }
  if (ask.startAt < offer.startAt || ask.endAt > offer.endAt || ask.endAt <= ask.startAt || ask.endAt <= now) return ERROR_CODES.INPUT_INVALID
  return null
}

/** What a group buy that ended hands back to its offer: everything unless it succeeded, then what did not sell. */
export function unsoldReturn(gb: { status: string; stock: number; soldQuantity: number }): number {
  if (gb.status === 'FAILED') return gb.stock
  if (gb.status === 'CLOSED') return Math.max(0, gb.stock - gb.soldQuantity)
  return 0
}

export interface PaidOrderLine {
  orderId: string
  quantity: number
  priceFen: number
  amountFen: number
}

export interface ArrivalLine {
  orderId: string
  /** Units handed over. */
  servedQuantity: number
  /** Refunded for the units that did not arrive. */
  refundFen: number
}

/**
 * 到货不足: `received` units are served in 跟团号 order (the lines must come in that order). Earlier orders are
 * served in full, the first that cannot be covered gets what is left and a refund for the rest, later ones are
 * refunded in full. A refund is the missing units at the order's unit price, never more than was paid.
 */
export function planArrival(lines: readonly PaidOrderLine[], received: number): ArrivalLine[] {
  let left = Math.max(0, received)
  return lines.map((l) => {
    const served = Math.min(l.quantity, left)
    left -= served
    const refundFen = served === l.quantity ? 0 : Math.min(l.amountFen, (l.quantity - served) * l.priceFen)
    return { orderId: l.orderId, servedQuantity: served, refundFen }
  })
}

/**
 * The lowest price in the offer's range at which a leader's group buy can open (the platform's share stays ≥ 0
 * at the top tier and this store's fee), or null if no price in the range can. Shown in 货源 so a leader is never
 * offered a price the server would refuse.
 */
export function lowestSellablePriceFen(offer: Pick<OfferTerms, 'minPriceFen' | 'maxPriceFen' | 'supplyPriceFen' | 'commissionBp'>, maxTierBonusBp: number, handlingFeeFen: number): number | null {
  const bp = offer.commissionBp + maxTierBonusBp
  if (bp >= 10000) return null
  // One unit alone needs p − floor(p·bp/10000) ≥ s + f, so p·(10000 − bp)/10000 > s + f − 1 (the floor gives back
  // less than 1): no price below (s + f − 1)·10000/(10000 − bp) can do. The rule only gets easier as the price
  // rises, so the first price from there on that it accepts is the lowest.
  const need = offer.supplyPriceFen + handlingFeeFen
  const leaves = (p: number) => offerPriceLeavesPlatform(p, offer.supplyPriceFen, offer.commissionBp, maxTierBonusBp, handlingFeeFen)
  let p = Math.max(offer.minPriceFen, Math.floor(((need - 1) * 10000) / (10000 - bp)))
  while (p <= offer.maxPriceFen && !leaves(p)) p++
  return p <= offer.maxPriceFen ? p : null
}

/** What the publish form says about the price leaders can open at (the server's own rule, before submit). */
export interface PublishPriceFloor {
  /** The lowest price a leader can open at from at least one of the chosen points; null = none can. */
  lowestFen: number | null
  /** The lowest price that opens from every chosen point (the points' per-order fees differ); null = none can. */
  everywhereFen: number | null
  /** The most any chosen point charges per order (its handling fee), for the explanation. */
  maxHandlingFeeFen: number
}

/**
 * The merchant's publish form, before submit: given the terms typed so far, the top tier bonus and the handling
 * fees of the chosen points, the lowest price leaders can actually sell at — `lowestSellablePriceFen`, the rule
 * `supply.listOpen` and `groupBuy.createFromOffer` apply, per point.
 */
export function publishPriceFloor(
  terms: Pick<OfferTerms, 'minPriceFen' | 'maxPriceFen' | 'supplyPriceFen' | 'commissionBp'>,
  maxTierBonusBp: number,
  handlingFeesFen: readonly number[],
): PublishPriceFloor {
  const fees = [...new Set(handlingFeesFen.length ? handlingFeesFen : [0])]
  const floors = fees.map((f) => lowestSellablePriceFen(terms, maxTierBonusBp, f))
  const sellable = floors.filter((p): p is number => p !== null)
  return {
    lowestFen: sellable.length ? Math.min(...sellable) : null,
    everywhereFen: floors.every((p) => p !== null) ? Math.max(...sellable) : null,
    maxHandlingFeeFen: Math.max(...fees),
  }
}
