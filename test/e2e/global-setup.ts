import { execSync } from 'child_process'
import { existsSync } from 'fs'
import path from 'path'

/** The e2e suite drives the real H5 build; build it once if it is not there (E2E_REBUILD=1 forces a rebuild). */
export default function globalSetup(): void {
  const root = path.resolve(__dirname, '../..')
  const index = path.join(root, 'dist/h5/index.html')
  if (existsSync(index) && process.env.E2E_REBUILD !== '1') return
  // eslint-disable-next-line no-console
  console.log('\n[e2e] building H5 (npm run build:h5)…')
  execSync('npm run build:h5', { cwd: root, stdio: 'inherit', env: { ...process.env, NODE_ENV: 'production' } })
}
