import { msSetting } from '@server/settings'

/**
 * What a periodic pass selects, said once: the collection and the condition its own query reads. The pass builds its
 * query from it, and settle's probe (DueWork) asks the same conditions, all of a collection's in one read, whether
 * anything is due at all — so a tick with nothing to do costs one read per collection, not one per pass (#23).
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

/**
 * One settle tick's view of what is due. Each collection is probed at most once, and only when a pass that reads
 * it is about to run: one `$or` of every registered condition on it, `limit(1)`. A pass runs when any of its own
 * conditions' collections has something due. Once any pass has done something (`worked`), the probes stop and every
 * later pass runs as before: a pass can make work for a later one in the same tick (a group that fails asks refunds,
 * a refund marks its order), and a probe taken before that work existed must not hide it.
 *
 * Nothing is lost by a skip: a probe finds exactly what the passes' own queries would, so a pass is skipped only
 * when its query would have found nothing then. Work that appears after its collection was probed — by time, by a
 * call, or by a pass whose reply does not count it — is found by the next tick's probe, a minute later.
 */
export class DueWork {
  private readonly probed = new Map<ProbedCollection, Promise<boolean>>()
  private busy = false

  constructor(
    private readonly db: DB.Database,
    private readonly now: number,
    private readonly registered: readonly DueQuery[],
  ) {}

  /** Does any of these selections have something due (or has the tick stopped probing)? */
  async any(selections: readonly DueQuery[]): Promise<boolean> {
    if (this.busy) return true
    for (const collection of new Set(selections.map((s) => s.collection))) {
      if (await this.probe(collection)) return true
    }
    return false
  }

  /** A pass did something: from now on every pass runs (its work may be what a later pass selects). */
  worked(): void {
    this.busy = true
  }

  private probe(collection: ProbedCollection): Promise<boolean> {
    let seen = this.probed.get(collection)
    if (!seen) {
      seen = this.read(collection)
      this.probed.set(collection, seen)
    }
    return seen
  }

  private async read(collection: ProbedCollection): Promise<boolean> {
    const _ = this.db.command
    const wheres = this.registered.filter((q) => q.collection === collection).map((q) => q.where(_, this.now))
    // A selection not registered with the tick would be skipped unseen: refuse instead of guessing.
    if (wheres.length === 0) throw new Error(`due: no selection registered on ${collection}`)
    const where = wheres.length === 1 ? wheres[0] : _.or(wheres)
    const res = (await this.db.collection(PROBED[collection].collection).where(where as never).field({ _id: true }).limit(1).get()) as { data: unknown[] }
    return res.data.length > 0
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
