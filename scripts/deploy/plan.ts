import { build, type Metafile } from 'esbuild'
import { existsSync, readdirSync, readFileSync, statSync } from 'fs'
import { builtinModules } from 'module'
import path from 'path'
import { CLOUD_BUILD_TARGET, cloudBundleOptions } from '../cloud-bundle'
import { cronProblem, triggerNameProblem } from './cron'
import { envNamesInBundle, scanFiles, type CollectionUse, type ScanResult } from './scan'

/**
 * The deploy plan: what `npm run deploy` would put on CloudBase, worked out offline from the files the local
 * cloud already reads — cloudfunctions/<name>/ (config.json: timer triggers; package.json: what CloudBase
 * installs), database/schema.json (collections and indexes) — plus cloudbaserc.json (the official CLI's file:
 * per-function runtime, memory, timeout, and the env variables each function reads, values filled in by the CLI
 * from the deployer's environment as {{env.NAME}}).
 *
 * Single sources, checked rather than copied:
 * - timer triggers: config.json (DevTools and the local cloud read it); cloudbaserc.json must carry the same.
 * - env variable names: the code. Each function is bundled in memory exactly as build:cloud does (esbuild, aliases
 *   included) and its output is scanned for process.env.NAME, so only code the function keeps counts;
 *   cloudbaserc.json must list exactly those names per function. The sources it was built from are scanned too,
 *   to report any process.env use that names no variable.
 * - collections: the .collection(...) calls in the files each bundle is built from; database/schema.json must
 *   define each one, and each index field must be one some query on that collection filters or sorts on.
 * - runtime, memory, timeout: cloudbaserc.json only (functionDefaultConfig + per-function overrides).
 * - the storage security rule: database/storage.json only.
 * `npm run deploy -- --sync` rewrites the checked parts of cloudbaserc.json from their sources.
 */

export interface Trigger {
  name: string
  type: string
  config: string
}

export interface RcFunction {
  name: string
  runtime?: string
  handler?: string
  timeout?: number
  memorySize?: number
  installDependency?: boolean
  ignore?: string[]
  envVariables?: Record<string, string>
  triggers?: Trigger[]
  [key: string]: unknown
}

export interface RcFile {
  version?: string
  envId?: string
  functionRoot?: string
  functionDefaultConfig?: Omit<Partial<RcFunction>, 'name'>
  functions?: RcFunction[]
  [key: string]: unknown
}

export interface IndexSpec {
  name: string
  fields: Array<[string, 1 | -1]>
  unique?: boolean
}

export interface SchemaFile {
  collections: Record<string, { indexes?: IndexSpec[] }>
}

export interface StorageRuleFile {
  acl: 'READONLY' | 'PRIVATE' | 'ADMINWRITE' | 'ADMINONLY' | 'CUSTOM'
  rule?: { read: boolean | string; write: boolean | string }
}

export interface FunctionPlan {
  name: string
  runtime: string
  handler: string
  timeout: number
  memorySize: number
  installDependency: boolean
  triggers: Trigger[]
  env: string[]
  collections: string[]
  dependencies: Record<string, string>
  /** Size of the bundle as built in memory now; builtKB: the index.js on disk (null: not built yet). */
  bundleKB: number | null
  builtKB: number | null
}

export interface CollectionPlan {
  name: string
  indexes: IndexSpec[]
  usedBy: string[]
  queriedFields: string[]
}

export interface Plan {
  envId: string
  functions: FunctionPlan[]
  collections: CollectionPlan[]
  env: { name: string; functions: string[] }[]
  storage: StorageRuleFile | null
  problems: string[]
  warnings: string[]
}

/** Variables the platform sets in every function (the runtime's own, and wx-server-sdk's caller identity). */
export const PLATFORM_ENV = /^(TCB_ENV|TCB_CONTEXT_[A-Z_]+|SCF_[A-Z_]+|TENCENTCLOUD_[A-Z_]+|WX_[A-Z_]+|NODE_ENV|TZ)$/

