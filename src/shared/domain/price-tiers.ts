/**
 * 阶梯价: the more units are paid for, the cheaper for everyone. Residents pay the first tier; when the group
 * ends the tier reached by the paid quantity is the final price, and each paid order gets the difference back.
 */

export interface PriceTier {
  /** From this many paid units (the whole group buy's) on, this price applies. */
  minQuantity: number
  priceFen: number
}

export const MIN_TIERS = 2
export const MAX_TIERS = 5

/**
 * Why a tier table is not acceptable for a group buy sold at `priceFen`, or null: 2–5 tiers, the first from 1
 * unit at the group buy's own price, quantities rising and prices falling.
 */
export function priceTiersProblem(tiers: readonly PriceTier[], priceFen: number): string | null {
  if (tiers.length < MIN_TIERS || tiers.length > MAX_TIERS) return `阶梯价需要 ${MIN_TIERS}–${MAX_TIERS} 档`
  if (tiers[0].minQuantity !== 1) return '第一档必须从 1 件起'
  if (tiers[0].priceFen !== priceFen) return '第一档的价格必须是团购价'
  for (let i = 1; i < tiers.length; i++) {
    if (tiers[i].minQuantity <= tiers[i - 1].minQuantity) return '各档件数必须逐档增加'
    if (tiers[i].priceFen >= tiers[i - 1].priceFen) return '各档价格必须逐档降低'
    if (tiers[i].priceFen < 1) return '价格至少 1 分'
  }
  return null
}

/** The lowest price the table can reach (what the offer's price rule must accept). */
export function lowestTierPriceFen(tiers: readonly PriceTier[]): number {
  return tiers[tiers.length - 1].priceFen
}

/** The tier reached by `paidQuantity` units (the first tier below its own threshold). */
export function tierReached(tiers: readonly PriceTier[], paidQuantity: number): PriceTier {
  let reached = tiers[0]
  for (const t of tiers) if (paidQuantity >= t.minQuantity) reached = t
  return reached
}

/** The next tier and how many more paid units reach it; null at the top. */
export function nextTier(tiers: readonly PriceTier[], paidQuantity: number): { tier: PriceTier; missing: number } | null {
  const t = tiers.find((x) => x.minQuantity > paidQuantity)
  return t ? { tier: t, missing: t.minQuantity - paidQuantity } : null
}

/** The difference an order paid at `paidPriceFen` per unit gets back at the final price (never negative). */
export function tierDifferenceFen(paidPriceFen: number, finalPriceFen: number, quantity: number): number {
  return Math.max(0, paidPriceFen - finalPriceFen) * quantity
}
