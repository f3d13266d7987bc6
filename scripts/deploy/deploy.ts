import { mkdtempSync, readFileSync, rmSync } from 'fs'
import os from 'os'
import path from 'path'
import { syncDatabase, syncStorageRule, type DatabaseApi, type DatabaseChanges, type StorageApi } from './database'
import { buildPlan, formatPlan, SCHEMA_FILE, STORAGE_FILE, type Plan, type SchemaFile } from './plan'

export const CREDENTIALS = ['TCB_ENV_ID', 'TCB_SECRET_ID', 'TCB_SECRET_KEY'] as const

/** What a deploy talks to; main.ts passes the real ones, the tests fakes. */
export interface DeployDeps {
  root: string
  env: Record<string, string | undefined>
  build(root: string): Promise<void>
  /** manager-node's CloudBase for this environment (loaded only here, so --plan never needs it). */
  manager(config: { secretId: string; secretKey: string; envId: string }): Promise<{ database: DatabaseApi; storage: StorageApi }>
  /** Run the CloudBase CLI with this HOME (its login lives there); `shown` is the line to print, secrets masked. */
  tcb(args: string[], home: string, shown: string): void
  log(line: string): void
  error(line: string): void
}

function changesText(plan: Plan, db: DatabaseChanges, storageWas: string | null): string[] {
  const out = ['', 'What changed:']
  out.push(`  functions deployed (code, settings, env variables): ${plan.functions.map((f) => f.name).join(', ')}`)
  const triggers = plan.functions.flatMap((f) => f.triggers.map((t) => `${f.name}.${t.name} "${t.config}"`))
  out.push(`  timer triggers: ${triggers.join(', ') || '(none)'}`)
  out.push(`  collections created: ${db.createdCollections.join(', ') || '(none, all existed)'}`)
  out.push(`  indexes added: ${db.addedIndexes.join(', ') || '(none, all existed)'}`)
  for (const d of db.differing) out.push(`  left alone (differs from ${SCHEMA_FILE}, never dropped): ${d}`)
  out.push(`  storage rule: ${storageWas === null ? 'unchanged' : `set from ${STORAGE_FILE} (was ${storageWas})`}`)
  return out
}

/** npm run deploy. Returns the exit code; refuses (2, one line) without credentials, (1) on any inconsistency. */
export async function deploy(deps: DeployDeps): Promise<number> {
  const { env, root } = deps
  const missing = CREDENTIALS.filter((k) => !env[k])
  if (missing.length) {
    deps.error(`npm run deploy needs ${CREDENTIALS.join(', ')} in the environment (missing: ${missing.join(', ')}); npm run deploy -- --plan shows the plan without them.`)
    return 2
  }
  const envId = env.TCB_ENV_ID as string
  const secretId = env.TCB_SECRET_ID as string
  const secretKey = env.TCB_SECRET_KEY as string

  deps.log('Building the function bundles (build:cloud)...')
  await deps.build(root)
  const plan = await buildPlan(root)
  deps.log(formatPlan(plan))
  if (plan.problems.length) {
    deps.error('Not deploying: the plan has problems (above).')
    return 1
  }
  // cloudbaserc.json's envVariables replace a function's whole environment: an unset name would deploy as "".
  const unset = plan.env.map((e) => e.name).filter((n) => env[n] === undefined)
  if (unset.length) {
    deps.error(`Not deploying: set ${unset.join(', ')} (empty means "use the code's default"); the functions read them.`)
    return 1
  }
  for (const e of plan.env) if (env[e.name] === '') deps.log(`note: ${e.name} is empty; ${e.functions.join(', ')} use the code's default`)

  // The database first: the settle timer may fire as soon as it is deployed, and needs its collections.
  deps.log(`\nDatabase and storage of ${envId}: creating what ${SCHEMA_FILE} has and the environment lacks...`)
  const manager = await deps.manager({ secretId, secretKey, envId })
  const schema = JSON.parse(readFileSync(path.join(root, SCHEMA_FILE), 'utf8')) as SchemaFile
  const dbChanges = await syncDatabase(manager.database, schema)
  const storageWas = plan.storage ? await syncStorageRule(manager.storage, plan.storage) : null

  const home = mkdtempSync(path.join(os.tmpdir(), 'tcb-deploy-'))
  try {
    deps.tcb(['login', '--apiKeyId', secretId, '--apiKey', secretKey], home, 'login --apiKeyId *** --apiKey ***')
    deps.tcb(['fn', 'deploy', '--all', '--force', '--yes', '-e', envId], home, `fn deploy --all --force --yes -e ${envId}`)
  } finally {
    rmSync(home, { recursive: true, force: true })
  }
  for (const line of changesText(plan, dbChanges, storageWas)) deps.log(line)
  return 0
}
