import http from 'http'

/** A keep-alive JSON client for the local host, the way many phones would hit one endpoint. */
export function httpCaller(baseUrl: string, fn: string, maxSockets = 128) {
  const url = new URL(`${baseUrl}/fn/${fn}`)
  const agent = new http.Agent({ keepAlive: true, maxSockets })
  const call = (openid: string, event: Record<string, unknown>) =>
    new Promise<{ ok: boolean; data?: Record<string, unknown>; error?: { code: string } }>((resolve, reject) => {
      const body = JSON.stringify(event)
      const req = http.request(
        { hostname: url.hostname, port: url.port, path: url.pathname, method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), 'x-wx-openid': openid } },
        (res) => {
          const chunks: Buffer[] = []
          res.on('data', (c: Buffer) => chunks.push(c))
          res.on('end', () => {
            try {
              resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')))
            } catch (err) {
              reject(err)
            }
          })
        },
      )
      req.on('error', reject)
      req.end(body)
    })
  return { call, close: () => agent.destroy() }
}
