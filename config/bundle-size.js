// Reports the weapp main package and subpackage sizes against WeChat's limits and our budgets.
// Usage: node config/bundle-size.js [dist/weapp]   (exit 1 when over budget)
const fs = require('fs')
const path = require('path')

const root = path.resolve(process.argv[2] || 'dist/weapp')
const BUDGET = { main: 500 * 1024, sub: 300 * 1024 }

function size(p) {
  const st = fs.statSync(p)
  if (!st.isDirectory()) return st.size
  return fs.readdirSync(p).reduce((sum, f) => sum + size(path.join(p, f)), 0)
}

const app = JSON.parse(fs.readFileSync(path.join(root, 'app.json'), 'utf8'))
const subRoots = (app.subPackages || app.subpackages || []).map((s) => s.root.replace(/\/$/, ''))
const subs = subRoots.map((r) => ({ name: r, bytes: size(path.join(root, r)) }))
const total = size(root)
const main = total - subs.reduce((s, x) => s + x.bytes, 0)
const kb = (b) => `${(b / 1024).toFixed(1)} KB`
let over = false
console.log(`main package: ${kb(main)} (budget ${kb(BUDGET.main)})`)
if (main > BUDGET.main) over = true
for (const s of subs) {
  console.log(`subpackage ${s.name}: ${kb(s.bytes)} (budget ${kb(BUDGET.sub)})`)
  if (s.bytes > BUDGET.sub) over = true
}
console.log(`total: ${kb(total)}`)
process.exit(over ? 1 : 0)
