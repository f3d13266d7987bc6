import { spawnSync } from 'child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'fs'
import os from 'os'
import path from 'path'
import { buildCloudFunctions } from '../build-cloud'
import { syncDatabase, syncStorageRule, type DatabaseApi, type StorageApi } from './database'
import { buildPlan, formatPlan, RC_FILE, SCHEMA_FILE, STORAGE_FILE, syncedRc, type Plan, type SchemaFile } from './plan'

/**
 * npm run deploy            build the bundles, check the plan, then put functions, timers, env variables,
 *                           collections, indexes and the storage rule on the CloudBase environment $TCB_ENV_ID
 * npm run deploy -- --plan  print the plan and exit 1 if it is inconsistent (no credentials, no network)
 * npm run deploy -- --sync  rewrite cloudbaserc.json's function list, triggers and envVariables from their
 *                           sources (config.json, the code), keeping runtime/memory/timeout as set
 */

/** The official CLI, run through npx only when deploying (a 34 MB standalone bundle nobody else needs). */
export const TCB_CLI = '@cloudbase/cli@2.12.10'
const CREDENTIALS = ['TCB_ENV_ID', 'TCB_SECRET_ID', 'TCB_SECRET_KEY'] as const

const repo = path.resolve(__dirname, '../..')

async function planOnly(): Promise<number> {
  const plan = await buildPlan(repo)
  console.log(formatPlan(plan))
  return plan.problems.length === 0 ? 0 : 1
}

async function sync(): Promise<number> {
  const next = await syncedRc(repo)
  const file = path.join(repo, RC_FILE)
  const before = (() => {
    try {
      return readFileSync(file, 'utf8')
    } catch {
      return ''
    }
  })()
  const text = `${JSON.stringify(next, null, 2)}\n`
  if (text === before) console.log(`${RC_FILE} already matches config.json and the code.`)
  else {
    writeFileSync(file, text)
    console.log(`${RC_FILE} rewritten (functions, triggers, envVariables); review it with git diff.`)
  }
  return planOnly()
}

/** Runs the CLI with its own throw-away HOME: the login it stores is this deploy's, and is deleted after. */
function tcb(args: string[], home: string, shown: string): void {
  console.log(`$ tcb ${shown}`)
  const res = spawnSync('npx', ['--yes', `--package=${TCB_CLI}`, '--', 'tcb', ...args], {
    cwd: repo,
    stdio: ['ignore', 'inherit', 'inherit'],
    // npm's cache stays the deployer's own, so the CLI is downloaded once, not per deploy.
    env: { ...process.env, HOME: home, npm_config_cache: process.env.npm_config_cache ?? path.join(os.homedir(), '.npm') },
  })
  if (res.status !== 0) throw new Error(`tcb ${shown} failed (exit ${res.status ?? res.signal})`)
}

function printChanges(plan: Plan, db: Awaited<ReturnType<typeof syncDatabase>>, storageWas: string | null): void {
  console.log('\nWhat changed:')
  console.log(`  functions deployed (code + settings + env variables): ${plan.functions.map((f) => f.name).join(', ')}`)
  const triggers = plan.functions.flatMap((f) => f.triggers.map((t) => `${f.name}.${t.name} "${t.config}"`))
  console.log(`  timer triggers: ${triggers.join(', ') || '(none)'}`)
  console.log(`  collections created: ${db.createdCollections.join(', ') || '(none, all existed)'}`)
  console.log(`  indexes added: ${db.addedIndexes.join(', ') || '(none, all existed)'}`)
  for (const d of db.differing) console.log(`  left alone (differs from schema.json, never dropped): ${d}`)
  console.log(`  storage rule: ${storageWas === null ? 'unchanged' : `set from ${STORAGE_FILE} (was ${storageWas})`}`)
}

async function deploy(): Promise<number> {
  const missing = CREDENTIALS.filter((k) => !process.env[k])
  if (missing.length) {
    console.error(`npm run deploy needs ${CREDENTIALS.join(', ')} in the environment (missing: ${missing.join(', ')}); npm run deploy -- --plan shows the plan without them.`)
    return 2
  }
  const envId = process.env.TCB_ENV_ID as string
  const secretId = process.env.TCB_SECRET_ID as string
  const secretKey = process.env.TCB_SECRET_KEY as string

  console.log('Building the function bundles (build:cloud)...')
  await buildCloudFunctions(repo)
  const plan = await buildPlan(repo)
  console.log(formatPlan(plan))
  if (plan.problems.length) {
    console.error('\nNot deploying: the plan has problems (above).')
    return 1
  }
  // cloudbaserc.json's envVariables overwrite the function's whole environment: an unset name would become "".
  const unset = plan.env.map((e) => e.name).filter((n) => process.env[n] === undefined)
  if (unset.length) {
    console.error(`\nNot deploying: set ${unset.join(', ')} (empty means "use the code's default"); the functions read them.`)
    return 1
  }
  for (const e of plan.env) if (process.env[e.name] === '') console.warn(`note: ${e.name} is empty; ${e.functions.join(', ')} use the code's default`)

  // Collections and indexes first: the settle timer may fire as soon as it is deployed.
  console.log(`\nDatabase of ${envId}: creating missing collections and indexes from ${SCHEMA_FILE}...`)
  const { default: CloudBase } = await import('@cloudbase/manager-node')
  const manager = new CloudBase({ secretId, secretKey, envId })
  const schema = JSON.parse(readFileSync(path.join(repo, SCHEMA_FILE), 'utf8')) as SchemaFile
  const database: DatabaseApi = manager.database
  const dbChanges = await syncDatabase(database, schema)
  const storage: StorageApi = manager.storage
  const storageWas = plan.storage ? await syncStorageRule(storage, plan.storage) : null

  const home = mkdtempSync(path.join(os.tmpdir(), 'tcb-deploy-'))
  try {
    tcb(['login', '--apiKeyId', secretId, '--apiKey', secretKey], home, 'login --apiKeyId *** --apiKey ***')
    tcb(['fn', 'deploy', '--all', '--force', '--yes', '-e', envId], home, `fn deploy --all --force --yes -e ${envId}`)
  } finally {
    rmSync(home, { recursive: true, force: true })
  }
  printChanges(plan, dbChanges, storageWas)
  return 0
}

async function main(): Promise<number> {
  const args = process.argv.slice(2)
  const unknown = args.filter((a) => a !== '--plan' && a !== '--sync')
  if (unknown.length) {
    console.error(`unknown option ${unknown.join(' ')}; use --plan or --sync`)
    return 2
  }
  if (args.includes('--sync')) return sync()
  if (args.includes('--plan')) return planOnly()
  return deploy()
}

main().then(
  (code) => process.exit(code),
  (err: Error) => {
    console.error(err.message)
    process.exit(1)
  },
)
