// The HTTP side of bench/http-client.ts: one undici keep-alive pool, requests as the main thread asks for them.
// Plain JavaScript: a worker thread does not inherit tsx's loader.
const { Pool } = require('undici')
const { parentPort, workerData } = require('worker_threads')

const { baseUrl, connections } = workerData
const pool = new Pool(baseUrl, { connections, pipelining: 1 })
parentPort.on('message', async (m) => {
  try {
    const res = await pool.request({ path: m.path, method: 'POST', headers: { 'content-type': 'application/json', 'x-wx-openid': m.openid }, body: m.body })
    parentPort.postMessage({ id: m.id, reply: await res.body.json() })
  } catch (err) {
    parentPort.postMessage({ id: m.id, error: String(err) })
  }
})
