/**
 * 数据反馈: ratings after pickup and the aggregates kept from them. Pure: the server's conditional writes and
 * increments are built from these functions, and a recount (re-derivation) uses the same ones.
 */

/** The tags a resident may pick, with a stable key for counters (Chinese labels are what people see). */
export const RATING_TAGS = [
  { key: 'FRESH', label: '新鲜', complaint: false },
  { key: 'GENEROUS', label: '分量足', complaint: false },
  { key: 'WELL_PACKED', label: '包装好', complaint: false },
  { key: 'GOOD_VALUE', label: '性价比高', complaint: false },
  { key: 'NOT_FRESH', label: '不新鲜', complaint: true },
  { key: 'SHORT_WEIGHT', label: '分量少', complaint: true },
  { key: 'DAMAGED', label: '破损', complaint: true },
  { key: 'NOT_AS_DESCRIBED', label: '与描述不符', complaint: true },
] as const

export type RatingTag = (typeof RATING_TAGS)[number]['label']
export type RatingTagKey = (typeof RATING_TAGS)[number]['key']
export const RATING_TAG_LABELS = RATING_TAGS.map((t) => t.label) as unknown as readonly [RatingTag, ...RatingTag[]]

export const RATING_EDIT_WINDOW_MS = 24 * 3600_000
export const RATING_TEXT_MAX = 500
export const RATING_IMAGES_MAX = 6

export function tagKeyOf(label: RatingTag): RatingTagKey {
  return RATING_TAGS.find((t) => t.label === label)!.key
}

/** What a rating contributes to an aggregate. */
export interface RatingContent {
  stars: number
  tags: readonly RatingTag[]
}

/** An aggregate over ratings: kept by increments, equal to a recount of the same ratings. */
export interface RatingTotals {
  count: number
  starsSum: number
  /** Ratings per star value, keys '1'…'5'. */
  stars: Record<string, number>
  /** Ratings carrying each tag, by tag key. */
  tags: Partial<Record<RatingTagKey, number>>
}

export function emptyTotals(): RatingTotals {
  return { count: 0, starsSum: 0, stars: {}, tags: {} }
}

/**
 * The increments that move an aggregate from counting `before` to counting `after` (null = not counted): a
 * new rating (null → r), an edit (r → r'). Flat dotted paths, so one update applies them all at once.
 */
export function ratingIncrements(before: RatingContent | null, after: RatingContent | null): Record<string, number> {
  const inc: Record<string, number> = {}
  const add = (path: string, by: number) => {
    inc[path] = (inc[path] ?? 0) + by
    if (inc[path] === 0) delete inc[path]
  }
  for (const [r, sign] of [[before, -1], [after, 1]] as const) {
    if (!r) continue
    add('count', sign)
    add('starsSum', sign * r.stars)
    add(`stars.${r.stars}`, sign)
    for (const t of new Set(r.tags)) add(`tags.${tagKeyOf(t)}`, sign)
  }
  return inc
}

/** Add one rating to totals (the recount's step; the same arithmetic as ratingIncrements). */
export function addToTotals(totals: RatingTotals, r: RatingContent): RatingTotals {
  const out: RatingTotals = { count: totals.count, starsSum: totals.starsSum, stars: { ...totals.stars }, tags: { ...totals.tags } }
  for (const [path, by] of Object.entries(ratingIncrements(null, r))) {
    const [head, key] = path.split('.')
    if (head === 'count') out.count += by
    else if (head === 'starsSum') out.starsSum += by
    else if (head === 'stars') out.stars[key] = (out.stars[key] ?? 0) + by
    else out.tags[key as RatingTagKey] = (out.tags[key as RatingTagKey] ?? 0) + by
  }
  return out
}

/** Totals as the same numbers, whatever zero entries either side carries (for comparing a kept and a recount). */
export function sameTotals(a: RatingTotals, b: RatingTotals): boolean {
  const norm = (m: Record<string, number | undefined>) => JSON.stringify(Object.entries(m).filter(([, v]) => v).sort(([x], [y]) => (x < y ? -1 : 1)))
  return a.count === b.count && a.starsSum === b.starsSum && norm(a.stars) === norm(b.stars) && norm(a.tags) === norm(b.tags)
}

/** The average shown: one decimal, 0 when nobody rated yet. */
export function averageStars(totals: Pick<RatingTotals, 'count' | 'starsSum'>): number {
  return totals.count > 0 ? Math.round((totals.starsSum / totals.count) * 10) / 10 : 0
}

export interface TagCount {
  tag: RatingTag
  count: number
}

/** Every tag with its count, most used first (ties in the table's order). */
export function tagCounts(totals: Pick<RatingTotals, 'tags'>): TagCount[] {
  return RATING_TAGS.map((t) => ({ tag: t.label, count: totals.tags[t.key] ?? 0 }))
    .filter((t) => t.count > 0)
    .sort((a, b) => b.count - a.count)
}

/** The complaints residents named most (what the merchant should look at before the next round). */
export function topComplaints(totals: Pick<RatingTotals, 'tags'>, n = 3): TagCount[] {
  const complaints = new Set<string>(RATING_TAGS.filter((t) => t.complaint).map((t) => t.label))
  return tagCounts(totals).filter((t) => complaints.has(t.tag)).slice(0, n)
}

/** Why an order cannot be rated by this caller now (null = it can). Not the caller's reads as not found. */
export function decideRate(order: { openid: string; status: string }, openid: string): 'ORDER.NOT_FOUND' | 'FEEDBACK.NOT_PICKED_UP' | null {
  if (order.openid !== openid) return 'ORDER.NOT_FOUND'
  if (order.status !== 'PICKED_UP') return 'FEEDBACK.NOT_PICKED_UP'
  return null
}

export function canEditRating(rating: { createdAt: number }, now: number): boolean {
  return now < rating.createdAt + RATING_EDIT_WINDOW_MS
}
