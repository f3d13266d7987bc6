import { docsOf } from '@server/paging'
/**
 * Reads by `_id` of one collection that arrive while another is in flight share the next read
 * (`where({ _id: _.in(ids) })`): a crowd of refused joins asking "does my requestId already have an order?"
 * costs a few database operations instead of one each. A lone read is one read, as `findById` would be.
 * Each caller gets only the document with its own id, read after it asked.
 */
const MAX_IDS = 1000 // CloudBase's largest page for a server-side get()

interface Ask<T> {
  db: DB.Database
  id: string
  resolve(doc: T | null): void
  reject(err: unknown): void
}

export function batchedReads<T extends { _id: string }>(collection: string): (db: DB.Database, id: string) => Promise<T | null> {
  let queue: Ask<T>[] = []
  let running = false

  async function drain(): Promise<void> {
    running = true
    try {
      while (queue.length > 0) {
        const batch = queue.slice(0, MAX_IDS)
        queue = queue.slice(MAX_IDS)
        // Every caller passes the one database of this instance (getDb); the first one's serves the batch.
        const db = batch[0].db
        try {
          const ids = [...new Set(batch.map((a) => a.id))]
          const where = ids.length === 1 ? { _id: ids[0] } : { _id: db.command.in(ids) }
          const res = await docsOf<T>(db.collection(collection).where(where).limit(ids.length))
          const found = new Map(res.map((d) => [d._id, d]))
          for (const a of batch) a.resolve(found.get(a.id) ?? null)
        } catch (err) {
          for (const a of batch) a.reject(err)
        }
      }
    } finally {
      running = false
    }
  }

  return (db, id) =>
    new Promise<T | null>((resolve, reject) => {
      queue.push({ db, id, resolve, reject })
      if (!running) void drain()
    })
}
