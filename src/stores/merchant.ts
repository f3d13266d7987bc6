import { create } from 'zustand'
import type { CreateProductInput, ProductView } from '@/shared/contracts/catalog'
import type { CreateCampaignInput, MerchantCampaignView } from '@/shared/contracts/coupon'
import type { OfferView, PublishOfferInput, PurchaseOrderView, SupplyOutputs } from '@/shared/contracts/supply'
import { newRequestId } from '@/services/cloud'
import type { ClientError } from '@/shared/client-result'
import { catalogService } from '@/services/catalog'
import { couponService } from '@/services/coupon'
import { supplyService } from '@/services/supply'
import { emptyPaged, loadFirstPage, loadNextPage, type PagedState } from './paged'

export type MerchantOffer = SupplyOutputs['listMine']['items'][number]

export interface PurchaseOrdersState {
  offerId: string | null
  items: PurchaseOrderView[]
  loading: boolean
  loaded: boolean
  error: ClientError | null
}

export interface MerchantState {
  products: PagedState<ProductView>
  offers: PagedState<MerchantOffer>
  purchaseOrders: PurchaseOrdersState
  campaigns: { items: MerchantCampaignView[]; loading: boolean; loaded: boolean; error: ClientError | null }
  /** One form is saved at a time (product, offer or campaign); its failure shows on that form. */
  saving: boolean
  saveError: ClientError | null
  /** The purchase order being marked shipped. */
  shippingId: string | null
  shipError: ClientError | null
  /** The price rule's inputs (supply.pricing) for the publish form's lowest-price hint; null until loaded. */
  pricing: SupplyOutputs['pricing'] | null
  loadPricing: () => Promise<void>
  /** The product being edited (loaded by id). */
  editing: { productId: string | null; product: ProductView | null; loading: boolean; error: ClientError | null }
  loadProduct: (productId: string) => Promise<ProductView | null>
  refreshProducts: () => Promise<void>
  loadMoreProducts: () => Promise<void>
  /** Create (no productId) or update; answers the product id, or null on failure. */
  saveProduct: (input: CreateProductInput, productId?: string) => Promise<string | null>
  refreshOffers: () => Promise<void>
  loadMoreOffers: () => Promise<void>
  publish: (input: PublishOfferInput) => Promise<string | null>
  loadPurchaseOrders: (offerId: string) => Promise<void>
  markShipped: (purchaseOrderId: string) => Promise<boolean>
  refreshCampaigns: () => Promise<void>
  createCampaign: (input: CreateCampaignInput) => Promise<string | null>
  clearSaveError: () => void
  reset: () => void
}

const initial = () => ({
  products: emptyPaged<ProductView>(),
  offers: emptyPaged<MerchantOffer>(),
  purchaseOrders: { offerId: null, items: [], loading: false, loaded: false, error: null } as PurchaseOrdersState,
  campaigns: { items: [] as MerchantCampaignView[], loading: false, loaded: false, error: null as ClientError | null },
  saving: false,
  saveError: null as ClientError | null,
  shippingId: null as string | null,
  pricing: null as SupplyOutputs['pricing'] | null,
  shipError: null as ClientError | null,
  editing: { productId: null as string | null, product: null as ProductView | null, loading: false, error: null as ClientError | null },
})

/** An offer's share of stock that leaders took, and of that what residents paid for (0–1 each). */
export function offerProgress(o: Pick<OfferView, 'stock'> & { allocated: number; sold: number }): { allocated: number; sold: number } {
  return { allocated: o.stock > 0 ? Math.min(1, o.allocated / o.stock) : 0, sold: o.allocated > 0 ? Math.min(1, o.sold / o.allocated) : 0 }
}

