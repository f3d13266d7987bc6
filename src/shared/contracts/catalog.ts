import { z } from 'zod'
import { pricesAreValid, SUGGESTED_BELOW_SUPPLY } from '../domain/catalog'
import { cursor, fen, fileId, id, requestId, shortText, type Page } from './common'

/** The fields a merchant fills in for a product; prices are integer fen. */
const productFields = {
  name: shortText(60),
  unit: shortText(8),
  spec: z.string().trim().max(40).optional(),
  category: shortText(16),
  description: z.string().max(2000).optional(),
  images: z.array(fileId).min(1, '至少上传一张商品图片').max(9, '最多 9 张图片'),
  supplyPriceFen: fen.min(1, '供货价至少 0.01 元'),
  suggestedPriceFen: fen.min(1),
}

export const catalogContract = {
  /** `requestId` (optional): a replay with the same one answers with the product it created, not a second one. */
  createProduct: z
    .object({ ...productFields, requestId: requestId.optional() })
    .strict()
    .refine(pricesAreValid, { message: SUGGESTED_BELOW_SUPPLY, path: ['suggestedPriceFen'] }),
  /** Any subset of the fields; the price rule is checked against the merged product. */
  updateProduct: z.object({ productId: id, ...productFields }).partial().required({ productId: true }).strict(),
  listMine: z.object({ cursor: cursor.optional() }).strict(),
  get: z.object({ productId: id }).strict(),
} as const

export type CreateProductInput = z.infer<typeof catalogContract.createProduct>

export interface ProductView {
  productId: string
  merchantId: string
  name: string
  unit: string
  spec: string
  category: string
  description: string
  /** cloud:// file ids, as stored. */
  images: string[]
  /** Temporary http(s) URLs for `images`, same order, valid until `imageUrlsExpireAt`. */
  imageUrls: string[]
  imageUrlsExpireAt: number
  supplyPriceFen: number
  suggestedPriceFen: number
  createdAt: number
  updatedAt: number
}

export interface CatalogOutputs {
  createProduct: { productId: string }
  updateProduct: { product: ProductView }
  listMine: Page<ProductView>
  get: { product: ProductView }
}
