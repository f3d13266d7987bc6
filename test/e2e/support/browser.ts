import { chromium, type Browser } from 'playwright-core'

/**
 * Debian's chromium, headless, with the flags this sandbox needs (docs: /work/shared/notes/toolchain.md).
 * The fresh profile dir the notes ask for is what playwright's launch() already does (it refuses --user-data-dir).
 */
export async function launchChromium(): Promise<{ browser: Browser; close: () => Promise<void> }> {
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
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
