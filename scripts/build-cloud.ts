import { build } from 'esbuild'
import { existsSync, readdirSync, statSync } from 'fs'
import path from 'path'

/**
 * Bundle each cloud function's TypeScript (and the shared contracts/rules it imports) into
 * cloudfunctions/<name>/index.js, next to its package.json and config.json, so the folder uploads as is.
 * wx-server-sdk stays external: CloudBase installs it from the function's package.json.
 */
const root = path.resolve(__dirname, '../cloudfunctions')

async function main() {
  const only = process.argv.slice(2)
  const names = readdirSync(root).filter((n) => existsSync(path.join(root, n, 'src/index.ts')) && (only.length === 0 || only.includes(n)))
  for (const name of names) {
    const outfile = path.join(root, name, 'index.js')
    await build({
      entryPoints: [path.join(root, name, 'src/index.ts')],
      outfile,
      bundle: true,
      platform: 'node',
      target: 'node16',
      format: 'cjs',
      external: ['wx-server-sdk'],
      legalComments: 'none',
      logLevel: 'warning',
    })
    console.log(`${name.padEnd(12)} ${(statSync(outfile).size / 1024).toFixed(1)} KB  -> cloudfunctions/${name}/index.js`)
  }
}

main().catch((err) => {
  console.error(err)
  process.exit(1)
})
