import { spawnSync } from 'child_process'
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'fs'
import os from 'os'
import path from 'path'
import { cronProblem } from '../../scripts/deploy/cron'
import { syncDatabase, syncStorageRule, type DatabaseApi, type StorageApi } from '../../scripts/deploy/database'
import { deploy, type DeployDeps } from '../../scripts/deploy/deploy'
import { buildPlan, syncedRc, type RcFile, type SchemaFile } from '../../scripts/deploy/plan'

const repo = path.resolve(__dirname, '../..')

/** Every `.collection('name')` literal under server/ and cloudfunctions/*\/src, by a plain text search. */
function literalCollections(): Set<string> {
  const names = new Set<string>()
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir)) {
      const p = path.join(dir, entry)
      if (statSync(p).isDirectory()) walk(p)
      else if (p.endsWith('.ts') && !p.endsWith('.test.ts')) {
        for (const m of readFileSync(p, 'utf8').matchAll(/\.collection\(\s*'([A-Za-z0-9_]+)'\s*\)/g)) names.add(m[1])
      }
    }
  }
  walk(path.join(repo, 'server'))
  for (const fn of readdirSync(path.join(repo, 'cloudfunctions'))) {
    const src = path.join(repo, 'cloudfunctions', fn, 'src')
    if (statSync(path.join(repo, 'cloudfunctions', fn)).isDirectory() && readdirSync(path.join(repo, 'cloudfunctions', fn)).includes('src')) walk(src)
  }
  return names
}

describe('the deploy plan of this repository (offline)', () => {
  let plan: Awaited<ReturnType<typeof buildPlan>>
  beforeAll(async () => {
    plan = await buildPlan(repo)
  })

  it('is consistent: every function folder, trigger, env variable and collection has its deploy entry', () => {
    expect(plan.problems).toEqual([])
  })

  it('deploys exactly the function folders under cloudfunctions/', () => {
    const folders = readdirSync(path.join(repo, 'cloudfunctions'))
      .filter((n) => statSync(path.join(repo, 'cloudfunctions', n)).isDirectory())
      .sort()
    expect(plan.functions.map((f) => f.name)).toEqual(folders)
  })

  it("carries each config.json's timer trigger, and gives settle more than the 3 s default", () => {
    for (const f of plan.functions) {
      const file = path.join(repo, 'cloudfunctions', f.name, 'config.json')
      const config = (existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : {}) as { triggers?: unknown[] }
      expect(f.triggers).toEqual(config.triggers ?? [])
    }
    expect(plan.functions.find((f) => f.name === 'settle')!.timeout).toBeGreaterThan(3)
  })

  it('creates every collection the code names, found by a text search independent of the plan', () => {
    const literal = literalCollections()
    expect(literal.size).toBeGreaterThan(5)
    const planned = new Map(plan.collections.map((c) => [c.name, c]))
    for (const name of literal) {
      expect({ name, planned: planned.has(name) }).toEqual({ name, planned: true })
      expect({ name, usedBy: planned.get(name)!.usedBy.length > 0 }).toEqual({ name, usedBy: true })
    }
  })

  it('follows collection names passed through helpers (findById, keysetPage, reserveKeyed, PURCHASES)', () => {
    const usedBy = (c: string) => plan.collections.find((x) => x.name === c)?.usedBy ?? []
    expect(usedBy('pickupCodes')).toContain('pickup') // reserveKeyed(db, 'pickupCodes', ...) in server/pickup
    expect(usedBy('coupons')).toContain('settle') // PURCHASES.coupon.collection in server/payments/refunds.ts
    // keysetPage(db, 'groupBuys', { creatorOpenid }, { field: 'createdAt' }): the fields reach groupBuys only.
    const gb = plan.collections.find((c) => c.name === 'groupBuys')!
    expect(gb.queriedFields).toEqual(expect.arrayContaining(['creatorOpenid', 'createdAt', 'pickupPointId', 'endAt', '_id']))
    expect(plan.collections.find((c) => c.name === 'orders')!.queriedFields).not.toContain('creatorOpenid')
  })

  it('lists the env variables each function reads, without the platform-provided ones', () => {
    const settle = plan.functions.find((f) => f.name === 'settle')!
    expect(settle.env).toEqual(expect.arrayContaining(['WXPAY_SUB_MCH_ID', 'TEMPLATE_ID_GROUP_SUCCEEDED', 'ADMIN_OPENIDS']))
    expect(plan.env.map((e) => e.name)).not.toContain('TCB_ENV')
    expect(plan.env.map((e) => e.name)).not.toContain('SCF_NAMESPACE')
  })
})

