import { DAY_MS } from './calendar'

/**
 * 数据赋能 without exposing anyone: the pure rules behind the sales dashboard, audiences (精准推送) and
 * residents' rights. Server code evaluates audiences with database queries built from the same definitions;
 * `matchesAudience` is the one-resident form used when a resident looks at or claims a targeted campaign.
 */

/** k-anonymity: an audience smaller than this is never sized, never targeted (nobody can be singled out). */
export const K_ANONYMITY_MIN = 10

/**
 * Every number a merchant learns about an audience moves in steps of this, never by one person: sizes, how many
 * were told, how many of a targeted campaign's coupons were claimed or redeemed (B − A cannot single anyone out).
 */
export const DISCLOSURE_STEP = 10

/** A count about an audience as a merchant may see it: rounded down to a multiple of DISCLOSURE_STEP. */
export function disclosedCount(n: number): number {
  return Math.max(0, Math.floor(n / DISCLOSURE_STEP) * DISCLOSURE_STEP)
}

/** The size a merchant may learn (rounded down to a multiple of 10), or null when the audience is too small to say anything about. */
export function disclosedSize(size: number): number | null {
  return size >= K_ANONYMITY_MIN ? disclosedCount(size) : null
}

/** Orders that were paid and are still (at least partly) bought: what "bought" and "paid orders" mean. */
export const BOUGHT_STATUSES = ['PAID', 'READY_FOR_PICKUP', 'PICKED_UP'] as const

export interface Audience {
  /** At one of these pickup points (the one the resident chose). */
  pickupPointIds?: string[]
  /** Has bought (a paid order of) a product of one of these categories. */
  boughtCategories?: string[]
  /** Only purchases within the last N days count. */
  withinDays?: number
  /** At least this many qualifying purchases (1 when categories or a window are given without it). */
  minOrders?: number
  /** Member level (#12) at least this. */
  minLevel?: number
}

/** The purchase rule of an audience, or null when it says nothing about purchases. */
export function purchaseRule(a: Audience, now: number): { categories: string[] | null; since: number; minOrders: number } | null {
  const hasRule = (a.boughtCategories?.length ?? 0) > 0 || a.withinDays !== undefined || (a.minOrders ?? 0) > 0
  if (!hasRule) return null
  return {
    categories: a.boughtCategories?.length ? a.boughtCategories : null,
    since: a.withinDays !== undefined ? now - a.withinDays * DAY_MS : 0,
    minOrders: Math.max(1, a.minOrders ?? 1),
  }
}

/** What is known about one resident when checking them against an audience. */
export interface ResidentFacts {
  marketingConsent: boolean
  pickupPointId: string | null
  /** 0 when member levels are not kept (yet). */
  level: number
  /** Their paid, still-bought orders: when paid and the category of the product (null for a leader's own goods). */
  purchases: { paidAt: number; category: string | null }[]
}

/** Inside the audience: consented to marketing and every given rule holds. */
export function matchesAudience(r: ResidentFacts, a: Audience, now: number): boolean {
  if (!r.marketingConsent) return false
  if (a.pickupPointIds?.length && (!r.pickupPointId || !a.pickupPointIds.includes(r.pickupPointId))) return false
  if ((a.minLevel ?? 0) > 0 && r.level < a.minLevel!) return false
  const rule = purchaseRule(a, now)
  if (!rule) return true
  const n = r.purchases.filter((p) => p.paidAt >= rule.since && (!rule.categories || (p.category !== null && rule.categories.includes(p.category)))).length
  return n >= rule.minOrders
}

/** 138****5678: the first three and last four digits of a mainland mobile number; anything else fully masked. */
export function maskPhone(phone: string): string {
  const digits = phone.replace(/\D/g, '')
  if (digits.length < 7) return '*'.repeat(Math.max(4, digits.length))
  return `${digits.slice(0, 3)}****${digits.slice(-4)}`
}

export { ERASED_NAME } from './group-buy'

/** Succeeded share of ended group buys; null when none ended. */
export function fillRate(succeeded: number, ended: number): number | null {
  return ended > 0 ? succeeded / ended : null
}

/** Buyers with at least two paid orders among all buyers; null when nobody bought. */
export function repeatRate(repeatBuyers: number, buyers: number): number | null {
  return buyers > 0 ? repeatBuyers / buyers : null
}

/** The most used tags first (ties by name, so the answer is stable), at most `n`. */
export function topTags(counts: ReadonlyMap<string, number>, n = 3): string[] {
  return [...counts.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).slice(0, n).map(([t]) => t)
}

/**
 * The dashboard's rollups (#23): each group buy carries its sales per China day — orders, units and fen paid in it
 * that day (`salesByDay`) and the order refunds confirmed that day (`refundsByDay`, fen) — moved by increments
 * inside the transaction that counts each payment once (and the one that books each refund once). A group buy has one
 * merchant, one pickup point and one product, so every per-day figure of a merchant, a point or a product is a sum of
 * these; the dashboard reads group buys, never orders.
 */
