import type { ProductView } from '@shared/contracts/catalog'
import { ERROR_CODES, fail, type Result } from '@shared/errors'
import { missingFiles, tempUrls, tempUrlsExpireAt } from '@server/storage/files'
import type { ProductDoc } from '@server/catalog/model'

export const PRODUCTS = 'products'

/** Views for products, with temp URLs for their images fetched in one batch. */
export async function toProductViews(docs: readonly ProductDoc[], now: number): Promise<ProductView[]> {
  const urls = await tempUrls(docs.flatMap((d) => d.images))
  const expireAt = tempUrlsExpireAt(now)
  return docs.map((d) => ({
    productId: d._id,
    merchantId: d.merchantId,
    name: d.name,
    unit: d.unit,
    spec: d.spec,
    category: d.category,
    description: d.description,
    images: d.images,
    imageUrls: d.images.map((i) => urls.get(i) ?? ''),
    imageUrlsExpireAt: expireAt,
    supplyPriceFen: d.supplyPriceFen,
    suggestedPriceFen: d.suggestedPriceFen,
    createdAt: d.createdAt,
    updatedAt: d.updatedAt,
    kind: d.kind ?? 'GOODS',
    ...(d.kind === 'SERVICE' ? { durationMinutes: d.durationMinutes, servingPointIds: d.servingPointIds ?? [], serviceArea: d.serviceArea ?? '' } : {}),
  }))
}

/** INPUT.INVALID naming the first image that is not a file in storage, or null when every one exists. */
export async function checkImagesExist(images: readonly string[]): Promise<Result<never> | null> {
  const missing = new Set(await missingFiles(images))
  const index = images.findIndex((i) => missing.has(i))
  return index < 0 ? null : fail(ERROR_CODES.INPUT_INVALID, `images.${index}: no such file in storage (upload it first)`)
}