// ---------- a small repository of its own, to see each check fail ----------

function write(root: string, file: string, text: string): void {
  mkdirSync(path.dirname(path.join(root, file)), { recursive: true })
  writeFileSync(path.join(root, file), text)
}

const RC: RcFile = {
  envId: '{{env.TCB_ENV_ID}}',
  functionRoot: './cloudfunctions',
  functionDefaultConfig: { runtime: 'Nodejs18.15', handler: 'index.main', timeout: 10, memorySize: 256, installDependency: true },
  functions: [
    { name: 'alpha', envVariables: { ALPHA_KEY: '{{env.ALPHA_KEY}}' } },
    { name: 'tick', timeout: 60, triggers: [{ name: 'everyMinute', type: 'timer', config: '0 */1 * * * * *' }] },
  ],
}

const SCHEMA: SchemaFile = {
  collections: {
    things: { indexes: [{ name: 'owner_created', fields: [['owner', 1], ['createdAt', -1]] }] },
    notes: { indexes: [] },
  },
}

function fixture(): string {
  const root = mkdtempSync(path.join(os.tmpdir(), 'deploy-plan-'))
  write(root, 'server/kit.ts', [
    "export function byId(db: any, collection: string, id: string) { return db.collection(collection).where({ _id: id }).get() }",
    "export function page(db: any, collection: string, base: Record<string, unknown>, sort: { field: string }) {",
    "  return db.collection(collection).where(base).orderBy(sort.field, 'desc').get()",
    '}',
  ].join('\n'))
  write(root, 'cloudfunctions/alpha/src/index.ts', [
    "import { byId, page } from '../../../server/kit'",
    'export async function main(event: any) {',
    "  const db = event.db",
    "  await page(db, 'things', { owner: event.owner }, { field: 'createdAt' })",
    "  await db.collection('notes').add({ data: { key: process.env.ALPHA_KEY } })",
    "  return byId(db, 'things', event.id)",
    '}',
  ].join('\n'))
  write(root, 'cloudfunctions/alpha/config.json', JSON.stringify({ permissions: { openapi: [] } }))
  write(root, 'cloudfunctions/alpha/package.json', JSON.stringify({ name: 'alpha', main: 'index.js', dependencies: {} }))
  write(root, 'cloudfunctions/tick/src/index.ts', "export async function main(event: any) { return event.db.collection('notes').where({}).get() }\n")
  write(root, 'cloudfunctions/tick/config.json', JSON.stringify({ triggers: [{ name: 'everyMinute', type: 'timer', config: '0 */1 * * * * *' }] }))
  write(root, 'cloudfunctions/tick/package.json', JSON.stringify({ name: 'tick', main: 'index.js', dependencies: {} }))
  write(root, 'cloudbaserc.json', JSON.stringify(RC, null, 2))
  write(root, 'database/schema.json', JSON.stringify(SCHEMA, null, 2))
  return root
}

