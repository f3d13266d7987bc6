import { createHash } from 'crypto'
import { createReadStream, existsSync, mkdirSync, statSync } from 'fs'
import http from 'http'
import type { AddressInfo } from 'net'
import path from 'path'
import { Cron } from 'croner'
import { LocalDatabase } from './db'
import { loadFunctions, type LoadedFunction } from './functions'
import { installIdentityScope, runAs } from './identity'
import { PaySimulator } from './pay-sim'
import { seedDemo } from './seed'
import { LocalStorage } from './storage'
import { serveStorage } from './storage/http'
import { ShippingSimulator } from './shipping-sim'
import { TransferSimulator } from './transfer-sim'
import { localWxacode, type WxacodeCall } from './wxacode'

export const DEFAULT_PORT = 8787
export const LOCAL_APPID = 'wx-local-linlituan'
const MAX_BODY = 256 * 1024

export interface LocalCloudOptions {
  port?: number
  /** SQLite lives here (cloud.db); omit for an in-memory database. */
  dataDir?: string
  adminOpenids?: string[]
  seed?: boolean
  /** Run timer triggers on their schedules (off in tests, which fire them by hand). */
  timers?: boolean
  /** Serve this folder (the H5 build) from the same origin. */
  staticDir?: string
  host?: string
  /** Load the bundled index.js files (what gets uploaded) instead of the TypeScript sources. */
  useBundles?: boolean
}

export interface SentMessage {
  touser: string
  templateId: string
  page: string
  data: unknown
  at: number
}

export interface LocalCloud {
  url: string
  db: LocalDatabase
  /** Cloud storage (files under <dataDir>/storage, or a temp folder removed on close). */
  storage: LocalStorage
  pay: PaySimulator
  /** WeChat Pay's merchant transfer (payouts), offline. */
  transfer: TransferSimulator
  /** WeChat's shipping-info upload (发货信息录入), offline. */
  shipping: ShippingSimulator
  /** Messages that would have gone out through subscribeMessage.send. */
  sent: SentMessage[]
  /** Mini-program codes asked of openapi.wxacode.getUnlimited (answered with a QR code of the same scene). */
  wxacodeCalls: WxacodeCall[]
  invoke(name: string, event: unknown, openid: string | null): Promise<unknown>
  fireTimer(name: string): Promise<unknown>
  close(): Promise<void>
}

/**
 * The local CloudBase: one process, the real cloud-function code, wx-server-sdk routed to SQLite, cloudPay to
 * the payment simulator and subscribeMessage.send to an in-memory outbox view.
 */
