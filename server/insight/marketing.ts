import { createHash } from 'crypto'
import { chinaDay } from '@shared/domain/calendar'
import { matchesAudience, type Audience } from '@shared/domain/insight'
import type { CouponCampaignDoc } from '@server/coupons/model'
import { addNotice } from '@server/messages/notices'
import { subscriptionIdFor } from '@server/messages/notify'
import { enqueue } from '@server/messages/outbox'
import { audienceMembers, residentFacts } from './audience'
import { readAllWhere } from './query'

/**
 * One marketing message per resident per China-time day, whatever launches: the notice (and outbox message)
 * key is derived from (resident, day), so a second launch that day lands on the first's key and adds nothing.
 */
export function marketingKeyFor(openid: string, now: number): string {
  return 'mkt_' + createHash('sha256').update(`marketing\u0000${openid}\u0000${chinaDay(now)}`).digest('hex').slice(0, 40)
}

/**
 * Tell a targeted campaign's audience: an in-app notice for each member, and a subscribe message for those
 * who accepted the MARKETING template (the outbox spends one credit per send). Evaluated now, so whoever
 * withdrew consent before the launch gets nothing.
 */
export async function launchToAudience(db: DB.Database, campaign: Pick<CouponCampaignDoc, 'title'> & { audience: Audience }, now: number): Promise<{ notified: number }> {
  const _ = db.command
  const members = await audienceMembers(db, campaign.audience, now)
  let notified = 0
  for (let i = 0; i < members.length; i += 50) {
    const chunk = members.slice(i, i + 50)
    const subscribed = new Set(
      (await readAllWhere<{ openid: string }>(db, 'subscriptions', { _id: _.in(chunk.map((o) => subscriptionIdFor(o, 'MARKETING'))), credits: _.gt(0) }, { openid: true })).map((s) => s.openid),
    )
    const results = await Promise.all(
      chunk.map(async (openid) => {
        const key = marketingKeyFor(openid, now)
        const page = 'pages/resident/coupons/index'
        // The day's one marketing message is claimed by its in-app notice (keyed by person and China day) for everyone,
        // subscribed or not; only the launch that claimed it queues the push. Before (an audit:
        // test/node/attacks-messages-admin.test.ts) a resident told by notice who then accepted the template was pushed
        // again the same day, and a second launch counted subscribed residents as notified though it told them nothing.
        const told = await addNotice(db, key, { openid, kind: 'MARKETING', title: '为你推荐', body: `「${campaign.title}」优惠券已为你准备好，快来领取`, page }, now)
        if (told && subscribed.has(openid)) {
          await enqueue(db, key, { toOpenid: openid, template: 'MARKETING', page, data: { thing1: { value: campaign.title.slice(0, 20) }, thing2: { value: '优惠券已为你准备好，快来领取' } } }, now, { noticed: true })
        }
        return told
      }),
    )
    notified += results.filter(Boolean).length
  }
  return { notified }
}

/** Which of these campaigns the caller may see: untargeted ones, and targeted ones whose audience holds them. */
export async function visibleCampaigns<C extends Pick<CouponCampaignDoc, 'audience'>>(db: DB.Database, openid: string, campaigns: C[], now: number): Promise<C[]> {
  const targeted = campaigns.filter((c) => c.audience)
  if (targeted.length === 0) return campaigns
  const facts = await residentFacts(db, openid, targeted.map((c) => c.audience!), now)
  return campaigns.filter((c) => !c.audience || matchesAudience(facts, c.audience, now))
}
