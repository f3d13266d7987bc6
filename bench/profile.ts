import { mkdtempSync, rmSync, writeFileSync } from 'fs'
import { Session } from 'inspector'
import os from 'os'
import path from 'path'
import { startLocalCloud } from '../local-cloud/host'
import { createCrowdGroupBuy, runCrowd } from './crowd'
import { httpCaller } from './http-client'

/**
 * `npx tsx bench/profile.ts [inprocess|http]`: a CPU profile of three warm crowds only (after one cold crowd),
 * written to bench/profile-<mode>.cpuprofile (open it in Chrome DevTools), and its top self-time items printed.
 * The bench's own figures come from `npm run bench`; this is where to look for why.
 */
type Node = { id: number; callFrame: { functionName: string; url: string; lineNumber: number }; children?: number[] }
type Profile = { nodes: Node[]; samples: number[]; timeDeltas: number[] }

function post<T>(s: Session, method: string, params?: object): Promise<T> {
  return new Promise((resolve, reject) => s.post(method, params ?? {}, (err, res) => (err ? reject(err) : resolve(res as T))))
}

export function topItems(p: Profile, n = 15): Array<{ item: string; pct: number }> {
  const byId = new Map(p.nodes.map((x) => [x.id, x]))
  const parent = new Map<number, number>()
  for (const x of p.nodes) for (const c of x.children ?? []) parent.set(c, x.id)
  // Samples taken while the profiler itself stops (under this file's post()) are not the crowd's.
  const own = (id: number): boolean => {
    for (let x: number | undefined = id; x !== undefined; x = parent.get(x)) if (byId.get(x)!.callFrame.url.endsWith('bench/profile.ts')) return true
    return false
  }
  const self = new Map<string, number>()
  let total = 0
  p.samples.forEach((id, i) => {
    if (own(id)) return
    const d = p.timeDeltas[i] ?? 0
    total += d
    const f = byId.get(id)!.callFrame
    const where = f.url.replace(/^file:\/\//, '').replace(/.*node_modules\//, '').replace(`${path.resolve(__dirname, '..')}/`, '')
    const key = `${f.functionName || '(anonymous)'}${where ? ` ${where}:${f.lineNumber + 1}` : ''}`
    self.set(key, (self.get(key) ?? 0) + d)
  })
  return [...self].sort((a, b) => b[1] - a[1]).slice(0, n).map(([item, t]) => ({ item, pct: (100 * t) / total }))
}

async function main() {
  const mode = process.argv[2] === 'http' ? 'http' : 'inprocess'
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'llt-prof-'))
  const cloud = await startLocalCloud({ port: 0, dataDir: path.join(tmp, 'p'), adminOpenids: ['demo-admin'], seed: true })
  const client = mode === 'http' ? httpCaller(cloud.url, 'groupBuy') : null
  const call = client?.call ?? ((openid: string, event: Record<string, unknown>) => cloud.invoke('groupBuy', event, openid) as never)
  try {
    await runCrowd(cloud, await createCrowdGroupBuy(cloud, 500), 500, 1000, 2, call)
    const s = new Session()
    s.connect()
    await post(s, 'Profiler.enable')
    await post(s, 'Profiler.setSamplingInterval', { interval: 100 })
    await post(s, 'Profiler.start')
    for (let i = 0; i < 3; i++) {
      const r = await runCrowd(cloud, await createCrowdGroupBuy(cloud, 500), 500, 1000, 2, call)
      console.log(`crowd ${i + 1}: ${r.joinsPerSec.toFixed(0)} joins/s, ${r.opsPerSuccessfulJoin.toFixed(2)} ops/successful join`)
    }
    const { profile } = await post<{ profile: Profile }>(s, 'Profiler.stop')
    const out = path.resolve(__dirname, `profile-${mode}.cpuprofile`)
    writeFileSync(out, JSON.stringify(profile))
    for (const t of topItems(profile, Number(process.env.TOP ?? 20))) console.log(`${t.pct.toFixed(1).padStart(5)}%  ${t.item}`)
    console.log(`profile: ${path.relative(process.cwd(), out)}`)
  } finally {
    await client?.close()
    await cloud.close()
    rmSync(tmp, { recursive: true, force: true })
  }
  process.exit(0)
}

if (require.main === module) main().catch((err) => {
  console.error(err)
  process.exit(1)
})