export async function startLocalCloud(opts: LocalCloudOptions = {}): Promise<LocalCloud> {
  process.env.TENCENTCLOUD = 'true' // skip the SDK's metadata DNS lookup; we are not on Tencent Cloud
  // 收货人 phones are sealed with PII_KEY (server/privacy/phone.ts). Locally, a fixed development key unless one is
  // given, so a kept .local-cloud database still opens after a restart; a deployed function gets its own secret.
  if (!process.env.PII_KEY) process.env.PII_KEY = createHash('sha256').update('linlituan-local-cloud-development-pii-key').digest('base64')
  process.env.ADMIN_OPENIDS = (opts.adminOpenids ?? (process.env.ADMIN_OPENIDS ?? '').split(',')).filter(Boolean).join(',')
  installIdentityScope()
  // Codes made here open the develop version and skip WeChat's published-page check (checkPath false).
  process.env.WXACODE_ENV_VERSION = process.env.WXACODE_ENV_VERSION || 'develop'

  if (opts.dataDir) mkdirSync(opts.dataDir, { recursive: true })
  const db = LocalDatabase.open({ file: opts.dataDir ? path.join(opts.dataDir, 'cloud.db') : undefined })
  db.install()
  const storage = LocalStorage.open({ dir: opts.dataDir ? path.join(opts.dataDir, 'storage') : undefined })
  storage.install()

  // eslint-disable-next-line @typescript-eslint/no-var-requires
  const cloud = require('wx-server-sdk') as Record<string, unknown> & { init(o: unknown): void }
  const functions = loadFunctions(undefined, opts.useBundles)
  const sent: SentMessage[] = []
  const invoke = async (name: string, event: unknown, openid: string | null): Promise<unknown> => {
    const fn = functions.get(name)
    if (!fn) throw new Error(`no function ${name}`)
    // CloudBase adds userInfo to events that come from a mini-program user.
    const body = openid && event && typeof event === 'object' ? { ...(event as object), userInfo: { appId: LOCAL_APPID, openId: openid } } : event
    return runAs({ openid, appid: LOCAL_APPID }, () => fn.main(body, { function_name: name, request_id: `${Date.now()}` }))
  }
  // With a data directory the simulator keeps its trades and refunds beside cloud.db (as WeChat Pay keeps them).
  const pay = new PaySimulator((fnName, notice) => invoke(fnName, notice, null), opts.dataDir ? path.join(opts.dataDir, 'pay-sim.json') : undefined)
  cloud.cloudPay = pay.api()
  const transfer = new TransferSimulator({ file: opts.dataDir ? path.join(opts.dataDir, 'transfer-sim.json') : undefined, deliver: (fnName, event) => invoke(fnName, event, null) })
  cloud.merchantTransfer = transfer.api()
  // The functions verify and decrypt the simulator's notices with its keys, exactly as they would WeChat Pay's.
  process.env.WXPAY_PLATFORM_PUBLIC_KEY = transfer.platform.publicKey
  process.env.WXPAY_PLATFORM_PUBLIC_KEY_ID = transfer.platform.publicKeyId
  process.env.WXPAY_API_V3_KEY = transfer.platform.apiV3Key
  process.env.WXPAY_APPID ||= LOCAL_APPID
  process.env.WXPAY_TRANSFER_NOTIFY_URL ||= 'https://local-cloud.invalid/transferCallback'
  const shipping = new ShippingSimulator()
  const wxacodeCalls: WxacodeCall[] = []
  cloud.openapi = {
    wxa: { sec: { order: shipping.api() } },
    wxacode: localWxacode(wxacodeCalls),
    subscribeMessage: {
      send: async (req: { touser: string; templateId: string; page: string; data: unknown }) => {
        sent.push({ touser: req.touser, templateId: req.templateId, page: req.page, data: req.data, at: Date.now() })
        return { errCode: 0, errMsg: 'openapi.subscribeMessage.send:ok' }
      },
    },
  }

  const fireTimer = (name: string) => {
    const fn = functions.get(name)
    const trigger = fn?.triggers[0]
    if (!fn || !trigger) throw new Error(`${name} has no timer trigger`)
    return invoke(name, { Type: 'Timer', TriggerName: trigger.name, Time: new Date().toISOString() }, null)
  }
  const crons = opts.timers ? startTimers(functions, fireTimer) : []

  const server = http.createServer((req, res) => {
    handle(req, res).catch((err) => send(res, 500, { ok: false, error: { code: 'INTERNAL', message: String(err) } }))
  })

  async function handle(req: http.IncomingMessage, res: http.ServerResponse) {
    const url = new URL(req.url ?? '/', 'http://local')
    // Only this machine's names for this server, and no other site's page (an audit:
    // test/node/attacks-catalog-insight-sim.test.ts): a page that DNS-rebinds its name to 127.0.0.1 sent any Host,
    // and a cross-site form POST (no preflight) drove the simulators and acted as the demo admin.
    const refused = foreignRequest(req)
    if (refused) return send(res, refused.status, { ok: false, error: { code: 'AUTH.FORBIDDEN', message: refused.message } })
    if (req.method === 'GET' && url.pathname === '/health') return send(res, 200, { ok: true })
    // Raw bodies up to 5 MB (uploads), so before the JSON routes and their 256 KB limit.
    if (await serveStorage(storage, req, res, url)) return
    if (req.method === 'GET' && url.pathname === '/sim/outbox') {
      // Everything queued (with its status: PENDING, SENT, NO_CONSENT…) and what subscribeMessage.send received.
      const database = (cloud as unknown as { database(): DB.Database }).database()
      const queued = (await database.collection('outbox').orderBy('createdAt', 'desc').limit(100).get()) as unknown as { data: unknown[] }
      return send(res, 200, { ok: true, data: { queued: queued.data, sent } })
    }
    if (req.method === 'GET' && url.pathname === '/sim/refunds') return send(res, 200, { ok: true, data: { items: pay.listRefunds() } })
    if (req.method === 'GET' && url.pathname === '/sim/shipping') return send(res, 200, { ok: true, data: { items: shipping.list() } })
    if (req.method === 'GET' && url.pathname === '/sim/transfers') return send(res, 200, { ok: true, data: { items: transfer.list() } })
    if (req.method === 'POST') {
      const body = await readJson(req)
      if (body === undefined) return send(res, 400, { ok: false, error: { code: 'INPUT.INVALID', message: 'body must be JSON' } })
      const fnMatch = /^\/fn\/([A-Za-z0-9_-]+)$/.exec(url.pathname)
      if (fnMatch) {
        if (!functions.has(fnMatch[1])) return send(res, 404, { ok: false, error: { code: 'ACTION.UNKNOWN', message: `no function ${fnMatch[1]}` } })
        const header = req.headers['x-wx-openid']
        const openid = typeof header === 'string' && header.trim() ? header.trim() : null
        return send(res, 200, await invoke(fnMatch[1], body, openid))
      }
      const b = (body ?? {}) as Record<string, unknown>
      if (url.pathname === '/sim/pay') {
        // The sheet pays for its own payer only: a caller who says who they are must be the order's (or coupon's) owner.
        const header = req.headers['x-wx-openid']
        const payer = typeof header === 'string' && header.trim() ? await payerOf(String(b.orderId ?? '')) : null
        if (payer && payer !== String(header).trim()) return send(res, 409, { ok: false, error: { code: 'PAYMENT.FAILED', message: 'only the order’s payer pays it' } })
        const r = await pay.pay(String(b.orderId ?? ''), { deliver: b.deliver !== false })
        return send(res, r.ok ? 200 : 409, r.ok ? { ok: true, data: { delivered: r.delivered } } : { ok: false, error: { code: 'PAYMENT.FAILED', message: r.reason } })
      }
      if (url.pathname === '/sim/notify') return send(res, 200, { ok: true, data: { delivered: await pay.notify(String(b.orderId ?? '')) } })
      if (url.pathname === '/sim/refund-failures') {
        pay.failNextRefunds(Number(b.count ?? 1))
        return send(res, 200, { ok: true, data: {} })
      }
      if (url.pathname === '/sim/transfer-failures') {
        transfer.failNext(Number(b.count ?? 1), b.final === true)
        return send(res, 200, { ok: true, data: {} })
      }
      if (url.pathname === '/sim/shipping-failures') {
        shipping.failNext(Number(b.count ?? 1))
        return send(res, 200, { ok: true, data: {} })
      }
      if (url.pathname === '/sim/transfers/confirm' || url.pathname === '/sim/transfers/expire') {
        const outBillNo = String(b.outBillNo ?? '')
        // The payee's tap: when the caller says who they are, only the bill's own payee may confirm it.
        const header = req.headers['x-wx-openid']
        const r = url.pathname.endsWith('confirm') ? await transfer.confirm(outBillNo, typeof header === 'string' && header.trim() ? header.trim() : undefined) : await transfer.expire(outBillNo)
        return send(res, r.ok ? 200 : 409, r.ok ? { ok: true, data: { delivered: r.delivered } } : { ok: false, error: { code: 'TRANSFER.FAILED', message: r.reason } })
      }
      const timerMatch = /^\/timers\/([A-Za-z0-9_-]+)$/.exec(url.pathname)
      if (timerMatch) return send(res, 200, await fireTimer(timerMatch[1]))
    }
    if (req.method === 'GET' && opts.staticDir) return serveStatic(opts.staticDir, url.pathname, res)
    return send(res, 404, { ok: false, error: { code: 'ACTION.UNKNOWN', message: 'not found' } })
  }

  /** The resident a trade number belongs to (an order's or a bought coupon's owner), when the database has it. */
  async function payerOf(tradeNo: string): Promise<string | null> {
    if (!/^[A-Za-z0-9_-]{1,64}$/.test(tradeNo)) return null
    const database = (cloud as unknown as { database(): DB.Database }).database()
    for (const collection of ['orders', 'coupons']) {
      const res = (await database.collection(collection).where({ _id: tradeNo }).field({ openid: true }).limit(1).get()) as unknown as { data: Array<{ openid?: string }> }
      if (res.data[0]?.openid) return res.data[0].openid
    }
    return null
  }

  /** A request this server refuses: a Host that is not one of its own names, or a POST from another site's page. */
  function foreignRequest(req: http.IncomingMessage): { status: number; message: string } | null {
    const port = (server.address() as AddressInfo | null)?.port
    const bound = opts.host ?? '127.0.0.1'
    const host = req.headers.host ?? ''
    // Bound to every interface (a phone on the LAN), the names cannot be listed: only loopback binds are checked.
    const loopback = ['127.0.0.1', 'localhost', '::1'].includes(bound)
    if (loopback && port !== undefined && !['127.0.0.1', 'localhost', '[::1]'].map((h) => `${h}:${port}`).includes(host)) return { status: 421, message: `not a host this server answers: ${host}` }
    const origin = req.headers.origin
    if (req.method === 'POST' && typeof origin === 'string') {
      let from = ''
      try {
        from = new URL(origin).host
      } catch {
        // unparsable: refused below
      }
      if (from !== host) return { status: 403, message: 'a request from another site' }
    }
    return null
  }

  // A start-up that fails (port taken, seed error) closes what it already opened, so no caller is left holding
  // timers, a listening socket or the database (a test run would never exit).
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject)
      server.listen(opts.port ?? DEFAULT_PORT, opts.host ?? '127.0.0.1', () => {
        server.off('error', reject)
        resolve()
      })
    })
  } catch (err) {
    for (const c of crons) c.stop()
    db.close()
    throw err
  }
  // Notices a previous run could not deliver (persisted with the bills) go out now, as WeChat Pay keeps retrying.
  void transfer.redeliver().catch((err) => console.error('[transfer-sim] redelivery failed', err))
  const address = server.address() as AddressInfo
  const url = `http://127.0.0.1:${address.port}`
  storage.setBaseUrl(url)
  const local: LocalCloud = {
    url,
    db,
    storage,
    pay,
    transfer,
    shipping,
    sent,
    wxacodeCalls,
    invoke,
    fireTimer,
    async close() {
      for (const c of crons) c.stop()
      server.closeAllConnections?.()
      await new Promise<void>((resolve) => server.close(() => resolve()))
      db.close()
      storage.close()
    },
  }
  if (opts.seed) {
    try {
      await seedDemo(local)
    } catch (err) {
      await local.close()
      throw err
    }
  }
  return local
}

