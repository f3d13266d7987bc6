import Database from 'better-sqlite3'
import path from 'path'

/**
 * The engine's own ceiling for the work a join does: one conditional stock decrement + one insert per
 * transaction, straight on SQLite with the local cloud's settings (file, WAL, synchronous=NORMAL).
 */
export function measureCeiling(dir: string, runs = 3): { txPerSec: number; runs: number[] } {
  // Median of a few runs: one number for the whole report, not at the mercy of one noisy moment.
  const rates = Array.from({ length: runs }, (_, i) => ceilingRun(path.join(dir, `ceiling-${i}.db`)))
  const sorted = [...rates].sort((a, b) => a - b)
  return { txPerSec: sorted[Math.floor(sorted.length / 2)], runs: rates }
}

export function ceilingRun(file: string, transactions = 20_000): number {
  const db = new Database(file)
  db.pragma('journal_mode = WAL')
  db.pragma('synchronous = NORMAL')
  db.exec('CREATE TABLE gb (id TEXT PRIMARY KEY, data TEXT NOT NULL); CREATE TABLE orders (id TEXT PRIMARY KEY, data TEXT NOT NULL)')
  db.prepare('INSERT INTO gb VALUES (?, ?)').run('g1', JSON.stringify({ stockLeft: transactions, title: 'x' }))
  const dec = db.prepare("UPDATE gb SET data = json_set(data, '$.stockLeft', json_extract(data, '$.stockLeft') - 1) WHERE id = ? AND json_extract(data, '$.stockLeft') >= 1")
  const ins = db.prepare('INSERT INTO orders VALUES (?, ?)')
  const join = db.transaction((i: number) => {
    if (dec.run('g1').changes === 1) ins.run(`o${i}`, JSON.stringify({ groupBuyId: 'g1', quantity: 1, openid: `u${i}`, status: 'PENDING_PAYMENT', createdAt: Date.now() }))
  })
  const t0 = process.hrtime.bigint()
  for (let i = 0; i < transactions; i++) join(i)
  const secs = Number(process.hrtime.bigint() - t0) / 1e9
  db.close()
  return transactions / secs
}
