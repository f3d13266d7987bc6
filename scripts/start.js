#!/usr/bin/env node
// `npm start`: build the H5 app, then run the local cloud (seeded with demo data) serving the app on the same
// origin, so the browser's /fn/* calls reach the real cloud functions. Ctrl-C stops it.
const { spawnSync, spawn } = require('child_process')
const path = require('path')

const root = path.resolve(__dirname, '..')
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm'

if (process.env.SKIP_H5_BUILD !== '1') {
  console.log('building the H5 app (npm run build:h5)…')
  const built = spawnSync(npm, ['run', 'build:h5'], { cwd: root, stdio: 'inherit', env: { ...process.env, NODE_ENV: 'production' } })
  if (built.status !== 0) process.exit(built.status || 1)
}

const child = spawn(process.execPath, [require.resolve('tsx/cli'), 'local-cloud/main.ts'], {
  cwd: root,
  stdio: 'inherit',
  env: { ...process.env, STATIC_DIR: path.join(root, 'dist/h5') },
})
const stop = () => child.kill('SIGTERM')
process.on('SIGINT', stop)
process.on('SIGTERM', stop)
child.on('exit', (code) => process.exit(code ?? 0))
