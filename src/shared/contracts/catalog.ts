import { z } from 'zod'
import type { RatingAggregateView } from './feedback'
import { pricesAreValid, SUGGESTED_BELOW_SUPPLY } from '../domain/catalog'
import { PRODUCT_KINDS, SERVICE_CATEGORIES, type ProductKind } from '../domain/voucher'
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
  /** SERVICE only (#25): how long one appointment takes, and the pickup points (stores) / area it serves. */
  durationMinutes: z.number().int().min(5).max(24 * 60).optional(),
  servingPointIds: z.array(id).min(1).max(50).optional(),
  serviceArea: z.string().trim().max(60).optional(),
}

/** A SERVICE (家政, 维修, 宠物护理) needs its duration, at least one store it serves and one of the service categories. */
function serviceFieldsFit(v: { kind?: ProductKind; category: string; durationMinutes?: number; servingPointIds?: string[] }, ctx: z.RefinementCtx) {
  if (v.kind !== 'SERVICE') {
    if (v.durationMinutes !== undefined || v.servingPointIds !== undefined) ctx.addIssue({ code: z.ZodIssueCode.custom, message: '只有服务类商品有时长和服务门店', path: ['kind'] })
    return
  }
  if (v.durationMinutes === undefined) ctx.addIssue({ code: z.ZodIssueCode.custom, message: '请填写服务时长', path: ['durationMinutes'] })
  if (!v.servingPointIds?.length) ctx.addIssue({ code: z.ZodIssueCode.custom, message: '请选择服务的门店', path: ['servingPointIds'] })
  if (!(SERVICE_CATEGORIES as readonly string[]).includes(v.category)) ctx.addIssue({ code: z.ZodIssueCode.custom, message: `服务类别须为 ${SERVICE_CATEGORIES.join('、')}`, path: ['category'] })
}

export const catalogContract = {
  /** `requestId` (optional): a replay with the same one answers with the product it created, not a second one. */
  createProduct: z
    .object({ ...productFields, kind: z.enum(PRODUCT_KINDS).optional(), requestId: requestId.optional() })
    .strict()
    .refine(pricesAreValid, { message: SUGGESTED_BELOW_SUPPLY, path: ['suggestedPriceFen'] })
    .superRefine(serviceFieldsFit),
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
  /** GOODS for every product made before #25 (and by default). Always sent; optional so older fixtures still type. */
  kind?: ProductKind
  /** SERVICE only (absent on goods). */
  durationMinutes?: number
  servingPointIds?: string[]
  serviceArea?: string
}

export interface CatalogOutputs {
  createProduct: { productId: string }
  updateProduct: { product: ProductView }
  listMine: Page<ProductView>
  /** `rating`: stars and tag counts over all the product's group buys (feedback). */
  get: { product: ProductView; rating: RatingAggregateView }
}