export interface DaySales {
  orders: number
  units: number
  salesFen: number
}
export type SalesByDay = Record<string, DaySales>
export type RefundsByDay = Record<string, number>

/** The key of China day number `n` in the rollup maps (a letter first: a plain number would read as an array index). */
export function rollupDayKey(n: number): string {
  return `d${n}`
}

export function rollupDayNumber(key: string): number {
  return Number(key.slice(1))
}

/** The increments one counted payment adds to its group buy (dotted paths for one update). */
export function saleIncrements(day: number, quantity: number, amountFen: number): Record<string, number> {
  const k = `salesByDay.${rollupDayKey(day)}`
  return { [`${k}.orders`]: 1, [`${k}.units`]: quantity, [`${k}.salesFen`]: amountFen }
}

/** The increment one booked refund adds to its group buy. */
export function refundIncrements(day: number, amountFen: number): Record<string, number> {
  return { [`refundsByDay.${rollupDayKey(day)}`]: amountFen }
}

/** Add a sale to rollups held in memory (the recount, and anything that writes stored shapes itself). */
export function addSale(into: SalesByDay, day: number, quantity: number, amountFen: number): SalesByDay {
  const k = rollupDayKey(day)
  const d = into[k] ?? (into[k] = { orders: 0, units: 0, salesFen: 0 })
  d.orders += 1
  d.units += quantity
  d.salesFen += amountFen
  return into
}

export function addRefund(into: RefundsByDay, day: number, amountFen: number): RefundsByDay {
  const k = rollupDayKey(day)
  into[k] = (into[k] ?? 0) + amountFen
  return into
}

/** Rollups equal, day by day (days absent on one side count as zero). */
export function sameRollups(a: { sales?: SalesByDay; refunds?: RefundsByDay }, b: { sales?: SalesByDay; refunds?: RefundsByDay }): boolean {
  const zero: DaySales = { orders: 0, units: 0, salesFen: 0 }
  const sa = a.sales ?? {}
  const sb = b.sales ?? {}
  for (const k of new Set([...Object.keys(sa), ...Object.keys(sb)])) {
    const x = sa[k] ?? zero
    const y = sb[k] ?? zero
    if (x.orders !== y.orders || x.units !== y.units || x.salesFen !== y.salesFen) return false
  }
  const ra = a.refunds ?? {}
  const rb = b.refunds ?? {}
  for (const k of new Set([...Object.keys(ra), ...Object.keys(rb)])) if ((ra[k] ?? 0) !== (rb[k] ?? 0)) return false
  return true
}

/**
 * The repeat rate's rollup (#23): a buyer's orders in one group buy per China day they were paid (`d<day>` → orders),
 * carried on the participation (one per group buy and buyer) and moved by one increment inside the transaction that
 * counts each payment once — never taken back by a refund: the repeat rate counts paid orders, refunded or not.
 */
export type BuyerDays = Record<string, number>

/** The increment one counted payment adds to its buyer's participation (a dotted path for the same update). */
export function buyerDayIncrement(day: number): Record<string, number> {
  return { [`paidDays.${rollupDayKey(day)}`]: 1 }
}

export function addBuyerDay(into: BuyerDays, day: number): BuyerDays {
  const k = rollupDayKey(day)
  into[k] = (into[k] ?? 0) + 1
  return into
}

/**
 * Distinct buyers, and those with at least two paid orders, over China days `firstDay`..`lastDay`, from each (group
 * buy, buyer)'s day counts: one buyer's entries in several group buys add up. `buyer` only tells entries apart; it
 * never leaves the server (the dashboard answers the rate alone).
 */
export function repeatBuyers(entries: Iterable<{ buyer: string; days?: BuyerDays }>, firstDay: number, lastDay: number): { buyers: number; repeaters: number } {
  const orders = new Map<string, number>()
  for (const e of entries) {
    let n = 0
    for (const [key, count] of Object.entries(e.days ?? {})) {
      const d = rollupDayNumber(key)
      if (d >= firstDay && d <= lastDay) n += count
    }
    if (n > 0) orders.set(e.buyer, (orders.get(e.buyer) ?? 0) + n)
  }
  let repeaters = 0
  for (const n of orders.values()) if (n >= 2) repeaters += 1
  return { buyers: orders.size, repeaters }
}

/** Buyers' day counts equal, buyer by buyer and day by day (absent = zero). */
export function sameBuyerDays(a: Record<string, BuyerDays>, b: Record<string, BuyerDays>): boolean {
  for (const k of new Set([...Object.keys(a), ...Object.keys(b)])) {
    const x = a[k] ?? {}
    const y = b[k] ?? {}
    for (const d of new Set([...Object.keys(x), ...Object.keys(y)])) if ((x[d] ?? 0) !== (y[d] ?? 0)) return false
  }
  return true
}
