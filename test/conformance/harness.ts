// Conformance harness: the same tests describe CloudBase's database as seen through wx-server-sdk.
// Locally (default) each test file gets a fresh in-memory LocalDatabase installed at the SDK seam.
// With CLOUDBASE_ENV set (and Tencent Cloud credentials in the environment) nothing is installed
// and the tests talk to that real environment; every document carries this run's `run` marker
// so tests only see their own data there. Tests that need the local internals use `localOnly`.
import { LocalDatabase } from '../../local-cloud/db'

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Any = any

export interface Harness {
  cloud: Any
  /** cloud.database() with throwOnNotFound: false (missing doc -> data null) */
  db: Any
  /** cloud.database() with the SDK's defaults */
  strictDb: Any
  _: Any
  /**
   * @cloudbase/node-sdk's own database (what CloudBase's SDK tests use): its calls take data without the `{ data }`
   * wrapper, and a reply carrying a code rejects with the SDK's TcbError { code, message } unchanged.
   */
  sdk: Any
  /** the local backend, or null against a real environment */
  local: LocalDatabase | null
  /** unique per test file; put it in documents and filters */
  run: string
  /** a fresh id unique to this run */
  id(label?: string): string
}

export const realEnv = process.env.CLOUDBASE_ENV

let seq = 0

export function setupConformance(): Harness {
  if (!realEnv) process.env.TENCENTCLOUD = 'true'
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  const cloud = require('wx-server-sdk')
  cloud.init({ env: realEnv ?? cloud.DYNAMIC_CURRENT_ENV })
  const local = realEnv ? null : LocalDatabase.open()
  local?.install()
  const run = `run${Date.now().toString(36)}${Math.random().toString(36).slice(2, 7)}`
  const db = cloud.database({ throwOnNotFound: false })
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  const sdk = require('@cloudbase/node-sdk').init({ env: realEnv ?? 'local' }).database()
  const h: Harness = {
    cloud,
    db,
    strictDb: cloud.database(),
    _: db.command,
    sdk,
    local,
    run,
    id: (label = 'd') => `${run}-${label}-${++seq}`,
  }
  afterAll(() => local?.close())
  return h
}

/** `it` locally, `it.skip` against a real environment (for tests of local internals or 30 s timeouts). */
export const localOnly: jest.It = realEnv ? it.skip : it
