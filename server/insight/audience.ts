import { BOUGHT_STATUSES, matchesAudience, purchaseRule, type Audience, type ResidentFacts } from '@shared/domain/insight'
import { levelFor, minLifetimeFor } from '@shared/domain/members'
import type { UserDoc } from '@server/users/model'
import type { GroupBuyDoc } from '@server/group-buys/model'
import type { OrderDoc } from '@server/orders/model'
import { findById } from '@server/fetch'
import { MEMBERS } from '@server/members/points'
import type { MemberDoc } from '@server/members/model'
import type { OfferDoc } from '@server/supply/model'
import { aggregatePaged, ifCollectionExists, readAllWhere, readByIds } from './query'
import { docsOf } from '@server/paging'

/** What users documents carry for marketing (set by user.setMarketingConsent). */
export interface MarketingFields {
  marketingConsent?: boolean
  marketingConsentAt?: number | null
}

/**
 * Member levels (#12) are not stored: a level is what its lifetime points reach (`levelFor`, the one rule), so
 * "level at least L" is `members.lifetimePoints >= minLifetimeFor(L)` (members are keyed by openid).
 */
async function levelsAtLeast(db: DB.Database, minLevel: number): Promise<Set<string>> {
  const _ = db.command
  const floor = minLifetimeFor(minLevel)
  if (!Number.isFinite(floor)) return new Set()
  const docs = await ifCollectionExists(() => readAllWhere<{ _id: string }>(db, MEMBERS, { lifetimePoints: _.gte(floor) }, { _id: true }, 200_000), [])
  return new Set(docs.map((d) => d._id))
}

async function levelOf(db: DB.Database, openid: string): Promise<number> {
  const doc = await ifCollectionExists(() => findById<Pick<MemberDoc, 'lifetimePoints'>>(db, MEMBERS, openid), null)
  return levelFor(doc?.lifetimePoints ?? 0).level
}

/** Group buys selling products of these categories (through their offers' product copies). */
async function groupBuysOfCategories(db: DB.Database, categories: string[]): Promise<string[]> {
  const _ = db.command
  const offers = await readAllWhere<{ _id: string }>(db, 'offers', { 'product.category': _.in(categories) }, { _id: true })
  const out: string[] = []
  for (let i = 0; i < offers.length; i += 100) {
    const gbs = await readAllWhere<{ _id: string }>(db, 'groupBuys', { offerId: _.in(offers.slice(i, i + 100).map((o) => o._id)) }, { _id: true })
    out.push(...gbs.map((g) => g._id))
  }
  return out
}

/**
 * The openids that satisfy the audience's purchase and level rules (null = the rules do not narrow anyone),
 * computed by the database: one row per qualifying buyer, never the orders themselves.
 */
async function narrowedBy(db: DB.Database, audience: Audience, now: number): Promise<Set<string> | null> {
  const _ = db.command
  const $ = _.aggregate
  let set: Set<string> | null = null
  const rule = purchaseRule(audience, now)
  if (rule) {
    const match: Record<string, unknown> = { paidAt: _.gte(rule.since), status: _.in([...BOUGHT_STATUSES]) }
    if (rule.categories) match.groupBuyId = _.in(await groupBuysOfCategories(db, rule.categories))
    // Paged: one row per buyer has no bound, and a list cut short would shrink the audience's size and its sends.
    const buyers = await aggregatePaged<{ _id: string }>(db, () =>
      db.collection('orders').aggregate().match(match).group({ _id: '$openid', n: $.sum(1) }).match({ n: _.gte(rule.minOrders) }).project({ _id: 1 }),
    )
    set = new Set(buyers.map((b) => b._id))
  }
  if ((audience.minLevel ?? 0) > 0) {
    const levelled = await levelsAtLeast(db, audience.minLevel!)
    set = set ? new Set([...set].filter((id) => levelled.has(id))) : levelled
  }
  return set
}