export const RC_FILE = 'cloudbaserc.json'
export const SCHEMA_FILE = 'database/schema.json'
export const STORAGE_FILE = 'database/storage.json'
const ACLS = ['READONLY', 'PRIVATE', 'ADMINWRITE', 'ADMINONLY', 'CUSTOM']
export const FUNCTION_ROOT = 'cloudfunctions'
export const ENV_ID_TEMPLATE = '{{env.TCB_ENV_ID}}'
const MEMORY_SIZES = [128, 256, 512, 1024, 2048]

export function envTemplate(name: string): string {
  return `{{env.${name}}}`
}

function readJson<T>(file: string): T {
  return JSON.parse(readFileSync(file, 'utf8')) as T
}

export function functionFolders(root: string): string[] {
  const dir = path.join(root, FUNCTION_ROOT)
  return readdirSync(dir)
    .filter((n) => statSync(path.join(dir, n)).isDirectory())
    .sort()
}

interface FolderFacts {
  name: string
  triggers: Trigger[]
  dependencies: Record<string, string>
  inputs: string[]
  externals: string[]
  /** Env names the bundle reads; null when it was not built (then the sources' names count). */
  bundleEnv: string[] | null
  bundleKB: number | null
  builtKB: number | null
}

async function readFolder(root: string, name: string, problems: string[]): Promise<FolderFacts> {
  const dir = path.join(root, FUNCTION_ROOT, name)
  const rel = `${FUNCTION_ROOT}/${name}`
  const facts: FolderFacts = { name, triggers: [], dependencies: {}, inputs: [], externals: [], bundleEnv: null, bundleKB: null, builtKB: null }

  const configPath = path.join(dir, 'config.json')
  if (!existsSync(configPath)) problems.push(`${rel}: no config.json (the local cloud and DevTools only treat folders with one as functions)`)
  else {
    try {
      const config = readJson<{ triggers?: Trigger[] }>(configPath)
      facts.triggers = config.triggers ?? []
    } catch (err) {
      problems.push(`${rel}/config.json: not valid JSON (${(err as Error).message})`)
    }
  }
  if (facts.triggers.length > 1) problems.push(`${rel}/config.json: ${facts.triggers.length} triggers; CloudBase allows one per function`)
  for (const t of facts.triggers) {
    if (t.type !== 'timer') problems.push(`${rel}/config.json: trigger ${t.name} has type "${t.type}"; CloudBase only has "timer"`)
    const nameProblem = triggerNameProblem(String(t.name ?? ''))
    if (nameProblem) problems.push(`${rel}/config.json: trigger name "${t.name}" ${nameProblem}`)
    const cron = cronProblem(String(t.config ?? ''))
    if (cron) problems.push(`${rel}/config.json: trigger ${t.name} "${t.config}" is not CloudBase cron: ${cron}`)
  }

  const pkgPath = path.join(dir, 'package.json')
  if (!existsSync(pkgPath)) problems.push(`${rel}: no package.json (CloudBase installs the function's dependencies from it)`)
  else {
    try {
      const pkg = readJson<{ main?: string; dependencies?: Record<string, string> }>(pkgPath)
      facts.dependencies = pkg.dependencies ?? {}
      if ((pkg.main ?? 'index.js') !== 'index.js') problems.push(`${rel}/package.json: main is "${pkg.main}"; the handler is index.main`)
    } catch (err) {
      problems.push(`${rel}/package.json: not valid JSON (${(err as Error).message})`)
    }
  }

  const bundlePath = path.join(dir, 'index.js')
  if (existsSync(bundlePath)) facts.builtKB = statSync(bundlePath).size / 1024
  if (existsSync(path.join(dir, 'src/index.ts'))) {
    try {
      const res = await build({ ...cloudBundleOptions(root, name), write: false, metafile: true, logLevel: 'silent' })
      const meta = res.metafile as Metafile
      facts.inputs = Object.keys(meta.inputs).filter((f) => !f.includes('node_modules/') && /\.(ts|tsx|js)$/.test(f))
      facts.externals = [...new Set(Object.values(meta.inputs).flatMap((i) => i.imports.filter((imp) => imp.external).map((imp) => packageName(imp.path))))]
      const out = res.outputFiles?.[0]
      facts.bundleKB = (out?.contents.length ?? 0) / 1024
      facts.bundleEnv = out ? envNamesInBundle(out.text) : null
    } catch (err) {
      problems.push(`${rel}: the bundle does not build: ${(err as Error).message.split('\n')[0]}`)
    }
  } else if (facts.builtKB !== null) {
    facts.inputs = [`${rel}/index.js`]
  } else {
    problems.push(`${rel}: neither src/index.ts to bundle nor an index.js to upload`)
  }
  for (const ext of facts.externals) {
    if (!facts.dependencies[ext] && !ext.startsWith('node:') && !builtinModules.includes(ext)) problems.push(`${rel}: the bundle requires "${ext}" at run time but package.json does not list it`)
  }
  return facts
}

