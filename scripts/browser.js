#!/usr/bin/env node
// The browser the e2e tests drive: Debian's chromium (playwright-core needs an executable; browser downloads
// are blocked here, Debian's packages are not). `node scripts/browser.js` (run by `npm test`) finds one, or —
// as root with apt-get — installs Debian's chromium itself, each apt step under a hard timeout so the test
// command can never hang on it; otherwise it prints ONE line saying what to install and exits 1.
// `findChromium()` is what test/e2e/support/browser.ts launches.
const { spawnSync } = require('child_process')
const fs = require('fs')
const path = require('path')

const CANDIDATES = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome', '/usr/bin/google-chrome-stable']
const PACKAGES = ['chromium', 'fonts-wqy-zenhei'] // the font draws the app's Chinese text in screenshots
const HINT = `no Chromium for the browser tests: run \`apt-get install -y ${PACKAGES.join(' ')}\` (or set CHROMIUM_PATH to a Chromium/Chrome executable)`

function isExecutable(file) {
  try {
    fs.accessSync(file, fs.constants.X_OK)
    return fs.statSync(file).isFile()
  } catch {
    return false
  }
}

/** $CHROMIUM_PATH if set (and only it), else the first Chromium/Chrome on the usual paths or PATH; null if none. */
function findChromium() {
  if (process.env.CHROMIUM_PATH) return isExecutable(process.env.CHROMIUM_PATH) ? process.env.CHROMIUM_PATH : null
  const onPath = (process.env.PATH || '').split(path.delimiter).filter(Boolean)
    .flatMap((dir) => ['chromium', 'chromium-browser', 'google-chrome'].map((name) => path.join(dir, name)))
  return [...CANDIDATES, ...onPath].find(isExecutable) || null
}

function run(cmd, args, timeoutMs) {
  const res = spawnSync(cmd, args, {
    stdio: ['ignore', 'ignore', 'pipe'],
    timeout: timeoutMs,
    killSignal: 'SIGKILL',
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
  })
  if (res.error) return `${cmd} ${args[0]}: ${res.error.code === 'ETIMEDOUT' ? `gave up after ${timeoutMs / 1000} s` : res.error.message}`
  if (res.status !== 0) return `${cmd} ${args[0]} exited ${res.status}: ${String(res.stderr).trim().split('\n').pop()}`
  return null
}

/** Why Debian's chromium cannot be installed from here, or null when it can (root with apt-get). */
function whyNoInstall() {
  if (process.env.E2E_NO_INSTALL === '1') return 'E2E_NO_INSTALL=1'
  if (process.platform !== 'linux' || typeof process.getuid !== 'function' || process.getuid() !== 0) return 'not root'
  if (!isExecutable('/usr/bin/apt-get')) return 'no apt-get'
  return null
}

function installWithApt() {
  // A held dpkg lock or a dead mirror must end the test command, not stall it.
  const lock = ['-o', 'DPkg::Lock::Timeout=60']
  const net = ['-o', 'Acquire::http::Timeout=30', '-o', 'Acquire::Retries=1']
  return run('apt-get', ['update', '-qq', ...net, ...lock], 180_000)
    || run('apt-get', ['install', '-y', '-qq', ...net, ...lock, ...PACKAGES], 900_000)
}

/** The browser to use, installing Debian's chromium if needed and possible; null (after one line on stderr) if none. */
function ensureChromium() {
  const found = findChromium()
  if (found) return found
  if (process.env.CHROMIUM_PATH) {
    console.error(`CHROMIUM_PATH=${process.env.CHROMIUM_PATH} is not an executable; ${HINT}`)
    return null
  }
  const cannot = whyNoInstall()
  if (cannot) {
    console.error(`${HINT} (not installed automatically: ${cannot})`)
    return null
  }
  console.error(`[browser] no Chromium found; installing Debian's chromium (apt-get install ${PACKAGES.join(' ')}, a few minutes)…`)
  const failed = installWithApt()
  const installed = failed ? null : findChromium()
  if (!installed) console.error(`${HINT} (automatic install failed: ${failed ?? 'no chromium after apt-get install'})`)
  return installed
}

module.exports = { findChromium, ensureChromium, HINT }

if (require.main === module) process.exit(ensureChromium() ? 0 : 1)
