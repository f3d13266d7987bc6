import type { CouponCampaignDoc, CouponClaimDoc, CouponDoc } from '@server/coupons/model'
import { updatedCount } from '@server/fetch'
import { MAX_CALL_MS } from '@server/group-buys/heal-counters'
import { docsOf, eachPage } from '@server/paging'
import type { PointEntryDoc } from '@server/members/model'
import { POINT_ENTRIES } from '@server/members/points'

/**
 * A claim cut off by a crash (claim-flow.ts: the person's tally, then one of the campaign's coupons, then the coupon)
 * left a coupon slot and the person's tally taken by a coupon that never existed: the last coupon of a campaign could
 * never be claimed, and the resident's retry was refused LIMIT_EXCEEDED for good (an audit:
 * test/node/attacks-coupons.test.ts). Only points coupons were healed (members/points.ts healMemberPoints gives back
 * the hold of a pending spend without a coupon); this heals the rest, a few running campaigns per run, least recently
 * checked first.
 *
 * What holds a slot and a tally: every coupon of the campaign except one whose unpaid hold ended (EXPIRED, or paid too
 * late after it and refunded: `endedAt`), and a points spend still pending without its coupon (the points heal gives
 * that one back; counting it here keeps the two heals from giving one hold back twice). A count is only ever lowered,
 * and only once its discrepancy has stood still for quietMs(), one write conditional on what was seen:
 * - the campaign's `issued`: a claim moves it before its coupon exists, so a sighting with a claim in flight changes
 *   by the next look (its coupon is written, or it died — calls end within MAX_CALL_MS); a claim after the sighting
 *   moves `issued` and cancels the correction;
 * - each person's tally (couponClaims): the sighting is kept on the tally itself (`check`), the correction conditional
 *   on the count and on that sighting, so a claim of that person after it (which moves the tally first) cancels it.
 */
const BATCH = 100

interface Sighting {
  count: number
  expected: number
  seenAt: number
}

type Campaign = CouponCampaignDoc & { holdCheck?: Sighting | null; holdCheckedAt?: number }
type Claim = CouponClaimDoc & { check?: Sighting | null }

/** How long a discrepancy must stand still: longer than any call that could still be writing it. */
export function couponQuietMs(): number {
  return MAX_CALL_MS
}

/** Does this coupon hold its campaign slot and its owner's tally? */
export function holdsSlot(c: Pick<CouponDoc, 'status'> & { endedAt?: number | null }): boolean {
  return c.status !== 'EXPIRED' && !c.endedAt
}

export async function healCouponHolds(db: DB.Database, now: number): Promise<{ checked: number; healed: number }> {
  const _ = db.command
  const page = await docsOf<Campaign>(db.collection('couponCampaigns').where({ validTo: _.gt(now) }).orderBy('holdCheckedAt', 'asc').limit(BATCH + 1))
  const campaigns = page.slice(0, BATCH)
  if (campaigns.length === 0) return { checked: 0, healed: 0 }
  const ids = campaigns.map((c) => c._id)
  if (page.length > BATCH) await db.collection('couponCampaigns').where({ _id: _.in(ids) }).update({ data: { holdCheckedAt: now } })
  const $ = _.aggregate
  const [holders, tallies, pending] = await Promise.all([
    db.collection('coupons').aggregate()
      .match({ campaignId: _.in(ids), status: _.neq('EXPIRED'), endedAt: _.exists(false) })
      .group({ _id: '$campaignId', n: $.sum(1) })
      .limit(ids.length)
      .end() as unknown as Promise<{ list: Array<{ _id: string; n: number }> }>,
    db.collection('couponClaims').aggregate()
      .match({ campaignId: _.in(ids) })
      .group({ _id: '$campaignId', n: $.sum('$count') })
      .limit(ids.length)
      .end() as unknown as Promise<{ list: Array<{ _id: string; n: number }> }>,
    pendingSpendsWithoutCoupon(db, ids),
  ])
  const held = new Map(holders.list.map((r) => [r._id, r.n]))
  const tallied = new Map(tallies.list.map((r) => [r._id, r.n]))
  let healed = 0
  const quiet = couponQuietMs()
  for (const c of campaigns) {
    const mine = pending.filter((p) => p.campaignId === c._id)
    const expected = (held.get(c._id) ?? 0) + mine.length
    if ((tallied.get(c._id) ?? 0) > expected) healed += await healTallies(db, c._id, mine, now, quiet)
    const seen = c.holdCheck
    if (c.issued <= expected) {
      if (seen) await db.collection('couponCampaigns').doc(c._id).update({ data: { holdCheck: null } })
      continue
    }
    const same = seen && seen.count === c.issued && seen.expected === expected
    if (same && now - seen.seenAt >= quiet) {
      const fixed = await db.collection('couponCampaigns').where({ _id: c._id, issued: c.issued }).update({ data: { issued: expected, holdCheck: null } })
      if (updatedCount(fixed) === 1) {
        healed++
        console.warn(`[heal] coupon campaign ${c._id}: issued ${c.issued}→${expected}`)
      }
      continue
    }
    if (!same) await db.collection('couponCampaigns').doc(c._id).update({ data: { holdCheck: _.set({ count: c.issued, expected, seenAt: now }) } })
  }
  return { checked: campaigns.length, healed }
}

