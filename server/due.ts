import { msSetting } from '@server/settings'
import { fieldsOfSelection, matchesSelection } from '@server/due-match'

/**
 * What a periodic pass selects, said once: the collection and the condition its own query reads. The pass builds its
 * query from it, and settle's probe (DueWork) reads the documents any of a collection's conditions select in one read
 * and asks each pass's of them — so a tick costs one read per collection for the passes with nothing to do (#23).
 */
export interface DueQuery {
  collection: ProbedCollection
  /** The pass's selection at `now` (its own query adds only ordering, paging and projection). */
  where: (_: DB.Database['command'], now: number) => Record<string, unknown>
}

/**
 * The collections a tick probes (a selection elsewhere is added here; named in one record so the deploy plan
 * sees which collections the probe reads).
 */
const PROBED = { orders: { collection: 'orders' }, groupBuys: { collection: 'groupBuys' }, coupons: { collection: 'coupons' }, refunds: { collection: 'refunds' }, outbox: { collection: 'outbox' } } as const
export type ProbedCollection = keyof typeof PROBED

/** At most this many due documents are read by one probe; beyond it, every pass on the collection runs. */
export const PROBE_LIMIT = 100

/** What one probe read: the due documents of a collection (the fields the selections ask), all of them or not. */
interface Seen {
  docs: Record<string, unknown>[]
  complete: boolean
}

/**
 * One settle tick's view of what is due. A collection is probed only when a pass that reads it is about to run: one
 * read of the `$or` of every registered condition on it, the fields those conditions ask, up to PROBE_LIMIT
 * documents. Each pass's own selections are then asked of those documents (server/due-match.ts), so a pass runs only
 * when its own selection has something due — not whenever anything on its collection is (#23: a tick after a
 * hand-over used to run every pass on `orders` because the hand-over's records were due). A probe that read
 * PROBE_LIMIT documents may not have seen them all: every pass on that collection then runs, and so does a pass whose
 * selection the matcher cannot decide.
 *
 * A pass can make work for a later one in the same tick (a group that fails asks refunds, a refund marks its order),
 * and a probe taken before that work existed must not hide it: once a pass has done something (`worked`), the
 * collections it may have made work in are probed again before the next pass that reads them — every collection,
 * unless the pass says which (`makes`). A pass that names too few only delays work: what a probe did not see is
 * found by the next tick's, a minute later. Work that appears after its collection was probed — by time, or by a
 * call — is found the same way.
 */
export class DueWork {
  private readonly probed = new Map<ProbedCollection, Promise<Seen>>()

  constructor(
    private readonly db: DB.Database,
    private readonly now: number,
    private readonly registered: readonly DueQuery[],
  ) {}

  /** Does any of these selections have something due? */
  async any(selections: readonly DueQuery[]): Promise<boolean> {
    const _ = this.db.command
    for (const s of selections) {
      const seen = await this.probe(s.collection)
      if (!seen.complete) return true
      const where = s.where(_, this.now)
      if (seen.docs.some((d) => matchesSelection(d, where) !== false)) return true
    }
    return false
  }

  /** A pass did something: the collections it may have made work in (all, unless `makes` names them) are probed afresh. */
  worked(makes?: readonly ProbedCollection[]): void {
    for (const c of makes ?? (Object.keys(PROBED) as ProbedCollection[])) this.probed.delete(c)
  }

  private probe(collection: ProbedCollection): Promise<Seen> {
    let seen = this.probed.get(collection)
    if (!seen) {
      seen = this.read(collection)
      this.probed.set(collection, seen)
    }
    return seen
  }

  private async read(collection: ProbedCollection): Promise<Seen> {
    const _ = this.db.command
    const wheres = this.registered.filter((q) => q.collection === collection).map((q) => q.where(_, this.now))
    // A selection not registered with the tick would be skipped unseen: refuse instead of guessing.
    if (wheres.length === 0) throw new Error(`due: no selection registered on ${collection}`)
    const where = wheres.length === 1 ? wheres[0] : _.or(wheres)
    const fields = wheres.map(fieldsOfSelection)
    let query = this.db.collection(PROBED[collection].collection).where(where as never)
    // The fields the selections ask (all of the document when one of them cannot say which).
    if (!fields.includes(null)) query = query.field(Object.fromEntries(['_id', ...(fields as string[][]).flat()].map((f) => [f, true])))
    const res = (await query.limit(PROBE_LIMIT).get()) as { data: Record<string, unknown>[] }
    return { docs: res.data, complete: res.data.length < PROBE_LIMIT }
  }
}

/**
 * Did a pass's reply say it did anything? Any count above zero does, except `checked` (how much a heal looked at).
 * Erring towards "worked" only costs a tick its remaining probes' savings, never a pass's work.
 */
export function didWork(reply: unknown): boolean {
  if (typeof reply === 'number') return reply > 0
  if (typeof reply === 'boolean') return reply
  if (!reply || typeof reply !== 'object') return false
  return Object.entries(reply as Record<string, unknown>).some(([key, value]) => key !== 'checked' && didWork(value))
}

/** SETTLE_SAFETY_NET_MS when set (0: every tick), else five minutes. */
export function safetyNetMs(): number {
  return msSetting(process.env.SETTLE_SAFETY_NET_MS, 5 * 60_000)
}

/** COUPON_HEAL_MS when set (0: every tick), else an hour: how often settle runs the coupon holds' heal (server/coupons/hold-heal.ts). */
export function couponHealMs(): number {
  return msSetting(process.env.COUPON_HEAL_MS, 3600_000)
}

/**
 * When settle's safety nets ran last in this instance: the passes that only repair what a crash or a lost write left
 * (the counter, rating and points heals, interrupted sign-offs) run at most every safetyNetMs(), not every minute
 * (#23: they were half of an idle tick). Kept in memory: a warm CloudBase instance remembers it, a new one (or a second
 * one) runs them at once — more often, never less. A tick that throws does not count as a run.
 */
export class Cadence {
  private last = Number.NEGATIVE_INFINITY

  /** Due once `every` has passed since the last run, and also when the clock reads earlier than it (set back). */
  due(now: number, every: number): boolean {
    return now < this.last || now - this.last >= every
  }

  ran(now: number): void {
    this.last = now
  }
}
