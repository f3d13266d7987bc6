import { spawnSync } from 'child_process'
import { readFileSync, writeFileSync } from 'fs'
import os from 'os'
import path from 'path'
import { buildCloudFunctions } from '../build-cloud'
import { deploy } from './deploy'
import { buildPlan, formatPlan, RC_FILE, syncedRc } from './plan'

/**
 * npm run deploy            build the bundles, check the plan, then put functions, timers, env variables,
 *                           collections, indexes and the storage rule on the CloudBase environment $TCB_ENV_ID
 * npm run deploy -- --plan  print the plan and exit 1 if it is inconsistent (no credentials, no network)
 * npm run deploy -- --sync  rewrite cloudbaserc.json's function list, triggers and envVariables from their
 *                           sources (config.json, the code), keeping runtime/memory/timeout as set
 */

/** The official CLI, run through npx only when deploying (a 34 MB standalone bundle nobody else needs). */
export const TCB_CLI = '@cloudbase/cli@2.12.10'

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

async function main(): Promise<number> {
  const args = process.argv.slice(2)
  const unknown = args.filter((a) => a !== '--plan' && a !== '--sync')
  if (unknown.length) {
    console.error(`unknown option ${unknown.join(' ')}; use --plan or --sync`)
    return 2
  }
  if (args.includes('--sync')) return sync()
  if (args.includes('--plan')) return planOnly()
  return deploy({
    root: repo,
    env: process.env,
    build: (root) => buildCloudFunctions(root),
    async manager(config) {
      const { default: CloudBase } = await import('@cloudbase/manager-node')
      const app = new CloudBase(config)
      return { database: app.database, storage: app.storage }
    },
    tcb,
    log: (line) => console.log(line),
    error: (line) => console.error(line),
  })
}

main().then(
  (code) => process.exit(code),
  (err: Error) => {
    console.error(process.env.DEPLOY_DEBUG ? err.stack : err.message)
    process.exit(1)
  },
)
