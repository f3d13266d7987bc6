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
