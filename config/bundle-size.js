// Reports the weapp main package and subpackage sizes against WeChat's limits and our budgets.
// Usage: node config/bundle-size.js [dist/weapp]   (exit 1 when over budget). Also used by npm run bench.
const fs = require('fs')
const path = require('path')

const BUDGET = { main: 500 * 1024, sub: 300 * 1024 }

function size(p) {
  const st = fs.statSync(p)
  if (!st.isDirectory()) return st.size
  return fs.readdirSync(p).reduce((sum, f) => sum + size(path.join(p, f)), 0)
}

/** Bytes of the main package and of each subpackage (roots from app.json) of a weapp build. */
function measureWeapp(root) {
  const app = JSON.parse(fs.readFileSync(path.join(root, 'app.json'), 'utf8'))
  const subRoots = (app.subPackages || app.subpackages || []).map((s) => s.root.replace(/\/$/, ''))
  const subs = subRoots.map((r) => ({ name: r, bytes: size(path.join(root, r)) }))
  const total = size(root)
  // DevTools' project file that Taro writes into the output folder is not part of the uploaded package.
  const projectFile = path.join(root, 'project.config.json')
  const notUploaded = fs.existsSync(projectFile) ? fs.statSync(projectFile).size : 0
  return { main: total - notUploaded - subs.reduce((s, x) => s + x.bytes, 0), subs, total }
}

module.exports = { measureWeapp, BUDGET }

if (require.main === module) {
  const { main, subs, total } = measureWeapp(path.resolve(process.argv[2] || 'dist/weapp'))
  const kb = (b) => `${(b / 1024).toFixed(1)} KB`
  let over = main > BUDGET.main
  console.log(`main package: ${kb(main)} (budget ${kb(BUDGET.main)})`)
  for (const s of subs) {
    console.log(`subpackage ${s.name}: ${kb(s.bytes)} (budget ${kb(BUDGET.sub)})`)
    if (s.bytes > BUDGET.sub) over = true
  }
  console.log(`total: ${kb(total)}`)
  process.exit(over ? 1 : 0)
}
