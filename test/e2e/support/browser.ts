import { chromium, type Browser } from 'playwright-core'

// The same finder `npm test` runs first (scripts/browser.js), which installs Debian's chromium where it can.
// eslint-disable-next-line @typescript-eslint/no-var-requires
const { findChromium, HINT } = require('../../../scripts/browser.js') as { findChromium(): string | null; HINT: string }

/**
 * Chromium (Debian's, or $CHROMIUM_PATH), headless, with the flags this sandbox needs (docs: /work/shared/notes/toolchain.md).
 * The fresh profile dir the notes ask for is what playwright's launch() already does (it refuses --user-data-dir).
 */
export async function launchChromium(): Promise<{ browser: Browser; close: () => Promise<void> }> {
  const executablePath = findChromium()
  if (!executablePath) throw new Error(HINT)
  const browser = await chromium.launch({
    executablePath,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  })
  return { browser, close: () => browser.close() }
}
