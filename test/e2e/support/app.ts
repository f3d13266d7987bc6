import { mkdirSync } from 'fs'
import { tmpdir } from 'os'
import path from 'path'
import type { Page } from 'playwright-core'
import { launchChromium } from './browser'
import { serveH5 } from './h5-server'
import { startFreshCloud } from './local-cloud'

const ROOT = path.resolve(__dirname, '../../..')
export const SHOTS = path.join(ROOT, 'docs/screenshots')

/**
 * One browser on the H5 build, its /fn and /sim calls forwarded to a fresh local cloud (demo seed), plus the
 * few moves a tester makes: open a route, switch identity, tap, read, take a screenshot for docs/.
 */
export async function openApp(name: string) {
  mkdirSync(SHOTS, { recursive: true })
  // Whatever was started is closed again, newest first, also when a later step of the start-up fails —
  // otherwise a missing browser leaves the cloud and the static server holding jest open for ever.
  const started: Array<() => Promise<void> | void> = []
  const closeStarted = async () => {
    for (const stop of started.splice(0).reverse()) await Promise.resolve().then(stop).catch(() => undefined)
  }
  let page: Page
  let site: { url: string }
  let cloudUrl: string
  try {
    const cloud = await startFreshCloud()
    started.push(() => cloud.close())
    cloudUrl = cloud.url
    const server = await serveH5(path.join(ROOT, 'dist/h5'), cloud.url)
    started.push(() => server.close())
    site = server
    const chrome = await launchChromium()
    started.push(() => chrome.close())
    const context = await chrome.browser.newContext({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, locale: 'zh-CN' })
    page = await context.newPage()
  } catch (err) {
    await closeStarted()
    throw err
  }
  // Generous: CI machines can be busy; a step that never happens still fails, just later.
  page.setDefaultTimeout(30_000)
  /** What the page logged as an error (console.error, uncaught exceptions): printed at close for whoever reads a run. */
  const consoleErrors: string[] = []
  const where = () => new URL(page.url()).hash.replace(/^#\//, '').split('?')[0]
  page.on('console', (m) => void (m.type() === 'error' && consoleErrors.push(`${where()}: ${m.text().slice(0, 300)}`)))
  page.on('pageerror', (e) => void consoleErrors.push(`${where()}: uncaught ${e.message}`.slice(0, 300)))

  let loads = 0
  /** Open a route with a full page load (a hash-only change would race Taro's router and page transitions). */
  const go = async (route: string) => {
    await page.goto(`${site.url}/?load=${++loads}#/${route}`)
  }
  /** Taro H5 slides pages in; let the transition settle so the screenshot shows the page the user is looking at. */
  const shot = async (file: string) => {
    await page.waitForTimeout(700)
    await page.screenshot({ path: path.join(SHOTS, `${file}.png`) })
  }
  // Taro's H5 router keeps earlier pages of the stack in the DOM, hidden: only ever look at what is visible.
  const visible = (sel: string) => page.locator(sel).filter({ visible: true })
  // The H5 title bar (Taro's, #22) repeats the page's title: a tap or a look is meant for the page itself.
  const byText = (text: string | RegExp) =>
    page.getByText(text, { exact: typeof text === 'string' }).filter({ visible: true }).and(page.locator('*:not(.taro-navigation-bar-title)')).first()
  const tap = (text: string | RegExp) => byText(text).click()
  const see = (text: string | RegExp) => byText(text).waitFor()
  /** Taro's H5 <Input> wraps a native input; fill the one inside the element with our class. */
  const fill = (cls: string, value: string) => visible(`.${cls} input, input.${cls}`).first().fill(value)
  /** The same, for a field known by its placeholder (the native input inside Taro's wrapper carries it too). */
  const fillPlaceholder = (placeholder: string, value: string) => visible(`input[placeholder="${placeholder}"]`).first().fill(value)

  const actAs = async (label: string) => {
    await go('pages/resident/me/index')
    await tap(`切换为${label}`)
    await see(`本地模式 · 当前身份：${label}`)
  }

  /** The clerk types a code at the counter and submits it. */
  const enterAtCounter = async (code: string) => {
    await fill('verify__input', code)
    await tap('核销')
  }

  const close = async () => {
    if (consoleErrors.length) console.log(`[e2e ${name}] the page logged ${consoleErrors.length} error(s):\n${consoleErrors.join('\n')}`)
    // Where the flow stopped, for whoever reads a failure (not part of the docs set).
    await page.screenshot({ path: path.join(tmpdir(), `llt-e2e-${name}-last.png`) }).catch(() => undefined)
    await closeStarted()
  }

  /** The local cloud's own timers (e.g. settle), fired the way its schedule would. */
  const fireTimer = async (fn: string) => {
    const res = await fetch(`${cloudUrl}/timers/${fn}`, { method: 'POST' })
    if (!res.ok) throw new Error(`timer ${fn}: HTTP ${res.status}`)
  }

  /** Setting the scene without the UI: a cloud function called as `openid` (as the local host's /fn route does). */
  const call = async <T = Record<string, unknown>>(fn: string, openid: string, event: Record<string, unknown>): Promise<T> => {
    const res = await fetch(`${cloudUrl}/fn/${fn}`, { method: 'POST', headers: { 'content-type': 'application/json', 'X-WX-OPENID': openid }, body: JSON.stringify(event) })
    const body = (await res.json()) as { ok: boolean; data: T; error?: { code: string; message: string } }
    if (!body.ok) throw new Error(`${fn}.${String(event.action)}: ${body.error?.code} ${body.error?.message}`)
    return body.data
  }
  /** The resident completes WeChat Pay's sheet for an order (the simulator, as the H5 app does). */
  const pay = async (orderId: string) => {
    const res = await fetch(`${cloudUrl}/sim/pay`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ orderId }) })
    if (!res.ok) throw new Error(`pay ${orderId}: HTTP ${res.status}`)
  }

  return { page, go, shot, visible, byText, tap, see, fill, fillPlaceholder, actAs, enterAtCounter, fireTimer, call, pay, close, consoleErrors }
}

export type App = Awaited<ReturnType<typeof openApp>>
