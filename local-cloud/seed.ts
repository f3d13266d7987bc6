import { readFileSync } from 'fs'
import path from 'path'
import { GRANTABLE_ROLES, isPointBound, type Role } from '@shared/contracts/common'
import { DEMO_IDENTITIES } from '@shared/demo-identities'
import type { LocalStorage } from './storage'

/** What seeding needs of the local cloud (host.ts passes itself; seed never imports the host). */
export interface SeedCloud {
  invoke(name: string, event: unknown, openid: string | null): Promise<unknown>
  storage: LocalStorage
}

function demoOpenid(role: Role): string {
  const found = DEMO_IDENTITIES.find((d) => d.role === role)
  if (!found) throw new Error(`no demo identity for ${role} in src/shared/demo-identities.ts`)
  return found.openid
}

/**
 * The seeded people: the switcher's demo identities (src/shared/demo-identities.ts, the one list), by role, and a
 * second clerk at the other pickup point (not in the switcher: tests use it to show a clerk sees only their point).
 */
export const DEMO = {
  admin: demoOpenid('admin'),
  leader: demoOpenid('leader'),
  clerk: demoOpenid('clerk'),
  merchant: demoOpenid('merchant'),
  residents: DEMO_IDENTITIES.filter((d) => d.role === 'resident').map((d) => d.openid),
  otherClerk: 'demo-clerk-2',
} as const

const GRANTED: readonly Role[] = GRANTABLE_ROLES

type Reply = { ok: boolean; data?: Record<string, unknown>; error?: { code: string; message: string } }

/**
 * Demo data, made through the real cloud functions (so it obeys every rule): two pickup points, a leader, clerks,
 * a merchant, three residents and a few group buys; the merchant's small catalogue with photos (shipped in
 * local-cloud/demo-images), one open supply offer and the leader's 帮卖 group buy made from it. Runs only on an
 * empty database.
 */
export async function seedDemo(cloud: SeedCloud): Promise<{ pickupPointId: string } | null> {
  const call = async (fn: string, openid: string, event: Record<string, unknown>) => {
    const res = (await cloud.invoke(fn, event, openid)) as Reply
    if (!res.ok) throw new Error(`seed ${fn}.${String(event.action)} failed: ${res.error?.code} ${res.error?.message}`)
    return res.data ?? {}
  }
  const existing = await call('user', DEMO.admin, { action: 'listPickupPoints' })
  if ((existing.items as unknown[]).length > 0) return null

  const { pickupPointId } = (await call('admin', DEMO.admin, { action: 'createPickupPoint', name: '幸福里社区', address: '幸福里小区 3 号楼底商', storeName: '幸福里便民店' })) as { pickupPointId: string }
  const { pickupPointId: otherPoint } = (await call('admin', DEMO.admin, { action: 'createPickupPoint', name: '阳光花园', address: '阳光花园南门', storeName: '阳光花园驿站' })) as { pickupPointId: string }
  // Every demo identity with a grantable role gets it (bound to the first point where the role works at one).
  for (const d of DEMO_IDENTITIES.filter((x) => GRANTED.includes(x.role))) {
    await call('admin', DEMO.admin, { action: 'grantRole', openid: d.openid, role: d.role, ...(isPointBound(d.role) ? { pickupPointId } : {}) })
    if (d.openid === DEMO.clerk) await call('admin', DEMO.admin, { action: 'grantRole', openid: DEMO.otherClerk, role: 'clerk', pickupPointId: otherPoint })
  }
  for (const r of DEMO.residents) await call('user', r, { action: 'choosePickupPoint', pickupPointId })
  await call('user', DEMO.leader, { action: 'choosePickupPoint', pickupPointId })

  const now = Date.now()
  const day = 24 * 3600_000
  const offers = [
    { title: '阳山水蜜桃 5 斤装', unit: '箱', priceFen: 3990, originalPriceFen: 5990, stock: 200, minParticipants: 20, limitPerUser: 5, endAt: now + 2 * day, description: '产地直发，次日到店自提。' },
    { title: '现烤全麦吐司', unit: '袋', priceFen: 1290, originalPriceFen: 1800, stock: 60, minParticipants: 3, limitPerUser: 3, endAt: now + day, description: '当天现烤，无蔗糖。' },
    { title: '散养土鸡蛋 30 枚', unit: '盒', priceFen: 2990, originalPriceFen: 3990, stock: 100, minParticipants: 10, limitPerUser: 2, endAt: now + 3 * day, description: '农户直供，破损包赔。' },
  ]
  for (const o of offers) await call('groupBuy', DEMO.leader, { action: 'create', ...o, startAt: now - 60_000, pickupPointId })
  // A merchant's free coupon, redeemable at the first pickup point only.
  await call('coupon', DEMO.merchant, { action: 'createCampaign', title: '便民店满 30 减 5 元券', valueFen: 500, priceFen: 0, total: 100, limitPerUser: 1, validFrom: now - 60_000, validTo: now + 14 * day, pickupPointIds: [pickupPointId] })
  // And a small paid one (购券 through the pay simulator): ¥9.90 for a ¥20 voucher.
  await call('coupon', DEMO.merchant, { action: 'createCampaign', title: '便民店 9.9 元抵 20 元券', valueFen: 2000, priceFen: 990, total: 20, limitPerUser: 1, validFrom: now - 60_000, validTo: now + 14 * day, pickupPointIds: [pickupPointId] })
  await seedMerchantStory(cloud, call, now)
  return { pickupPointId }
}