function packageName(spec: string): string {
  const parts = spec.split('/')
  return spec.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]
}

function sameTriggers(a: Trigger[] | undefined, b: Trigger[]): boolean {
  const norm = (ts: Trigger[] | undefined) => JSON.stringify((ts ?? []).map((t) => ({ name: t.name, type: t.type, config: t.config })))
  return norm(a) === norm(b)
}

function runtimeMajor(runtime: string): number | null {
  const m = /^Nodejs(\d+)/.exec(runtime)
  return m ? Number(m[1]) : null
}

/** Every .collection(...) use, per function folder (a use counts for a function when its bundle takes the file). */
function usesByFunction(scan: ScanResult, folders: FolderFacts[]): Map<string, CollectionUse[]> {
  const out = new Map<string, CollectionUse[]>()
  for (const f of folders) {
    const files = new Set(f.inputs)
    out.set(
      f.name,
      scan.collections.filter((u) => files.has(u.origin.file)),
    )
  }
  return out
}

export async function buildPlan(root: string): Promise<Plan> {
  const problems: string[] = []
  const warnings: string[] = []
  const names = functionFolders(root)
  const folders: FolderFacts[] = []
  for (const name of names) folders.push(await readFolder(root, name, problems))

  const allInputs = [...new Set(folders.flatMap((f) => f.inputs))].sort()
  const scan = scanFiles(root, allInputs)
  for (const u of scan.unresolved) problems.push(`${u.site.file}:${u.site.line}: cannot tell ${u.what}`)
  const uses = usesByFunction(scan, folders)

  // ---- cloudbaserc.json ----
  const rcPath = path.join(root, RC_FILE)
  let rc: RcFile = {}
  if (!existsSync(rcPath)) problems.push(`${RC_FILE} is missing (npm run deploy -- --sync writes it)`)
  else {
    try {
      rc = readJson<RcFile>(rcPath)
    } catch (err) {
      problems.push(`${RC_FILE}: not valid JSON (${(err as Error).message})`)
    }
  }
  if (rc.envId !== undefined && rc.envId !== ENV_ID_TEMPLATE) problems.push(`${RC_FILE}: envId is "${rc.envId}"; it must be "${ENV_ID_TEMPLATE}" (the environment comes from the deployer)`)
  if (rc.functionRoot !== undefined && path.normalize(rc.functionRoot) !== FUNCTION_ROOT) problems.push(`${RC_FILE}: functionRoot is "${rc.functionRoot}", not ./${FUNCTION_ROOT}`)
  const entries = new Map((rc.functions ?? []).map((f) => [f.name, f]))
  for (const name of entries.keys()) if (!names.includes(name)) problems.push(`${RC_FILE}: function "${name}" has no folder under ${FUNCTION_ROOT}/`)

  const envByFunction = new Map<string, string[]>()
  for (const f of folders) {
    const files = new Set(f.inputs)
    const names = f.bundleEnv ?? scan.env.filter((e) => files.has(e.site.file)).map((e) => e.name)
    envByFunction.set(f.name, [...new Set(names.filter((n) => !PLATFORM_ENV.test(n)))].sort())
  }

  const functions: FunctionPlan[] = []
  for (const f of folders) {
    const entry = entries.get(f.name)
    const env = envByFunction.get(f.name) ?? []
    if (!entry) problems.push(`${RC_FILE}: no entry for function "${f.name}" (npm run deploy -- --sync adds it)`)
    const eff: RcFunction = { ...(rc.functionDefaultConfig ?? {}), ...(entry ?? { name: f.name }) }
    if (entry && !sameTriggers(entry.triggers, f.triggers)) {
      problems.push(`${RC_FILE}: ${f.name}'s triggers ${JSON.stringify(entry.triggers ?? [])} differ from its config.json ${JSON.stringify(f.triggers)} (npm run deploy -- --sync)`)
    }
    if (entry) {
      const listed = Object.keys(entry.envVariables ?? {}).sort()
      const missing = env.filter((n) => !listed.includes(n))
      const extra = listed.filter((n) => !env.includes(n))
      if (missing.length) problems.push(`${RC_FILE}: ${f.name} reads ${missing.join(', ')} but its envVariables do not set ${missing.length > 1 ? 'them' : 'it'} (npm run deploy -- --sync)`)
      if (extra.length) problems.push(`${RC_FILE}: ${f.name}'s envVariables set ${extra.join(', ')}, which its code never reads (npm run deploy -- --sync)`)
      for (const [k, v] of Object.entries(entry.envVariables ?? {})) {
        if (v !== envTemplate(k)) problems.push(`${RC_FILE}: ${f.name}.envVariables.${k} is "${v}"; values come from the deployer's environment: "${envTemplate(k)}"`)
      }
    }
    const runtime = String(eff.runtime ?? '')
    const timeout = Number(eff.timeout)
    const memorySize = Number(eff.memorySize)
    const major = runtimeMajor(runtime)
    const target = Number(CLOUD_BUILD_TARGET.replace('node', ''))
    // Settings are only judged once the function has an entry (a missing entry is already a problem).
    if (entry) {
      if (major === null) problems.push(`${f.name}: runtime "${runtime}" is not a Node.js runtime (NodejsNN.x)`)
      else if (major < target) problems.push(`${f.name}: runtime ${runtime} is older than the bundles' target ${CLOUD_BUILD_TARGET}`)
      if (!Number.isInteger(timeout) || timeout < 1 || timeout > 60) problems.push(`${f.name}: timeout ${eff.timeout} s is not 1-60 (the CLI's range)`)
      if (!MEMORY_SIZES.includes(memorySize)) problems.push(`${f.name}: memorySize ${eff.memorySize} is not one of ${MEMORY_SIZES.join('/')} MB`)
      if ((eff.handler ?? 'index.main') !== 'index.main') problems.push(`${f.name}: handler "${eff.handler}"; the bundles export main from index.js`)
      if (Object.keys(f.dependencies).length > 0 && eff.installDependency !== true) problems.push(`${f.name}: installDependency must be true (its package.json dependencies are installed in the cloud)`)
    }
    functions.push({
      name: f.name,
      runtime,
      handler: String(eff.handler ?? 'index.main'),
      timeout,
      memorySize,
      installDependency: eff.installDependency === true,
      triggers: f.triggers,
      env,
      collections: [...new Set((uses.get(f.name) ?? []).map((u) => u.collection))].sort(),
      dependencies: f.dependencies,
      bundleKB: f.bundleKB,
      builtKB: f.builtKB,
    })
  }

  // ---- database/schema.json ----
  let schema: SchemaFile = { collections: {} }
  try {
    schema = readJson<SchemaFile>(path.join(root, SCHEMA_FILE))
  } catch (err) {
    problems.push(`${SCHEMA_FILE}: ${(err as Error).message}`)
  }
  const used = new Map<string, CollectionUse[]>()
  for (const list of uses.values()) for (const u of list) push(used, u.collection, u)
  for (const [name, list] of used) {
    if (!schema.collections[name]) {
      const at = [...new Set(list.map((u) => `${u.origin.file}:${u.origin.line}`))].slice(0, 3).join(', ')
      problems.push(`${SCHEMA_FILE}: the code uses collection "${name}" (${at}) but the schema does not define it`)
    }
  }
  const collections: CollectionPlan[] = []
  for (const [name, spec] of Object.entries(schema.collections).sort(([a], [b]) => a.localeCompare(b))) {
    const list = used.get(name) ?? []
    const queried = [...new Set(list.flatMap((u) => u.fields))].sort()
    const partial = list.some((u) => u.partialFields)
    const usedBy = functions.filter((f) => f.collections.includes(name)).map((f) => f.name)
    if (list.length === 0) warnings.push(`${SCHEMA_FILE}: collection "${name}" is not used by any function's code`)
    const indexes = spec.indexes ?? []
    const seen = new Set<string>()
    for (const ix of indexes) {
      const where = `${SCHEMA_FILE}: ${name}.${ix.name}`
      if (!ix.name || !/^[A-Za-z0-9_]+$/.test(ix.name)) problems.push(`${where}: index name must be letters, digits and _`)
      if (seen.has(ix.name)) problems.push(`${where}: index name used twice`)
      seen.add(ix.name)
      if (!Array.isArray(ix.fields) || ix.fields.length === 0) {
        problems.push(`${where}: no fields`)
        continue
      }
      for (const field of ix.fields) {
        if (!Array.isArray(field) || typeof field[0] !== 'string' || (field[1] !== 1 && field[1] !== -1)) {
          problems.push(`${where}: field ${JSON.stringify(field)} is not [path, 1 | -1]`)
          continue
        }
        if (field[0] === '_id' || queried.includes(field[0])) continue
        const msg = `${where}: field "${field[0]}" is in no query's where()/orderBy() on ${name}`
        if (partial) warnings.push(`${msg} (some ${name} queries could not be read through, see scripts/deploy/scan.ts)`)
        else problems.push(msg)
      }
    }
    collections.push({ name, indexes, usedBy, queriedFields: queried })
  }
  for (const site of scan.partial) warnings.push(`${site.file}:${site.line}: a where()/orderBy() argument could not be followed; its fields are not counted`)

  // ---- database/storage.json (optional: without it the environment's storage rule is left as it is) ----
  let storage: StorageRuleFile | null = null
  if (existsSync(path.join(root, STORAGE_FILE))) {
    try {
      storage = readJson<StorageRuleFile>(path.join(root, STORAGE_FILE))
      if (!ACLS.includes(storage.acl)) problems.push(`${STORAGE_FILE}: acl "${storage.acl}" is not one of ${ACLS.join(', ')}`)
      const r = storage.rule
      const ok = (v: unknown) => typeof v === 'boolean' || (typeof v === 'string' && v.trim() !== '')
      if (storage.acl === 'CUSTOM' && !(r && ok(r.read) && ok(r.write))) problems.push(`${STORAGE_FILE}: a CUSTOM acl needs rule { read, write } (true/false or a rule expression)`)
    } catch (err) {
      problems.push(`${STORAGE_FILE}: not valid JSON (${(err as Error).message})`)
    }
  }

  const envNames = new Map<string, string[]>()
  for (const f of functions) for (const n of f.env) push(envNames, n, f.name)
  return {
    envId: rc.envId ?? '',
    functions,
    collections,
    env: [...envNames].sort(([a], [b]) => a.localeCompare(b)).map(([name, fns]) => ({ name, functions: fns })),
    storage,
    problems,
    warnings: [...new Set(warnings)],
  }
}

