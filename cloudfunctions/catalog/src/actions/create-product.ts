import { catalogContract } from '@shared/contracts/catalog'
import { ERROR_CODES, fail, ok } from '@shared/errors'
import { isDuplicateWrite } from '@server/cloud'
import { checkImagesExist, PRODUCTS } from '@server/catalog/products'
import { checkOwnPhotos } from '@server/storage/uploads'
import type { ProductDoc } from '@server/catalog/model'
import { action } from '@server/define'
import { productIdFor } from '@server/ids'
import { firstMissingPoint } from '@server/vouchers/points'

/**
 * A merchant adds a product. Its photos must already be in storage. With a requestId the product's id is
 * derived from (merchant, requestId), so a replay lands on the same document (a duplicate insert) and answers
 * with it; without one every call creates a product.
 */
export const createProduct = action({
  access: ['merchant'],
  input: catalogContract.createProduct,
  async run({ caller, db, now }, { requestId, ...fields }) {
    // The merchant's own uploads only (an audit: test/node/attacks-catalog-insight-sim.test.ts): any stored file id
    // was accepted, and `catalog.get` signed it for everyone — a resident's 售后 photo, another merchant's pictures.
    const foreign = checkOwnPhotos(caller.openid, fields.images)
    if (foreign) return foreign
    const missing = await checkImagesExist(fields.images)
    if (missing) return missing
    const unknownPoint = fields.servingPointIds ? await firstMissingPoint(db, fields.servingPointIds) : null
    if (unknownPoint) return fail(ERROR_CODES.PICKUP_POINT_NOT_FOUND, `servingPointIds: no pickup point ${unknownPoint}`)
    const doc: Omit<ProductDoc, '_id'> = {
      merchantId: caller.openid,
      name: fields.name,
      unit: fields.unit,
      spec: fields.spec ?? '',
      category: fields.category,
      description: fields.description ?? '',
      images: fields.images,
      supplyPriceFen: fields.supplyPriceFen,
      suggestedPriceFen: fields.suggestedPriceFen,
      createdAt: now,
      updatedAt: now,
      version: 1,
      // #25: a service (家政, 维修, 宠物护理) is sold as vouchers for appointment slots (voucher.publish).
      ...(fields.kind === 'SERVICE'
        ? { kind: 'SERVICE' as const, durationMinutes: fields.durationMinutes, servingPointIds: fields.servingPointIds, serviceArea: fields.serviceArea ?? '' }
        : {}),
    }
    if (!requestId) {
      const res = (await db.collection(PRODUCTS).add({ data: doc })) as unknown as { _id: string }
      return ok({ productId: res._id })
    }
    const productId = productIdFor(caller.openid, requestId)
    try {
      await db.collection(PRODUCTS).add({ data: { _id: productId, ...doc } })
    } catch (err) {
      if (!isDuplicateWrite(err)) throw err
    }
    return ok({ productId })
  },
})
