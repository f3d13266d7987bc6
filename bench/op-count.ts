import type { LocalCloud } from '../local-cloud/host'

/**
 * Database operations counted per named step on the local database (every request that reads or writes documents,
 * a transaction's commit included; see local-cloud/db DatabaseStats). Section 7 counts an order's life with it;
 * another flow (a delivered order, a redeemed voucher) adds its own steps the same way:
 *
 *   const ops = opCounter(cloud)
 *   await ops.count('pickup', () => cloud.invoke('pickup', { action: 'verify', code }, 'demo-clerk'))
 *   ops.perOrder(completed) // { pickup: 9, … }
 *
 * With BENCH_TRACE=1 each step also keeps which action on which collection it spent (`ops.trace`, printed by
 * `ops.printTrace()`): where to look when a step costs more than expected.
 */
export interface OpCounter {
  /** Run `fn` and add the operations it caused to `step` (steps accumulate over repeated calls). */
  count<T>(step: string, fn: () => Promise<T>): Promise<T>
  /** Add operations measured elsewhere to a step. */
  add(step: string, ops: number): void
  /** Operations so far (for a caller measuring one call by hand). */
  now(): number
  readonly steps: Record<string, number>
  /** Per step: `action collection` → count (BENCH_TRACE=1 only). */
  readonly trace: Record<string, Record<string, number>>
  /** Every step divided by `orders` (NaN with no orders). */
  perOrder(orders: number): Record<string, number>
  /** Sum of all steps divided by `orders`. */
  totalPerOrder(orders: number): number
  printTrace(orders: number): void
}

type Handle = (action: string, params?: Record<string, unknown>) => Record<string, unknown>

export function opCounter(cloud: LocalCloud, opts: { trace?: boolean } = {}): OpCounter {
  const steps: Record<string, number> = {}
  const trace: Record<string, Record<string, number>> = {}
  const tracing = opts.trace ?? process.env.BENCH_TRACE === '1'
  let current: string | null = null
  if (tracing) {
    const db = cloud.db as unknown as { handle: Handle }
    const original = db.handle.bind(db)
    db.handle = (action, params = {}) => {
      if (current && !/startTransaction|abortTransaction/.test(action)) {
        const key = `${action.replace('database.', '')} ${String(params.collectionName ?? '')}${params.transactionId ? ' (tx)' : ''}`
        const t = (trace[current] ??= {})
        t[key] = (t[key] ?? 0) + 1
      }
      return original(action, params)
    }
  }
  const ops = () => cloud.db.stats.operations
  const add = (step: string, n: number) => {
    steps[step] = (steps[step] ?? 0) + n
  }
  const per = (n: number, orders: number) => (orders ? n / orders : NaN)
  return {
    steps,
    trace,
    now: ops,
    add,
    async count(step, fn) {
      const before = ops()
      current = step
      try {
        return await fn()
      } finally {
        current = null
        add(step, ops() - before)
      }
    },
    perOrder: (orders) => Object.fromEntries(Object.entries(steps).map(([k, v]) => [k, per(v, orders)])),
    totalPerOrder: (orders) => per(Object.values(steps).reduce((a, b) => a + b, 0), orders),
    printTrace(orders) {
      for (const [step, t] of Object.entries(trace)) {
        console.log(`\n${step} (per order)`)
        for (const [k, v] of Object.entries(t).sort((a, b) => b[1] - a[1])) console.log(`  ${(v / orders).toFixed(2).padStart(7)}  ${k}`)
      }
    },
  }
}
