import { getDb, resetDbForTests } from '../../../server/cloud'
import { startLocalCloud, type LocalCloud } from '../../../local-cloud/host'
import { DEMO } from '../../../local-cloud/seed'

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

export async function startHarness(): Promise<Harness> {
  resetDbForTests()
  const cloud = await startLocalCloud({ seed: true, adminOpenids: [DEMO.admin], port: 0 })
  const call = async <T,>(fn: string, openid: string | null, event: Record<string, unknown>) => (await cloud.invoke(fn, event, openid)) as Reply<T>
  const me = async (openid: string) => {
    const r = await call<{ boundPickupPointId: string }>('user', openid, { action: 'me' })
    if (!r.ok) throw new Error(r.error.code)
    return r.data.boundPickupPointId
  }
  const db = () => getDb()
  return {
    cloud,
    pointId: await me(DEMO.clerk),
    otherPointId: await me(DEMO.otherClerk),
    call,
    db,
    async count(collection, where = {}) {
      const res = (await db().collection(collection).where(where).count()) as unknown as { total: number }
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
