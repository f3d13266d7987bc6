import type { PublishOfferInput, supplyContract, SupplyOutputs } from '@/shared/contracts/supply'
import { contractCaller } from './contract-caller'

const call = contractCaller<typeof supplyContract, SupplyOutputs>('supply')

export const supplyService = {
  publish: (input: PublishOfferInput) => call('publish', input),
  /** Offers open to the calling leader's pickup point (货源). */
  listOpen: (cursor?: string) => call('listOpen', cursor ? { cursor } : {}),
  /** The calling merchant's offers with per-point progress. */
  listMine: (cursor?: string) => call('listMine', cursor ? { cursor } : {}),
  purchaseOrders: (offerId: string) => call('purchaseOrders', { offerId }),
  markShipped: (purchaseOrderId: string) => call('markShipped', { purchaseOrderId }),
  /** The price rule's inputs for the publish form's hint (top tier bonus, points' handling fees). */
  pricing: () => call('pricing', {}),
}
