import Database from 'better-sqlite3'
import path from 'path'

/**
 * The engine's own ceiling for the work a join does: one conditional stock decrement + one insert per
 * transaction, straight on SQLite with the local cloud's settings (file, WAL, synchronous=NORMAL).
 */
export function measureCeiling(dir: string, transactions = 20_000): { txPerSec: number } {
  const db = new Database(path.join(dir, 'ceiling.db'))
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
  return { txPerSec: transactions / secs }
}