describe('the deploy plan catches what is missing', () => {
  let root: string
  beforeEach(() => {
    root = fixture()
  })
  afterEach(() => rmSync(root, { recursive: true, force: true }))

  const problems = async () => (await buildPlan(root)).problems

  it('passes a consistent repository, bundles not built yet', async () => {
    const plan = await buildPlan(root)
    expect(plan.problems).toEqual([])
    expect(plan.functions.map((f) => [f.name, f.builtKB, f.env])).toEqual([
      ['alpha', null, ['ALPHA_KEY']],
      ['tick', null, []],
    ])
    expect(plan.collections.find((c) => c.name === 'things')!.usedBy).toEqual(['alpha'])
  })

  it('a new function folder without package.json or a cloudbaserc.json entry', async () => {
    write(root, 'cloudfunctions/beta/src/index.ts', 'export async function main() { return 1 }\n')
    write(root, 'cloudfunctions/beta/config.json', '{}')
    expect(await problems()).toEqual([
      'cloudfunctions/beta: no package.json (CloudBase installs the function\'s dependencies from it)',
      'cloudbaserc.json: no entry for function "beta" (npm run deploy -- --sync adds it)',
    ])
  })

  it('a collection the code uses that schema.json lacks, also when named through a helper', async () => {
    write(root, 'cloudfunctions/tick/src/index.ts', "import { byId } from '../../../server/kit'\nexport async function main(event: any) { return byId(event.db, 'ledger', 'x') }\n")
    const found = await problems()
    expect(found).toHaveLength(1)
    expect(found[0]).toMatch(/^database\/schema.json: the code uses collection "ledger" \(cloudfunctions\/tick\/src\/index.ts:2\)/)
  })

  it('follows a record of collection names and a collection held in a variable', async () => {
    write(root, 'cloudfunctions/tick/src/index.ts', [
      "const KINDS: Record<string, { collection: string }> = { a: { collection: 'notes' }, b: { collection: 'archive' } }",
      'export async function main(event: any) {',
      '  const k = KINDS[event.kind]',
      '  const coll = event.db.collection(k.collection)',
      "  return coll.where({ status: 'OPEN' }).orderBy('seenAt', 'asc').get()",
      '}',
    ].join('\n'))
    const schema = structuredClone(SCHEMA)
    schema.collections.archive = { indexes: [{ name: 'status_seen', fields: [['status', 1], ['seenAt', 1]] }] }
    write(root, 'database/schema.json', JSON.stringify(schema))
    const plan = await buildPlan(root)
    expect(plan.problems).toEqual([])
    const archive = plan.collections.find((c) => c.name === 'archive')!
    expect([archive.usedBy, archive.queriedFields]).toEqual([['tick'], ['seenAt', 'status']])
  })

  it('a collection name the plan cannot read', async () => {
    write(root, 'cloudfunctions/tick/src/index.ts', 'export async function main(event: any) { return event.db.collection(event.which).get() }\n')
    expect(await problems()).toEqual(['cloudfunctions/tick/src/index.ts:1: cannot tell collection name event.which'])
  })

  it('a trigger that is not CloudBase cron, or more than one', async () => {
    write(root, 'cloudfunctions/tick/config.json', JSON.stringify({ triggers: [{ name: 'everyMinute', type: 'timer', config: '0 */1 * * * *' }] }))
    const found = await problems()
    expect(found).toContain('cloudfunctions/tick/config.json: trigger everyMinute "0 */1 * * * *" is not CloudBase cron: has 6 fields; CloudBase cron has 7 (second minute hour day month weekday year)')
    // and cloudbaserc.json no longer carries what config.json says
    expect(found.some((p) => p.startsWith("cloudbaserc.json: tick's triggers"))).toBe(true)
  })

  it('an index on a field no query filters or sorts on', async () => {
    const schema = structuredClone(SCHEMA)
    schema.collections.things.indexes!.push({ name: 'by_colour', fields: [['colour', 1]] })
    write(root, 'database/schema.json', JSON.stringify(schema))
    expect(await problems()).toEqual(['database/schema.json: things.by_colour: field "colour" is in no query\'s where()/orderBy() on things'])
  })

  it('an env variable read but not set, one set but never read, and one read dynamically', async () => {
    write(root, 'cloudfunctions/tick/src/index.ts', "export async function main(event: any) { return [process.env.TICK_LIMIT, process.env[event.k]] }\n")
    const rc = structuredClone(RC)
    rc.functions![0].envVariables = { ALPHA_KEY: '{{env.ALPHA_KEY}}', OLD_ONE: '{{env.OLD_ONE}}' }
    write(root, 'cloudbaserc.json', JSON.stringify(rc))
    expect(await problems()).toEqual([
      'cloudfunctions/tick/src/index.ts:1: cannot tell process.env[event.k] (read variables as process.env.NAME so the deploy knows to set them)',
      "cloudbaserc.json: alpha's envVariables set OLD_ONE, which its code never reads (npm run deploy -- --sync)",
      'cloudbaserc.json: tick reads TICK_LIMIT but its envVariables do not set it (npm run deploy -- --sync)',
    ])
  })

  it('a storage rule that CloudBase would refuse', async () => {
    write(root, 'database/storage.json', JSON.stringify({ acl: 'CUSTOM', rule: { read: true } }))
    expect(await problems()).toEqual(['database/storage.json: a CUSTOM acl needs rule { read, write } (true/false or a rule expression)'])
    write(root, 'database/storage.json', JSON.stringify({ acl: 'PUBLIC' }))
    expect(await problems()).toEqual(['database/storage.json: acl "PUBLIC" is not one of READONLY, PRIVATE, ADMINWRITE, ADMINONLY, CUSTOM'])
  })

  it('--sync rewrites the function list, triggers and envVariables, keeping hand-set settings', async () => {
    write(root, 'cloudfunctions/beta/src/index.ts', 'export async function main() { return process.env.BETA_URL }\n')
    write(root, 'cloudfunctions/beta/config.json', JSON.stringify({ triggers: [{ name: 'nightly', type: 'timer', config: '0 0 3 * * * *' }] }))
    write(root, 'cloudfunctions/beta/package.json', JSON.stringify({ name: 'beta', main: 'index.js' }))
    expect((await problems()).length).toBeGreaterThan(0)
    const next = await syncedRc(root)
    write(root, 'cloudbaserc.json', JSON.stringify(next))
    expect(await problems()).toEqual([])
    expect(next.functions!.find((f) => f.name === 'tick')!.timeout).toBe(60)
    expect(next.functions!.find((f) => f.name === 'beta')).toEqual({
      name: 'beta',
      envVariables: { BETA_URL: '{{env.BETA_URL}}' },
      triggers: [{ name: 'nightly', type: 'timer', config: '0 0 3 * * * *' }],
    })
  })
})

