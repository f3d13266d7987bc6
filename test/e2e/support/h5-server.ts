import { createReadStream, existsSync, statSync } from 'fs'
import http from 'http'
import type { AddressInfo } from 'net'
import path from 'path'

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'application/javascript',
  '.css': 'text/css',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
  '.json': 'application/json',
}

/**
 * Serves the H5 build and forwards /fn/*, /sim/* and /storage/* (photo uploads) to the local cloud host, so the page calls the cloud on its
 * own origin exactly as it does behind `npm start`.
 */
export async function serveH5(distDir: string, cloudUrl: string): Promise<{ url: string; close: () => Promise<void> }> {
  const target = new URL(cloudUrl)
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x')
    // A same-origin gateway in front of the local cloud: the page's calls reach it as its own (Host and Origin), as
    // with `npm start`, where the cloud serves the app itself (the host refuses another site's Origin).
    if (url.pathname.startsWith('/fn/') || url.pathname.startsWith('/sim/') || url.pathname.startsWith('/storage/')) {
      const upstream = http.request(
        { hostname: target.hostname, port: target.port, path: url.pathname + url.search, method: req.method, headers: { ...req.headers, host: target.host, ...(req.headers.origin ? { origin: target.origin } : {}) } },
        (up) => {
          res.writeHead(up.statusCode ?? 502, up.headers)
          up.pipe(res)
        },
      )
      upstream.on('error', () => {
        res.writeHead(502)
        res.end()
      })
      req.pipe(upstream)
      return
    }
    let file = path.join(distDir, decodeURIComponent(url.pathname))
    if (!file.startsWith(distDir) || !existsSync(file) || statSync(file).isDirectory()) file = path.join(distDir, 'index.html')
    res.writeHead(200, { 'Content-Type': TYPES[path.extname(file)] ?? 'application/octet-stream' })
    createReadStream(file).pipe(res)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}
