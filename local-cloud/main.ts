import path from 'path'
import { DEFAULT_PORT, startLocalCloud } from './host'
import { DEMO } from './seed'
import { seedLedgerDemo } from './seed-ledger'
import { armCrashKill } from '@server/crash-points'

/**
 * `npm run cloud`: the local CloudBase on 127.0.0.1. CLOUD_PORT (default 8787), CLOUD_DATA_DIR (default
 * .local-cloud/), ADMIN_OPENIDS (comma-separated; demo-admin is added when seeding), STATIC_DIR to also serve
 * the H5 build; CRASH_AT=<path>:<gap>[:<n>] (tests only) kills the process at that gap of a money path.
 */
async function main() {
  const seed = process.env.SEED !== '0'
  const admins = (process.env.ADMIN_OPENIDS ?? '').split(',').filter(Boolean)
  if (seed && !admins.includes(DEMO.admin)) admins.push(DEMO.admin)
  const cloud = await startLocalCloud({
    port: Number(process.env.CLOUD_PORT ?? DEFAULT_PORT),
    dataDir: process.env.CLOUD_DATA_DIR ?? path.resolve(__dirname, '../.local-cloud'),
    adminOpenids: admins,
    seed,
    timers: process.env.TIMERS !== '0',
    staticDir: process.env.STATIC_DIR,
  })
  if (seed) await seedLedgerDemo(cloud)
  // Crash tests (test/node/crash.test.ts): die by SIGKILL at a named gap of a money path (server/crash-points.ts).
  if (process.env.CRASH_AT) armCrashKill(process.env.CRASH_AT)
  console.log(`local cloud ready: ${cloud.url}  (GET /health, POST /fn/<name> with X-WX-OPENID)`)
  if (process.env.STATIC_DIR) console.log(`\n  邻里团 H5 app: ${cloud.url}/\n`)
  const stop = () => cloud.close().then(() => process.exit(0))
  process.on('SIGINT', stop)
  process.on('SIGTERM', stop)
}

main().catch((err) => {
  console.error(err)
  process.exit(1)
})
