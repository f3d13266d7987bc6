import { Pool } from 'undici'

/**
 * A keep-alive JSON client for the local host, the way many phones would hit one endpoint (undici's pool: the
 * cheapest client Node has, so the load generator costs the machine less than the host it measures).
 */
export function httpCaller(baseUrl: string, fn: string, connections = 128) {
  const pool = new Pool(baseUrl, { connections, pipelining: 1 })
  const path = `/fn/${fn}`
  const call = async (openid: string, event: Record<string, unknown>) => {
    const res = await pool.request({ path, method: 'POST', headers: { 'content-type': 'application/json', 'x-wx-openid': openid }, body: JSON.stringify(event) })
    return (await res.body.json()) as { ok: boolean; data?: Record<string, unknown>; error?: { code: string } }
  }
  return { call, close: () => pool.close() }
}
