import type { catalogContract, CatalogOutputs, CreateProductInput } from '@/shared/contracts/catalog'
import { contractCaller } from './contract-caller'

const call = contractCaller<typeof catalogContract, CatalogOutputs>('catalog')

export const catalogService = {
  listMine: (cursor?: string) => call('listMine', cursor ? { cursor } : {}),
  get: (productId: string) => call('get', { productId }),
  create: (input: CreateProductInput) => call('createProduct', input),
  update: (productId: string, patch: Partial<CreateProductInput>) => call('updateProduct', { productId, ...patch }),
}