describe('CloudBase cron (7 fields)', () => {
  it.each(['0 */1 * * * * *', '*/5 * * * * * *', '0 0 2 1 * * *', '0 15 10 * * MON-FRI *', '0 0 10,14,16 * * * *', '0 */30 9-17 * * * 2026'])('accepts %s', (expr) => {
    expect(cronProblem(expr)).toBeNull()
  })
  it.each([
    ['0 */1 * * * *', /6 fields/],
    ['60 * * * * * *', /second field/],
    ['0 0 25 * * * *', /hour field/],
    ['0 0 * * * L *', /weekday field/],
    ['0 0 * * * * 1969', /year field/],
    ['0 5-1 * * * * *', /runs backwards/],
    ['0 */0 * * * * *', /step 0/],
  ])('refuses %s', (expr, why) => {
    expect(cronProblem(expr)).toMatch(why)
  })
})

describe('syncDatabase (what npm run deploy does to the database)', () => {
  function fakeDb(existing: Record<string, Array<{ Name: string; Keys: Array<{ Name: string; Direction: string }> }>>) {
    const calls: string[] = []
    const api: DatabaseApi = {
      async createCollectionIfNotExists(name) {
        calls.push(`create? ${name}`)
        const isCreated = !existing[name]
        if (isCreated) existing[name] = []
        return { IsCreated: isCreated }
      },
      async describeCollection(name) {
        return { Indexes: existing[name] }
      },
      async updateCollection(name, info) {
        calls.push(`update ${name} ${JSON.stringify(info)}`)
        for (const ix of info.CreateIndexes ?? []) existing[name].push({ Name: ix.IndexName, Keys: ix.MgoKeySchema.MgoIndexKeys })
      },
    }
    return { api, calls, existing }
  }

  it('creates absent collections, adds only missing indexes, drops nothing, and says what changed', async () => {
    const schema: SchemaFile = {
      collections: {
        things: { indexes: [{ name: 'owner_created', fields: [['owner', 1], ['createdAt', -1]] }, { name: 'by_kind', fields: [['kind', 1]] }] },
        notes: {},
      },
    }
    const db = fakeDb({ things: [{ Name: '_id_', Keys: [{ Name: '_id', Direction: '1' }] }, { Name: 'owner_created', Keys: [{ Name: 'owner', Direction: '1' }] }] })
    const changes = await syncDatabase(db.api, schema)
    expect(changes).toEqual({
      createdCollections: ['notes'],
      addedIndexes: ['things.by_kind'],
      differing: ['things.owner_created (is owner:1, schema says owner:1,createdAt:-1)'],
    })
    expect(db.calls).toEqual([
      'create? things',
      `update things ${JSON.stringify({ CreateIndexes: [{ IndexName: 'by_kind', MgoKeySchema: { MgoIndexKeys: [{ Name: 'kind', Direction: '1' }], MgoIsUnique: false } }] })}`,
      'create? notes',
    ])
    expect(db.existing.things.map((i) => i.Name)).toEqual(['_id_', 'owner_created', 'by_kind'])

    // A second deploy changes nothing.
    const again = await syncDatabase(db.api, schema)
    expect(again.createdCollections).toEqual([])
    expect(again.addedIndexes).toEqual([])
  })
})

