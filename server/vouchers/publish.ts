import type { z } from 'zod'
import type { voucherContract, VoucherOutputs } from '@shared/contracts/voucher'
import { ERROR_CODES, fail, ok, type Result } from '@shared/errors'
import type { ProductDoc } from '@server/catalog/model'
import { PRODUCTS } from '@server/catalog/products'
import type { GroupBuyDoc } from '@server/group-buys/model'
import { findById } from '@server/fetch'
import { newGroupBuyDoc } from '@server/group-buys/new-group-buy'
import { SLOTS, slotIdFor, toSlotView, type SlotDoc } from '@server/vouchers/model'

type PublishInput = z.infer<typeof voucherContract.publish>

/**
 * voucher.publish: the provider opens a group buy of one of its SERVICE products at a store the service serves.
 * Its stock is the sum of the slots' capacities (so the group buy's own counters, holds and heal work as for goods)
 * and each slot gets its own `serviceSlots` document whose places a booking takes by a conditional write.
 * The group buy is the provider's own (the 'own' split: the platform's fee, the store's handling fee, the rest to
 * the provider as its creator); it never arrives and never makes a purchase order.
 */
export async function publishService(db: DB.Database, providerId: string, input: PublishInput, now: number): Promise<Result<VoucherOutputs['publish']>> {
  const product = await findById<ProductDoc>(db, PRODUCTS, input.productId)
  if (!product || product.merchantId !== providerId) return fail(ERROR_CODES.PRODUCT_NOT_FOUND, 'no such product of yours')
  if (product.kind !== 'SERVICE') return fail(ERROR_CODES.INPUT_INVALID, 'productId: not a SERVICE product (catalog.createProduct kind SERVICE)')
  const serving = product.servingPointIds ?? []
  if (!serving.includes(input.pickupPointId)) return fail(ERROR_CODES.INPUT_INVALID, 'pickupPointId: the service does not serve this store (servingPointIds)')
  const point = await findById<{ handlingFeeFen?: number }>(db, 'pickupPoints', input.pickupPointId)
  if (!point) return fail(ERROR_CODES.PICKUP_POINT_NOT_FOUND, 'no such pickup point')
  const slots = [...input.slots].sort((a, b) => a.startAt - b.startAt)
  if (slots[0].startAt <= now) return fail(ERROR_CODES.INPUT_INVALID, 'slots: every slot must start in the future')
  const startAt = input.startAt ?? now
  const endAt = input.endAt ?? slots[slots.length - 1].startAt
  if (endAt <= startAt || endAt <= now) return fail(ERROR_CODES.INPUT_INVALID, 'endAt: must be after startAt and in the future')
  if (endAt > slots[slots.length - 1].startAt) return fail(ERROR_CODES.INPUT_INVALID, 'endAt: joins must close by the start of the last slot')
  const stock = slots.reduce((n, s) => n + s.capacity, 0)
  const limitPerUser = Math.min(input.limitPerUser ?? 1, stock)
  if (input.originalPriceFen !== undefined && input.originalPriceFen < input.priceFen) return fail(ERROR_CODES.INPUT_INVALID, 'originalPriceFen: 原价不能低于团购价')

  const groupBuyId = `sv${now.toString(36)}${Math.random().toString(36).slice(2, 10)}`
  const table = slots.map((s, index) => ({ slotId: slotIdFor(groupBuyId, index), startAt: s.startAt, endAt: s.endAt, capacity: s.capacity }))
  const base = newGroupBuyDoc(
    {
      title: input.title ?? product.name,
      description: product.description,
      images: product.images,
      unit: product.unit,
      priceFen: input.priceFen,
      originalPriceFen: input.originalPriceFen ?? null,
      stock,
      minParticipants: input.minParticipants ?? 1,
      limitPerUser,
      startAt,
      endAt,
      pickupPointId: input.pickupPointId,
      creatorOpenid: providerId,
      creatorRole: 'merchant',
      // The store's handling fee the sale opens with (#23, as for goods): a fee changed later never moves the split
      // of this group buy's sales, and a payment does not read the point.
      handlingFeeFen: point.handlingFeeFen ?? 0,
    },
    now,
  )
  const doc: GroupBuyDoc = {
    ...base,
    _id: groupBuyId,
    kind: 'SERVICE',
    productId: product._id,
    providerId,
    category: product.category,
    durationMinutes: product.durationMinutes ?? 60,
    servingPointIds: serving,
    serviceArea: product.serviceArea ?? '',
    slots: table,
  }
  // Slots first: a group buy is never visible without the places its joins take.
  const slotDocs: SlotDoc[] = table.map((s, index) => ({ _id: s.slotId, groupBuyId, index, startAt: s.startAt, endAt: s.endAt, capacity: s.capacity, left: s.capacity }))
  for (const s of slotDocs) await db.collection(SLOTS).add({ data: s as unknown as Record<string, unknown> })
  await db.collection('groupBuys').add({ data: doc as unknown as Record<string, unknown> })
  return ok({ groupBuyId, slots: slotDocs.map(toSlotView) })
}