const DEMO_IMAGES = path.join(__dirname, 'demo-images')

/**
 * The merchant's side of the demo: photos stored the way the merchant's upload stores them (their own folder),
 * three products, an offer of the first to every pickup point, and the leader selling it at 幸福里 (帮卖).
 */
async function seedMerchantStory(
  cloud: Pick<SeedCloud, 'storage'>,
  call: (fn: string, openid: string, event: Record<string, unknown>) => Promise<Record<string, unknown>>,
  now: number,
): Promise<void> {
  const day = 24 * 3600_000
  const photo = (name: string): string => {
    const stored = cloud.storage.storeForUser(DEMO.merchant, `products/${name}`, readFileSync(path.join(DEMO_IMAGES, name)))
    if (!stored.ok) throw new Error(`seed photo ${name}: ${stored.message}`)
    return stored.value
  }
  const products = [
    { name: '赣南脐橙 5 斤装', unit: '箱', spec: '单果 200g 以上', category: '水果', description: '果园直发，酸甜多汁。', images: [photo('orange-1.png'), photo('orange-2.png')], supplyPriceFen: 2500, suggestedPriceFen: 3990 },
    { name: '农家土鸡蛋 30 枚', unit: '盒', category: '蛋禽', description: '散养鸡蛋，破损包赔。', images: [photo('eggs.png')], supplyPriceFen: 1800, suggestedPriceFen: 2990 },
    { name: '丹东草莓 2 斤', unit: '盒', category: '水果', description: '当天采摘，冷链到店。', images: [photo('strawberry.png')], supplyPriceFen: 3200, suggestedPriceFen: 4990 },
  ]
  const ids: string[] = []
  for (const p of products) ids.push(((await call('catalog', DEMO.merchant, { action: 'createProduct', ...p })) as { productId: string }).productId)
  const { offerId } = (await call('supply', DEMO.merchant, {
    action: 'publish', productId: ids[0], stock: 300, commissionBp: 1000, minPriceFen: 3290, maxPriceFen: 3990, startAt: now - 60_000, endAt: now + 5 * day,
  })) as { offerId: string }
  await call('groupBuy', DEMO.leader, { action: 'createFromOffer', offerId, priceFen: 3590, stock: 60, minParticipants: 5, limitPerUser: 5, endAt: now + 2 * day })
}