function push<K, V>(m: Map<K, V[]>, k: K, v: V): void {
  const list = m.get(k)
  if (list) list.push(v)
  else m.set(k, [v])
}

/** cloudbaserc.json with its checked parts (function list, triggers, envVariables) rewritten from their sources. */
export async function syncedRc(root: string): Promise<RcFile> {
  const rcPath = path.join(root, RC_FILE)
  const rc: RcFile = existsSync(rcPath) ? readJson<RcFile>(rcPath) : {}
  const plan = await buildPlan(root)
  const old = new Map((rc.functions ?? []).map((f) => [f.name, f]))
  const functions = plan.functions.map((f) => {
    const entry: RcFunction = { ...(old.get(f.name) ?? { name: f.name }) }
    delete entry.triggers
    delete entry.envVariables
    if (f.env.length) entry.envVariables = Object.fromEntries(f.env.map((n) => [n, envTemplate(n)]))
    if (f.triggers.length) entry.triggers = f.triggers.map((t) => ({ name: t.name, type: t.type, config: t.config }))
    return entry
  })
  return { ...rc, envId: rc.envId ?? ENV_ID_TEMPLATE, functionRoot: rc.functionRoot ?? `./${FUNCTION_ROOT}`, functions }
}

function kb(n: number | null): string {
  return n === null ? '-' : `${n.toFixed(1)} KB`
}

