import { build } from 'esbuild'
import { existsSync, readdirSync, statSync } from 'fs'
import path from 'path'
import { cloudBundleOptions } from './cloud-bundle'

/**
 * Bundle each cloud function's TypeScript (and the shared contracts/rules it imports) into
 * cloudfunctions/<name>/index.js, next to its package.json and config.json, so the folder uploads as is.
 */
export async function buildCloudFunctions(repo: string, only: string[] = []): Promise<void> {
  const root = path.join(repo, 'cloudfunctions')
  const names = readdirSync(root).filter((n) => existsSync(path.join(root, n, 'src/index.ts')) && (only.length === 0 || only.includes(n)))
  for (const name of names) {
    const options = cloudBundleOptions(repo, name)
    await build(options)
    const outfile = options.outfile as string
    console.log(`${name.padEnd(12)} ${(statSync(outfile).size / 1024).toFixed(1)} KB  -> cloudfunctions/${name}/index.js`)
  }
}

if (require.main === module) {
  buildCloudFunctions(path.resolve(__dirname, '..'), process.argv.slice(2)).catch((err) => {
    console.error(err)
    process.exit(1)
  })
}
