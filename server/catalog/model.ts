import type { ProductKind } from '@shared/domain/voucher'
// The catalog room's stored shapes (database/schema.json): products.

/** A merchant's product in the `products` collection (database/schema.json). */
export interface ProductDoc {
  _id: string
  /** The merchant's openid. */
  merchantId: string
  name: string
  unit: string
  spec: string
  category: string
  description: string
  /** cloud:// file ids, 1…9, each a file that existed in storage when it was set. */
  images: string[]
  supplyPriceFen: number
  suggestedPriceFen: number
  createdAt: number
  updatedAt: number
  /** Bumped by every update; updates are conditional on it, so two edits can never merge into a broken product. */
  version: number
  /** Absent = GOODS (every product before #25). A SERVICE is sold as vouchers for appointment slots (server/vouchers/). */
  kind?: ProductKind
  durationMinutes?: number
  /** The pickup points (stores) whose clerks may redeem its vouchers, and where its group buys may run. */
  servingPointIds?: string[]
  serviceArea?: string
}
