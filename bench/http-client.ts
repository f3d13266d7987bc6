import path from 'path'
import { Worker } from 'worker_threads'

type Reply = { ok: boolean; data?: Record<string, unknown>; error?: { code: string } }

/**
 * A keep-alive JSON client for the local host, the way many phones would hit one endpoint (undici's pool: the
 * cheapest client Node has). It runs in its own worker thread, as phones are not inside the server: on the host's
 * thread, the client's HTTP work (a fifth of the CPU in the profile) was billed to the host it measures.
 * Calls cross to the worker as messages (a structured clone each way, microseconds).
 */
export function httpClient(baseUrl: string, connections = 128) {
  const worker = new Worker(path.join(__dirname, 'http-worker.js'), { workerData: { baseUrl, connections } })
  const waiting = new Map<number, { resolve(r: Reply): void; reject(e: Error): void }>()
  let seq = 0
  worker.on('message', (m: { id: number; reply?: Reply; error?: string }) => {
    const w = waiting.get(m.id)
    if (!w) return
    waiting.delete(m.id)
    if (m.error !== undefined) w.reject(new Error(m.error))
    else w.resolve(m.reply as Reply)
  })
  worker.on('error', (err) => {
    for (const w of waiting.values()) w.reject(err)
    waiting.clear()
  })
  const call = (fn: string, openid: string, event: Record<string, unknown>) =>
    new Promise<Reply>((resolve, reject) => {
      const id = ++seq
      waiting.set(id, { resolve, reject })
      worker.postMessage({ id, path: `/fn/${fn}`, openid, body: JSON.stringify(event) })
    })
  return { call, close: () => worker.terminate().then(() => undefined) }
}

/** The same client bound to one function, as `call(openid, event)`. */
export function httpCaller(baseUrl: string, fn: string, connections = 128) {
  const client = httpClient(baseUrl, connections)
  return { call: (openid: string, event: Record<string, unknown>) => client.call(fn, openid, event), close: client.close }
}
