/** A merchant's prices: the suggested retail price may never be below the supply price. */
export interface ProductPrices {
  supplyPriceFen: number
  suggestedPriceFen: number
}

export const SUGGESTED_BELOW_SUPPLY = '建议零售价不能低于供货价'

export function pricesAreValid(p: ProductPrices): boolean {
  return p.suggestedPriceFen >= p.supplyPriceFen
}