export function formatPlan(plan: Plan): string {
  const out: string[] = []
  out.push(`Environment: ${plan.envId.startsWith('{{') ? `from $TCB_ENV_ID at deploy time (${plan.envId})` : plan.envId}`)
  out.push('')
  out.push(`Functions (${plan.functions.length}), deployed by tcb fn deploy --all from ${RC_FILE}:`)
  for (const f of plan.functions) {
    const bundle = f.builtKB === null ? `bundle ${kb(f.bundleKB)}, not built yet (deploy builds it)` : `bundle ${kb(f.builtKB)} built`
    out.push(`  ${f.name.padEnd(12)} ${f.runtime}  ${String(f.timeout).padStart(3)} s  ${String(f.memorySize).padStart(4)} MB  ${bundle}; installs ${Object.entries(f.dependencies).map(([k, v]) => `${k}@${v}`).join(', ') || 'nothing'}`)
    for (const t of f.triggers) out.push(`  ${''.padEnd(12)} trigger ${t.name} (${t.type}) "${t.config}"`)
    out.push(`  ${''.padEnd(12)} env ${f.env.join(', ') || '(none)'}`)
    out.push(`  ${''.padEnd(12)} collections ${f.collections.join(', ') || '(none)'}`)
  }
  out.push('')
  out.push(`Environment variables (names only; values from the deployer's environment):`)
  for (const e of plan.env) out.push(`  ${e.name.padEnd(34)} ${e.functions.join(', ')}`)
  out.push('')
  out.push(`Collections (${plan.collections.length}) and indexes from ${SCHEMA_FILE}, created if absent, never dropped:`)
  for (const c of plan.collections) {
    out.push(`  ${c.name.padEnd(16)} used by ${c.usedBy.join(', ') || 'no function'}`)
    for (const ix of c.indexes) out.push(`  ${''.padEnd(16)} index ${ix.name}${ix.unique ? ' (unique)' : ''}: ${ix.fields.map(([f, d]) => `${f} ${d === 1 ? 'asc' : 'desc'}`).join(', ')}`)
  }
  out.push('')
  const st = plan.storage
  out.push(`Storage rule from ${STORAGE_FILE}: ${st ? (st.acl === 'CUSTOM' ? `CUSTOM read ${JSON.stringify(st.rule?.read)}, write ${JSON.stringify(st.rule?.write)}` : st.acl) : '(no file: left as it is)'}`)
  out.push('')
  for (const w of plan.warnings) out.push(`warning: ${w}`)
  if (plan.problems.length === 0) out.push('Plan is consistent.')
  else {
    out.push(`${plan.problems.length} problem${plan.problems.length > 1 ? 's' : ''}:`)
    for (const p of plan.problems) out.push(`  - ${p}`)
  }
  return out.join('\n')
}
