import { SERVICE_CATEGORIES } from '@shared/domain/voucher'
import type { ProductDoc } from '@server/catalog/model'
import { docsOf } from '@server/paging'

/** The first of `ids` that names no pickup point (a service serves existing stores only), or null. */
export async function firstMissingPoint(db: DB.Database, ids: readonly string[]): Promise<string | null> {
  const _ = db.command
  const unique = [...new Set(ids)]
  const rows = await docsOf<{ _id: string }>(db.collection('pickupPoints').where({ _id: _.in(unique) }).field({ _id: true }).limit(unique.length))
  const found = new Set(rows.map((p) => p._id))
  return unique.find((id) => !found.has(id)) ?? null
}

/** catalog.updateProduct: service fields only on a service, and its stores must exist. Null when fine. */
export async function serviceChangeProblem(db: DB.Database, product: ProductDoc, changes: { durationMinutes?: number; servingPointIds?: string[]; serviceArea?: string; category?: string }): Promise<string | null> {
  // A service stays in a service category (as createProduct requires): before (an audit:
  // test/node/attacks-catalog-insight-sim.test.ts) an edit could move it to 水果.
  if (product.kind === 'SERVICE' && changes.category !== undefined && !(SERVICE_CATEGORIES as readonly string[]).includes(changes.category)) {
    return `category: 服务类别须为 ${SERVICE_CATEGORIES.join('、')}`
  }
  const touches = changes.durationMinutes !== undefined || changes.servingPointIds !== undefined || changes.serviceArea !== undefined
  if (!touches) return null
  if (product.kind !== 'SERVICE') return 'durationMinutes/servingPointIds/serviceArea: only a SERVICE product has them'
  const missing = changes.servingPointIds ? await firstMissingPoint(db, changes.servingPointIds) : null
  return missing ? `servingPointIds: no pickup point ${missing}` : null
}