describe('syncStorageRule', () => {
  it("sets database/storage.json's rule only when the environment's differs, and says what it was", async () => {
    const set: unknown[] = []
    let current: { acl: string; rule?: { read: boolean | string; write: boolean | string } } = { acl: 'PRIVATE' }
    const storage: StorageApi = {
      async getStorageAcl() {
        return current
      },
      async setStorageAcl(acl, rule) {
        set.push([acl, rule])
        current = { acl, rule }
      },
    }
    const wanted = { acl: 'CUSTOM' as const, rule: { read: true, write: 'resource.openid == auth.openid' } }
    expect(await syncStorageRule(storage, wanted)).toBe('PRIVATE')
    expect(set).toEqual([['CUSTOM', wanted.rule]])
    expect(await syncStorageRule(storage, wanted)).toBeNull()
    expect(set).toHaveLength(1)
  })
})

describe('deploy (the real steps, with the cloud faked)', () => {
  let root: string
  beforeEach(() => {
    root = fixture()
  })
  afterEach(() => rmSync(root, { recursive: true, force: true }))

  function deps(env: Record<string, string | undefined>) {
    const calls: string[] = []
    const logs: string[] = []
    const errors: string[] = []
    const homes: string[] = []
    const existing: Record<string, Array<{ Name: string }>> = { notes: [] }
    const d: DeployDeps = {
      root,
      env,
      async build() {
        calls.push('build')
      },
      async manager(config) {
        calls.push(`manager ${config.envId}`)
        return {
          database: {
            async createCollectionIfNotExists(name) {
              calls.push(`collection ${name}`)
              const created = !existing[name]
              existing[name] ??= []
              return { IsCreated: created }
            },
            async describeCollection(name) {
              return { Indexes: existing[name] }
            },
            async updateCollection(name, info) {
              calls.push(`indexes ${name} ${(info.CreateIndexes ?? []).map((i) => i.IndexName).join(',')}`)
            },
          },
          storage: {
            async getStorageAcl() {
              return { acl: 'PRIVATE' }
            },
            async setStorageAcl(acl) {
              calls.push(`storage ${acl}`)
            },
          },
        }
      },
      tcb(args, home, shown) {
        homes.push(home)
        calls.push(`tcb ${shown} (home exists: ${existsSync(home)})`)
        if (args[0] === 'login') expect(args).toEqual(['login', '--apiKeyId', env.TCB_SECRET_ID, '--apiKey', env.TCB_SECRET_KEY])
        expect(shown).not.toContain(env.TCB_SECRET_KEY as string)
      },
      log: (l) => logs.push(l),
      error: (l) => errors.push(l),
    }
    return { d, calls, logs, errors, homes }
  }
  const CREDS = { TCB_ENV_ID: 'prod-1', TCB_SECRET_ID: 'AKIDtest', TCB_SECRET_KEY: 'secret-key-value' }

  it('without credentials: one line, nothing built or called', async () => {
    const { d, calls, errors } = deps({ TCB_ENV_ID: 'prod-1' })
    expect(await deploy(d)).toBe(2)
    expect(errors).toHaveLength(1)
    expect(errors[0]).toMatch(/missing: TCB_SECRET_ID, TCB_SECRET_KEY/)
    expect(calls).toEqual([])
  })

  it('refuses while an env variable the functions read is unset, before touching the cloud', async () => {
    const { d, calls, errors } = deps({ ...CREDS })
    expect(await deploy(d)).toBe(1)
    expect(errors).toEqual(['Not deploying: set ALPHA_KEY (empty means "use the code\'s default"); the functions read them.'])
    expect(calls).toEqual(['build'])
  })

  it('refuses an inconsistent plan', async () => {
    write(root, 'cloudfunctions/tick/config.json', JSON.stringify({ triggers: [{ name: 'everyMinute', type: 'timer', config: 'every minute' }] }))
    const { d, calls, errors } = deps({ ...CREDS, ALPHA_KEY: 'k' })
    expect(await deploy(d)).toBe(1)
    expect(errors).toEqual(['Not deploying: the plan has problems (above).'])
    expect(calls).toEqual(['build'])
  })

  it('database and storage first, then login and fn deploy in a throw-away HOME, then what changed', async () => {
    write(root, 'database/storage.json', JSON.stringify({ acl: 'READONLY' }))
    const { d, calls, logs, homes } = deps({ ...CREDS, ALPHA_KEY: '' })
    expect(await deploy(d)).toBe(0)
    expect(calls).toEqual([
      'build',
      'manager prod-1',
      'collection things',
      'indexes things owner_created',
      'collection notes',
      'storage READONLY',
      'tcb login --apiKeyId *** --apiKey *** (home exists: true)',
      'tcb fn deploy --all --force --yes -e prod-1 (home exists: true)',
    ])
    expect(new Set(homes).size).toBe(1)
    expect(existsSync(homes[0])).toBe(false)
    expect(logs).toContain('note: ALPHA_KEY is empty; alpha use the code\'s default')
    expect(logs).toEqual(expect.arrayContaining(['  collections created: things', '  indexes added: things.owner_created', '  storage rule: set from database/storage.json (was PRIVATE)']))
  })
})

describe('npm run deploy without credentials', () => {
  it('refuses with one clear line and touches nothing', () => {
    const env = { ...process.env }
    delete env.TCB_ENV_ID
    delete env.TCB_SECRET_ID
    delete env.TCB_SECRET_KEY
    const res = spawnSync(path.join(repo, 'node_modules/.bin/tsx'), ['scripts/deploy/main.ts'], { cwd: repo, env, encoding: 'utf8' })
    expect(res.status).toBe(2)
    expect(res.stdout).toBe('')
    expect(res.stderr.trim().split('\n')).toEqual([
      'npm run deploy needs TCB_ENV_ID, TCB_SECRET_ID, TCB_SECRET_KEY in the environment (missing: TCB_ENV_ID, TCB_SECRET_ID, TCB_SECRET_KEY); npm run deploy -- --plan shows the plan without them.',
    ])
  })
})
