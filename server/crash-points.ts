/**
 * Fault injection for the crash tests: a named gap between two writes of a money path. Disarmed (always, in
 * production) it does nothing. Armed, the n-th time the named gap is reached the call dies there: in-process (a test
 * arms it with armCrash) it throws CrashError, which no step swallows; armed by the local host from CRASH_AT=<name>[:<n>]
 * (local-cloud/main.ts) the process kills itself with SIGKILL, as a CloudBase instance dies at its timeout.
 */
export const CRASH_POINTS = {
  refund: ['refund:after-done', 'refund:after-ledger', 'refund:after-points', 'refund:after-order'],
  payment: ['payment:after-paid', 'payment:after-sale', 'payment:after-count', 'payment:after-ready', 'payment:after-succeeded'],
  // The counter's hand-over is one transaction (order, 待提货, ledger pickup, points, shipping record): cut inside it
  // nothing happened; after it, everything did.
  pickup: ['pickup:in-handover', 'pickup:after-handover'],
  // finishHandover's gaps: a hand-over whose sale was not booked yet takes its steps after the transaction.
  handoverSteps: ['pickup:after-release', 'pickup:after-points'],
  arrival: ['arrival:after-plan', 'arrival:after-arrived', 'arrival:after-codes', 'arrival:after-bulk-ready', 'arrival:after-line'],
  payout: ['payout:after-lease', 'payout:after-transfer'],
  ready: ['ready:after-move', 'ready:after-readied'],
  receive: ['receive:after-quantity', 'receive:after-status'],
  couponPay: ['coupon:after-code', 'refund:after-request'],
  couponExpiry: ['coupon:after-expired'],
  couponClaim: ['coupon:after-spend', 'coupon:after-insert'],
  couponRedeem: ['coupon:after-redeemed', 'coupon:after-points'],
} as const

export type CrashPointName = (typeof CRASH_POINTS)[keyof typeof CRASH_POINTS][number]

export class CrashError extends Error {
  constructor(readonly point: string) {
    super(`simulated crash at ${point}`)
    this.name = 'CrashError'
  }
}

interface Armed {
  point: string
  /** Passes left before the crash (0: the next pass crashes). */
  skip: number
  fired: boolean
  /** SIGKILL the process instead of throwing. */
  kill?: boolean
}

// On globalThis: the functions the local host loads and the test share one arming even across module registries.
const slot = globalThis as unknown as { __crashPoint?: Armed | null }

/** Arm one crash: the (skip+1)-th pass through `point` throws CrashError; later passes go through. */
export function armCrash(point: CrashPointName, skip = 0): void {
  slot.__crashPoint = { point, skip, fired: false }
}

/** Disarm; true when the armed crash fired. */
export function disarmCrash(): boolean {
  const fired = slot.__crashPoint?.fired ?? false
  slot.__crashPoint = null
  return fired
}

/**
 * Arm from a spec `<path>:<gap>[:<n>]` (the n-th pass dies, default the first) to kill the whole process: what the
 * local host does with CRASH_AT (local-cloud/main.ts). Function code never reads the environment for this.
 */
export function armCrashKill(spec: string): void {
  const last = spec.lastIndexOf(':')
  const counted = /^\d+$/.test(spec.slice(last + 1))
  const point = counted ? spec.slice(0, last) : spec
  const n = counted ? Number(spec.slice(last + 1)) : 1
  slot.__crashPoint = { point, skip: Math.max(0, n - 1), fired: false, kill: true }
}

export function isCrash(err: unknown): boolean {
  return err instanceof Error && err.name === 'CrashError'
}

export function crashPoint(point: CrashPointName): void {
  const armed = slot.__crashPoint
  if (!armed || armed.fired || armed.point !== point) return
  if (armed.skip > 0) {
    armed.skip--
    return
  }
  armed.fired = true
  if (armed.kill) process.kill(process.pid, 'SIGKILL')
  throw new CrashError(point)
}
