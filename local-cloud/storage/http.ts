import type http from 'http'
import type { LocalStorage } from './index'
import { checkCloudPath, contentTypeOf, MAX_FILE_BYTES, tooLargeMessage } from './rules'

/** Past this much a body is not drained any more but the connection is dropped. */
const DRAIN_LIMIT = 8 * MAX_FILE_BYTES

/**
 * The storage routes of the local host:
 * - `POST /storage/upload?cloudPath=<path>` (raw bytes, caller in X-WX-OPENID): a user's image upload.
 * - `PUT /storage/cos/<token>`: where wx-server-sdk's uploadFile sends its bytes (the URL getUploadMetadata gave).
 * - `GET|HEAD /storage/file/<path>?t=&sign=`: a temp URL from getTempFileURL.
 * Returns false for any other path, so the host carries on with its own routes.
 */
export async function serveStorage(storage: LocalStorage, req: http.IncomingMessage, res: http.ServerResponse, url: URL): Promise<boolean> {
  if (!url.pathname.startsWith('/storage/')) return false
  if (req.method === 'POST' && url.pathname === '/storage/upload') {
    const header = req.headers['x-wx-openid']
    const openid = typeof header === 'string' && header.trim() ? header.trim() : null
    const body = await readRaw(req)
    if (body === 'aborted') return true
    if (!openid) return json(res, 401, { ok: false, error: { code: 'AUTH.UNAUTHENTICATED', message: 'no WeChat identity (X-WX-OPENID)' } })
    if (body === 'too-large') return json(res, 413, invalid(tooLargeMessage()))
    const stored = storage.storeForUser(openid, url.searchParams.get('cloudPath'), body)
    return stored.ok ? json(res, 200, { ok: true, data: { fileID: stored.value } }) : json(res, 400, invalid(stored.message))
  }
  const put = /^\/storage\/cos\/([A-Za-z0-9_-]+)$/.exec(url.pathname)
  if (req.method === 'PUT' && put) {
    const body = await readRaw(req)
    if (body === 'aborted') return true
    const stored = storage.acceptUploadPut(put[1], body)
    if (stored.ok) {
      // COS answers a successful PUT with an empty body; the SDK parses it as XML.
      res.writeHead(200, { 'content-length': 0 })
      res.end()
    } else {
      // COS's error shape, which the SDK turns into a STORAGE_REQUEST_FAIL error carrying our message.
      const xml = `<?xml version='1.0' encoding='utf-8' ?><Error><Code>InvalidFile</Code><Message>${escapeXml(stored.message)}</Message><RequestId>local</RequestId><TraceId>local</TraceId></Error>`
      res.writeHead(body === 'too-large' ? 413 : 400, { 'content-type': 'application/xml', 'content-length': Buffer.byteLength(xml) })
      res.end(xml)
    }
    return true
  }
  if ((req.method === 'GET' || req.method === 'HEAD') && url.pathname.startsWith('/storage/file/')) {
    const checked = checkCloudPath(url.pathname.slice('/storage/file/'.length))
    if (!checked.ok || !storage.checkTempUrl(checked.value, url.searchParams.get('t'), url.searchParams.get('sign'))) {
      return json(res, 403, { ok: false, error: { code: 'AUTH.FORBIDDEN', message: 'temp URL expired or not signed by this host' } })
    }
    const bytes = storage.read(checked.value)
    if (!bytes) return json(res, 404, { ok: false, error: { code: 'STORAGE.INVALID_FILE', message: 'no such file' } })
    const remaining = Math.max(0, Number(url.searchParams.get('t')) - Math.floor(Date.now() / 1000))
    res.writeHead(200, {
      'content-type': contentTypeOf(checked.value, bytes),
      'content-length': bytes.length,
      'cache-control': `private, max-age=${remaining}`,
      'x-content-type-options': 'nosniff',
      // As a COS bucket's CORS rule allows: a page may draw a signed file on a canvas and still export it (posters).
      'access-control-allow-origin': '*',
    })
    res.end(req.method === 'HEAD' ? undefined : bytes)
    return true
  }
  json(res, 404, { ok: false, error: { code: 'ACTION.UNKNOWN', message: 'not found' } })
  return true
}

function invalid(message: string) {
  return { ok: false, error: { code: 'STORAGE.INVALID_FILE', message } }
}

/**
 * The raw body, or 'too-large' past MAX_FILE_BYTES. An oversized body is drained (up to a bound) rather than
 * cut off, so the client gets to read our 413 instead of a reset connection.
 */
function readRaw(req: http.IncomingMessage): Promise<Buffer | 'too-large' | 'aborted'> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    let size = 0
    req.on('data', (c: Buffer) => {
      size += c.length
      if (size <= MAX_FILE_BYTES) chunks.push(c)
      else if (size > DRAIN_LIMIT) req.destroy()
    })
    let ended = false
    req.on('end', () => {
      ended = true
      resolve(size > MAX_FILE_BYTES ? 'too-large' : Buffer.concat(chunks))
    })
    req.on('error', reject)
    // Cut off (by us past DRAIN_LIMIT, or by the client going away): settle so the handler does not hang.
    req.on('close', () => {
      if (!ended) resolve(size > MAX_FILE_BYTES ? 'too-large' : 'aborted')
    })
  })
}

function json(res: http.ServerResponse, status: number, body: unknown): true {
  const text = JSON.stringify(body)
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) })
  res.end(text)
  return true
}

function escapeXml(text: string): string {
  return text.replace(/[<>&'"]/g, (c) => `&#${c.charCodeAt(0)};`)
}
