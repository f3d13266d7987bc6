import type { SlotView } from '@shared/contracts/voucher'
import { DEMO, database, type TestCloud } from './cloud'
import { PNG_1PX } from './images'
// One join-and-pay for every test helper (it was written twice, here and in ./ledger).
export { paidOrder } from './ledger'

let productSeq = 0

/** A merchant uploads a photo and creates a product with it, as the merchant screens do. */
export async function createProduct(cloud: TestCloud, terms: { merchantId?: string; name?: string; category?: string; supplyPriceFen?: number } = {}): Promise<string> {
  const merchant = terms.merchantId ?? DEMO.merchant
  const up = await fetch(`${cloud.url}/storage/upload?cloudPath=${encodeURIComponent(`products/p-${++productSeq}.png`)}`, { method: 'POST', headers: { 'X-WX-OPENID': merchant }, body: new Uint8Array(PNG_1PX) })
  const uploaded = (await up.json()) as { ok: boolean; data: { fileID: string } }
  if (!uploaded.ok) throw new Error('upload failed')
  const res = await cloud.call<{ productId: string }>('catalog', merchant, {
    action: 'createProduct', name: terms.name ?? '阳光玫瑰葡萄', unit: '盒', spec: '2斤', category: terms.category ?? '水果', description: '云南产',
    images: [uploaded.data.fileID], supplyPriceFen: terms.supplyPriceFen ?? 1000, suggestedPriceFen: 2500,
  })
  if (!res.ok) throw new Error(`createProduct: ${res.error?.code} ${res.error?.message}`)
  return res.data.productId
}

export async function publishOffer(cloud: TestCloud, productId: string, merchant: string = DEMO.merchant, patch: Record<string, unknown> = {}): Promise<string> {
  const now = Date.now()
  const res = await cloud.call<{ offerId: string }>('supply', merchant, {
    action: 'publish', productId, stock: 1000, commissionBp: 1000, minPriceFen: 1500, maxPriceFen: 2500, startAt: now - 1000, endAt: now + 7 * 86400_000, ...patch,
  })
  if (!res.ok) throw new Error(`publish: ${res.error?.code} ${res.error?.message}`)
  return res.data.offerId
}

/** A leader opens a group buy from an offer at their bound point. */
export async function groupBuyFromOffer(cloud: TestCloud, leader: string, offerId: string, patch: Record<string, unknown> = {}): Promise<string> {
  const res = await cloud.call<{ groupBuyId: string }>('groupBuy', leader, { action: 'createFromOffer', offerId, priceFen: 1990, stock: 50, minParticipants: 1, limitPerUser: 5, ...patch })
  if (!res.ok) throw new Error(`createFromOffer: ${res.error?.code} ${res.error?.message}`)
  return res.data.groupBuyId
}

/** Time passing to the group buy's end, then one settle run. */
export async function endNow(cloud: TestCloud, groupBuyId: string): Promise<void> {
  await database().collection('groupBuys').doc(groupBuyId).update({ data: { endAt: Date.now() - 1 } })
  const res = (await cloud.fireTimer('settle')) as { ok: boolean }
  if (!res.ok) throw new Error('settle failed')
}

/** Every collection the database declares (so scans keep covering collections later issues add). */
export function schemaCollections(): string[] {
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  const schema = require('../../../database/schema.json') as { collections: Record<string, unknown> }
  return Object.keys(schema.collections)
}

let serviceSeq = 0

/** A SERVICE product (家政) of the demo merchant, with a photo it uploads, served at `servingPointIds`. */
export async function serviceProduct(cloud: TestCloud, servingPointIds: string[] = [cloud.pickupPointId]): Promise<string> {
  const n = ++serviceSeq
  const up = await fetch(`${cloud.url}/storage/upload?cloudPath=${encodeURIComponent(`products/service-${n}.png`)}`, { method: 'POST', headers: { 'X-WX-OPENID': DEMO.merchant }, body: new Uint8Array(PNG_1PX) })
  const image = ((await up.json()) as { data: { fileID: string } }).data.fileID
  const res = await cloud.call<{ productId: string }>('catalog', DEMO.merchant, {
    action: 'createProduct', kind: 'SERVICE', name: `审计保洁${n}`, unit: '次', category: '家政', images: [image],
    supplyPriceFen: 6000, suggestedPriceFen: 9900, durationMinutes: 60, servingPointIds, serviceArea: '小区',
  })
  if (!res.ok) throw new Error(`createProduct: ${res.error?.code}`)
  return res.data.productId
}

/**
 * A service group buy of a new service product at the demo point, ¥88: one 30-minute slot per capacity, the first an
 * hour from now and each an hour after the last, one booking per person (`extra` overrides).
 */
export async function publishService(cloud: TestCloud, capacities: number[], extra: Record<string, unknown> = {}): Promise<{ groupBuyId: string; slots: SlotView[] }> {
  const now = Date.now()
  const min = 60_000
  const slots = capacities.map((capacity, i) => ({ startAt: now + (i + 1) * 60 * min, endAt: now + (i + 1) * 60 * min + 30 * min, capacity }))
  const res = await cloud.call<{ groupBuyId: string; slots: SlotView[] }>('voucher', DEMO.merchant, {
    action: 'publish', productId: await serviceProduct(cloud), pickupPointId: cloud.pickupPointId, priceFen: 8800, slots, limitPerUser: 1, ...extra,
  })
  if (!res.ok) throw new Error(`publish: ${res.error?.code} ${res.error?.message}`)
  return res.data
}
