import cloud from 'wx-server-sdk'

/**
 * The one place cloud functions touch wx-server-sdk's set-up. On CloudBase the SDK talks to the managed
 * database; under local-cloud the same SDK is routed to SQLite (local-cloud/db), so nothing here branches.
 */
let db: DB.Database | null = null

let inited = false

export function getCloud(): typeof cloud {
  // DYNAMIC_CURRENT_ENV = the environment the function is deployed in. The SDK ignores every init after the
  // first, so one is enough (reading DYNAMIC_CURRENT_ENV on each call cost two environment lookups per call).
  if (!inited) {
    cloud.init({ env: cloud.DYNAMIC_CURRENT_ENV as unknown as string })
    inited = true
  }
  return cloud
}

export function getDb(): DB.Database {
  if (!db) db = getCloud().database()
  return db
}

export function resetDbForTests(): void {
  db = null
}

/** Error codes CloudBase's database returns that our actions react to. */
export function isDuplicateWrite(err: unknown): boolean {
  const text = errorText(err)
  return /DUPLICATE|duplicate key|E11000/i.test(text)
}

export function errorText(err: unknown): string {
  if (err && typeof err === 'object') {
    const e = err as { errCode?: unknown; code?: unknown; errMsg?: unknown; message?: unknown }
    return [e.errCode, e.code, e.errMsg, e.message].filter((v) => v !== undefined).join(' ')
  }
  return String(err)
}
