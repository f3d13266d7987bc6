import { resetDbForTests } from '@server/cloud'
import type { LocalCloud } from '../../../local-cloud/host'
import { DEMO } from '../../../local-cloud/seed'
import { database, startTestCloud } from './cloud'

export { DEMO }

export type Reply<T = Record<string, unknown>> = { ok: true; data: T } | { ok: false; error: { code: string; message: string } }

export interface Harness {
  cloud: LocalCloud
  /** The demo pickup point demo-clerk and demo-leader work at, and the one demo-clerk-2 works at. */
  pointId: string
  otherPointId: string
  call<T = Record<string, unknown>>(fn: string, openid: string | null, event: Record<string, unknown>): Promise<Reply<T>>
  /** The raw database, to check what was (not) written. */
  db(): DB.Database
  count(collection: string, where?: Record<string, unknown>): Promise<number>
}

/** The shared test cloud (support/cloud.ts), seen through the discriminated Reply these suites assert on. */
export async function startHarness(): Promise<Harness> {
  resetDbForTests()
  const cloud = await startTestCloud()
  return {
    cloud,
    pointId: cloud.pickupPointId,
    otherPointId: cloud.otherPickupPointId,
    call: (fn, openid, event) => cloud.call(fn, openid, event) as never,
    db: database,
    async count(collection, where = {}) {
      const res = (await database().collection(collection).where(where).count()) as unknown as { total: number }
      return res.total
    },
  }
}

export function expectOk<T>(r: Reply<T>): T {
  if (!r.ok) throw new Error(`expected ok, got ${r.error.code}: ${r.error.message}`)
  return r.data
}

export function errorCode(r: Reply<unknown>): string | null {
  return r.ok ? null : r.error.code
}