export const useMerchantStore = create<MerchantState>()((set, get) => {
  let createRequestId: string | null = null
  const setProducts = (p: Partial<PagedState<ProductView>>) => set({ products: { ...get().products, ...p } })
  const setOffers = (p: Partial<PagedState<MerchantOffer>>) => set({ offers: { ...get().offers, ...p } })
  /** Runs one save; the form stays as it was on failure so nothing typed is lost. */
  const save = async <T>(run: () => Promise<{ ok: true; data: T } | { ok: false; error: ClientError }>): Promise<T | null> => {
    if (get().saving) return null
    set({ saving: true, saveError: null })
    const res = await run()
    if (!res.ok) {
      set({ saving: false, saveError: res.error })
      return null
    }
    set({ saving: false })
    return res.data
  }
  return {
    ...initial(),
    loadProduct: async (productId) => {
      const known = get().products.items.find((p) => p.productId === productId) ?? null
      set({ editing: { productId, product: known, loading: true, error: null } })
      const res = await catalogService.get(productId)
      if (get().editing.productId !== productId) return null
      if (res.ok) {
        set({ editing: { productId, product: res.data.product, loading: false, error: null } })
        return res.data.product
      }
      set({ editing: { productId, product: known, loading: false, error: res.error } })
      return null
    },
    refreshProducts: () => loadFirstPage(setProducts, () => catalogService.listMine()),
    loadMoreProducts: () => loadNextPage(() => get().products, setProducts, (c) => catalogService.listMine(c)),
    saveProduct: async (input, productId) => {
      if (productId) {
        const done = await save(() => catalogService.update(productId, input))
        if (!done) return null
        set({ products: { ...get().products, items: get().products.items.map((p) => (p.productId === productId ? done.product : p)) } })
        return productId
      }
      // One id per new product: a retry after a lost reply answers with the product already made, not a twin.
      createRequestId = createRequestId ?? newRequestId()
      const requestId = createRequestId
      const done = await save(() => catalogService.create({ ...input, requestId }))
      if (done) {
        createRequestId = null
        void get().refreshProducts()
      }
      return done?.productId ?? null
    },
    refreshOffers: () => loadFirstPage(setOffers, () => supplyService.listMine()),
    loadMoreOffers: () => loadNextPage(() => get().offers, setOffers, (c) => supplyService.listMine(c)),
    publish: async (input) => {
      const done = await save(() => supplyService.publish(input))
      if (done) void get().refreshOffers()
      return done?.offerId ?? null
    },
    loadPricing: async () => {
      const res = await supplyService.pricing()
      // Without it the form still publishes; the hint then waits for the next visit.
      if (res.ok) set({ pricing: res.data })
    },
    loadPurchaseOrders: async (offerId) => {
      const keep = get().purchaseOrders.offerId === offerId
      set({ purchaseOrders: { ...get().purchaseOrders, offerId, loading: true, error: null, ...(keep ? {} : { items: [], loaded: false }) } })
      const res = await supplyService.purchaseOrders(offerId)
      if (get().purchaseOrders.offerId !== offerId) return
      if (res.ok) set({ purchaseOrders: { offerId, items: res.data.items, loading: false, loaded: true, error: null } })
      else set({ purchaseOrders: { ...get().purchaseOrders, loading: false, loaded: true, error: res.error } })
    },
    markShipped: async (purchaseOrderId) => {
      if (get().shippingId) return false
      set({ shippingId: purchaseOrderId, shipError: null })
      const res = await supplyService.markShipped(purchaseOrderId)
      if (!res.ok) {
        set({ shippingId: null, shipError: res.error })
        return false
      }
      const po = get().purchaseOrders
      set({
        shippingId: null,
        purchaseOrders: { ...po, items: po.items.map((p) => (p.purchaseOrderId === purchaseOrderId ? { ...p, status: 'SHIPPED', shippedAt: Date.now() } : p)) },
      })
      if (po.offerId) void get().loadPurchaseOrders(po.offerId)
      return true
    },
    refreshCampaigns: async () => {
      set({ campaigns: { ...get().campaigns, loading: true, error: null } })
      const res = await couponService.listMyCampaigns()
      if (res.ok) set({ campaigns: { items: res.data.items, loading: false, loaded: true, error: null } })
      else set({ campaigns: { ...get().campaigns, loading: false, loaded: true, error: res.error } })
    },
    createCampaign: async (input) => {
      const done = await save(() => couponService.createCampaign(input))
      if (done) void get().refreshCampaigns()
      return done?.campaignId ?? null
    },
    clearSaveError: () => set({ saveError: null }),
    reset: () => {
      createRequestId = null
      set(initial())
    },
  }
})