/** Consenting residents (at the audience's points): the `users.marketing_point` index. */
function consentWhere(db: DB.Database, audience: Audience): Record<string, unknown> {
  return audience.pickupPointIds?.length ? { marketingConsent: true, pickupPointId: db.command.in(audience.pickupPointIds) } : { marketingConsent: true }
}

async function countUsers(db: DB.Database, where: Record<string, unknown>): Promise<number> {
  const res = (await db.collection('users').where(where).count()) as unknown as { total: number }
  return res.total
}

/** How many consenting residents the audience holds (the caller decides whether the number may be shown). */
export async function audienceSize(db: DB.Database, audience: Audience, now: number): Promise<number> {
  const _ = db.command
  const narrowed = await narrowedBy(db, audience, now)
  const base = consentWhere(db, audience)
  if (!narrowed) return countUsers(db, base)
  const ids = [...narrowed]
  let n = 0
  for (let i = 0; i < ids.length; i += 100) n += await countUsers(db, { ...base, _id: _.in(ids.slice(i, i + 100)) })
  return n
}

/** The audience's members, for sending only (never returned to anyone). */
export async function audienceMembers(db: DB.Database, audience: Audience, now: number, cap = 50_000): Promise<string[]> {
  const _ = db.command
  const narrowed = await narrowedBy(db, audience, now)
  const base = consentWhere(db, audience)
  if (!narrowed) return (await readAllWhere<{ _id: string }>(db, 'users', base, { _id: true }, cap)).map((u) => u._id)
  const ids = [...narrowed]
  const out: string[] = []
  for (let i = 0; i < ids.length && out.length < cap; i += 100) {
    out.push(...(await readAllWhere<{ _id: string }>(db, 'users', { ...base, _id: _.in(ids.slice(i, i + 100)) }, { _id: true })).map((u) => u._id))
  }
  return out
}

/** How many of a person's recent purchases are weighed when they look at a targeted campaign. */
const RECENT_PURCHASES = 200

/** One resident's facts, read once per call and checked against any number of audiences. */
export async function residentFacts(db: DB.Database, openid: string, audiences: Audience[], now: number): Promise<ResidentFacts> {
  const _ = db.command
  const user = await findById<UserDoc & MarketingFields>(db, 'users', openid)
  const facts: ResidentFacts = { marketingConsent: user?.marketingConsent === true, pickupPointId: user?.pickupPointId ?? null, level: 0, purchases: [] }
  if (!facts.marketingConsent) return facts
  if (audiences.some((a) => (a.minLevel ?? 0) > 0)) facts.level = await levelOf(db, openid)
  const rules = audiences.map((a) => purchaseRule(a, now)).filter((r) => r !== null)
  if (rules.length === 0) return facts
  const res = await docsOf<Pick<OrderDoc, 'groupBuyId' | 'paidAt'>>(db.collection('orders').where({ openid, status: _.in([...BOUGHT_STATUSES]) }).orderBy('createdAt', 'desc').limit(RECENT_PURCHASES).field({ groupBuyId: true, paidAt: true }))
  let categoryOf = new Map<string, string>()
  if (rules.some((r) => r.categories)) {
    const gbs = await readByIds<Pick<GroupBuyDoc, '_id' | 'offerId'>>(db, 'groupBuys', res.map((o) => o.groupBuyId), { _id: true, offerId: true })
    const offers = await readByIds<Pick<OfferDoc, '_id' | 'product'>>(db, 'offers', gbs.map((g) => g.offerId).filter((o): o is string => !!o), { _id: true, product: true })
    const cat = new Map(offers.map((o) => [o._id, o.product.category]))
    categoryOf = new Map(gbs.filter((g) => g.offerId && cat.has(g.offerId)).map((g) => [g._id, cat.get(g.offerId!)!]))
  }
  facts.purchases = res.map((o) => ({ paidAt: o.paidAt ?? 0, category: categoryOf.get(o.groupBuyId) ?? null }))
  return facts
}

export async function isInAudience(db: DB.Database, openid: string, audience: Audience, now: number): Promise<boolean> {
  return matchesAudience(await residentFacts(db, openid, [audience], now), audience, now)
}