/** Points spends still pending (not voided) whose coupon was never written: each still holds its claim's slot and tally. */
async function pendingSpendsWithoutCoupon(db: DB.Database, campaignIds: string[]): Promise<Array<{ campaignId: string; openid: string }>> {
  const _ = db.command
  const spends = await docsOf<PointEntryDoc & { campaignId?: string }>(db.collection(POINT_ENTRIES).where({ kind: 'SPEND', pendingSince: _.gt(0), void: _.neq(true), campaignId: _.in(campaignIds) }).limit(1000))
  if (spends.length === 0) return []
  const written = new Set((await docsOf<{ _id: string }>(db.collection('coupons').where({ _id: _.in(spends.map((s) => s.ref)) }).field({ _id: true }).limit(spends.length))).map((c) => c._id))
  return spends.filter((s) => !written.has(s.ref)).map((s) => ({ campaignId: s.campaignId!, openid: s.openid }))
}

/** One campaign's tallies against what each person holds: a sighting kept on each tally over, then its correction. */
async function healTallies(db: DB.Database, campaignId: string, pending: ReadonlyArray<{ openid: string }>, now: number, quiet: number): Promise<number> {
  const _ = db.command
  const holds = new Map<string, number>()
  for (const p of pending) holds.set(p.openid, (holds.get(p.openid) ?? 0) + 1)
  await eachPage<Pick<CouponDoc, '_id' | 'openid' | 'status'> & { endedAt?: number | null }>(db, 'coupons', { campaignId }, async (coupons) => {
    for (const c of coupons) if (holdsSlot(c)) holds.set(c.openid, (holds.get(c.openid) ?? 0) + 1)
  }, undefined, { openid: true, status: true, endedAt: true })
  let healed = 0
  await eachPage<Claim>(db, 'couponClaims', { campaignId, count: _.gt(0) }, async (claims) => {
    for (const claim of claims) {
      const expected = holds.get(claim.openid) ?? 0
      if (claim.count <= expected) continue
      const seen = claim.check
      const same = seen && seen.count === claim.count && seen.expected === expected
      if (same && now - seen.seenAt >= quiet) {
        const fixed = await db.collection('couponClaims').where({ _id: claim._id, count: claim.count, 'check.seenAt': seen.seenAt }).update({ data: { count: expected, check: null } })
        if (updatedCount(fixed) === 1) {
          healed++
          console.warn(`[heal] coupon tally ${claim._id}: ${claim.count}→${expected}`)
        }
        continue
      }
      if (!same) await db.collection('couponClaims').doc(claim._id).update({ data: { check: _.set({ count: claim.count, expected, seenAt: now }) } })
    }
  }, undefined, { openid: true, count: true, check: true })
  return healed
}
