import { execSync } from 'child_process'
import { existsSync, readdirSync, readFileSync, statSync } from 'fs'
import path from 'path'

const root = path.resolve(__dirname, '..')

function dirSize(dir: string, skip: Set<string> = new Set()): number {
  let total = 0
  for (const name of readdirSync(dir)) {
    const full = path.join(dir, name)
    if (skip.has(full)) continue
    const st = statSync(full)
    total += st.isDirectory() ? dirSize(full, skip) : st.size
  }
  return total
}

function ensureBuilt(type: 'weapp' | 'h5', marker: string) {
  if (existsSync(marker) && process.env.BENCH_REBUILD !== '1') return
  execSync(`npm run build:${type}`, { cwd: root, stdio: 'ignore', env: { ...process.env, NODE_ENV: 'production' } })
}

/** weapp main package and subpackages (from app.json), and what the H5 first page loads. */
export function measureBundles(): { mainKB: number; subpackagesKB: Record<string, number>; h5FirstPageKB: number } {
  const weapp = path.join(root, 'dist/weapp')
  ensureBuilt('weapp', path.join(weapp, 'app.json'))
  const app = JSON.parse(readFileSync(path.join(weapp, 'app.json'), 'utf8')) as { subpackages?: Array<{ root: string }>; subPackages?: Array<{ root: string }> }
  const subs = app.subpackages ?? app.subPackages ?? []
  const subDirs = new Set(subs.map((s) => path.join(weapp, s.root.replace(/\/$/, ''))))
  const subpackagesKB: Record<string, number> = {}
  for (const s of subs) subpackagesKB[s.root] = dirSize(path.join(weapp, s.root)) / 1024
  // Not uploaded with the package: DevTools' project file Taro writes into the output folder.
  const mainKB = (dirSize(weapp, subDirs) - (existsSync(path.join(weapp, 'project.config.json')) ? statSync(path.join(weapp, 'project.config.json')).size : 0)) / 1024

  const h5 = path.join(root, 'dist/h5')
  ensureBuilt('h5', path.join(h5, 'index.html'))
  const html = readFileSync(path.join(h5, 'index.html'), 'utf8')
  let first = Buffer.byteLength(html)
  for (const m of html.matchAll(/(?:src|href)="\/?([^"]+\.(?:js|css))"/g)) {
    const f = path.join(h5, m[1])
    if (existsSync(f)) first += statSync(f).size
  }
  return { mainKB, subpackagesKB, h5FirstPageKB: first / 1024 }
}
