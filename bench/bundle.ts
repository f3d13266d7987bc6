import { execSync } from 'child_process'
import { existsSync, readFileSync, statSync } from 'fs'
import path from 'path'

// eslint-disable-next-line @typescript-eslint/no-var-requires
const { measureWeapp } = require('../config/bundle-size.js') as { measureWeapp(root: string): { main: number; subs: Array<{ name: string; bytes: number }> } }

const root = path.resolve(__dirname, '..')

function ensureBuilt(type: 'weapp' | 'h5', marker: string) {
  if (existsSync(marker) && process.env.BENCH_REBUILD !== '1') return
  execSync(`npm run build:${type}`, { cwd: root, stdio: 'ignore', env: { ...process.env, NODE_ENV: 'production' } })
}

/** weapp main package and subpackages (from app.json), and what the H5 first page loads. */
export function measureBundles(): { mainKB: number; subpackagesKB: Record<string, number>; h5FirstPageKB: number } {
  const weapp = path.join(root, 'dist/weapp')
  ensureBuilt('weapp', path.join(weapp, 'app.json'))
  const { main, subs } = measureWeapp(weapp)
  const subpackagesKB: Record<string, number> = {}
  for (const sub of subs) subpackagesKB[sub.name] = sub.bytes / 1024
  const mainKB = main / 1024

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