/** CloudBase cron has a 7th (year) field; croner takes 6 (with seconds). Only `*` years are supported locally. */
export function toCronerPattern(config: string): string {
  const parts = config.trim().split(/\s+/)
  if (parts.length === 7) {
    if (parts[6] !== '*') throw new Error(`local timers support only '*' as the year field: ${config}`)
    return parts.slice(0, 6).join(' ')
  }
  return parts.join(' ')
}

export function startTimers(functions: Map<string, LoadedFunction>, fire: (name: string) => Promise<unknown>): Cron[] {
  const crons: Cron[] = []
  for (const fn of functions.values()) {
    for (const t of fn.triggers) {
      crons.push(new Cron(toCronerPattern(t.config), { timezone: 'Asia/Shanghai', protect: true }, async () => {
        try {
          await fire(fn.name)
        } catch (err) {
          console.error(`[timer ${fn.name}/${t.name}]`, err)
        }
      }))
    }
  }
  return crons
}

function send(res: http.ServerResponse, status: number, body: unknown) {
  const text = JSON.stringify(body)
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) })
  res.end(text)
}

function readJson(req: http.IncomingMessage): Promise<unknown> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = []
    let size = 0
    req.on('data', (c: Buffer) => {
      size += c.length
      if (size > MAX_BODY) {
        resolve(undefined)
        req.destroy()
      } else chunks.push(c)
    })
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8')
      if (!text) return resolve({})
      try {
        resolve(JSON.parse(text))
      } catch {
        resolve(undefined)
      }
    })
  })
}

const MIME: Record<string, string> = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.css': 'text/css', '.png': 'image/png', '.svg': 'image/svg+xml', '.json': 'application/json', '.ico': 'image/x-icon' }

function serveStatic(root: string, pathname: string, res: http.ServerResponse) {
  const resolved = path.resolve(root, '.' + decodeURIComponent(pathname))
  const file = resolved.startsWith(path.resolve(root)) && existsSync(resolved) && statSync(resolved).isFile() ? resolved : path.join(root, 'index.html')
  if (!existsSync(file)) return send(res, 404, { ok: false, error: { code: 'ACTION.UNKNOWN', message: 'H5 build missing: npm run build:h5' } })
  res.writeHead(200, { 'content-type': MIME[path.extname(file)] ?? 'application/octet-stream' })
  createReadStream(file).pipe(res)
}
