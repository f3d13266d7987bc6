// The local CloudBase database, plugged in at the wx-server-sdk seam.
//
// wx-server-sdk builds every query with @cloudbase/database, which hands each request to
// `new Db.reqClass(config).send(action, params)`; @cloudbase/node-sdk sets Db.reqClass to its HTTP
// requester on every `cloud.database()` call. install() replaces that requester (and Db.reqClass) with
// one that serves the same actions from SQLite, so the SDK's query builder, validation and result
// mapping run unchanged. Single-process design: transactions, snapshots and the requester live in
// this process's memory; only one process may open a given SQLite file.
import * as path from 'path'
import { Engine, Params } from './engine'
import { OrderSpec } from './query-sql'
import { DbError, Store } from './store'
import { TransactionManager } from './transactions'

export interface LocalDatabaseOptions {
  /** path to the SQLite file; default ':memory:' */
  file?: string
  /** default <repo>/database/schema.json */
  schemaPath?: string
  /** how long a transaction may stay open; CloudBase allows 30 s */
  transactionTimeoutMs?: number
}

export interface DatabaseStats {
  /** one per request that reads or writes documents (not startTransaction/abortTransaction) */
  operations: number
  /** every request by action name, e.g. 'database.getDocument' (includes transaction control) */
  byAction: Record<string, number>
}

// Requests that touch documents; transaction start/abort only touch in-memory state.
const DATA_ACTIONS = new Set([
  'database.getDocument', 'database.calculateDocument', 'database.insertDocument', 'database.modifyDocument',
  'database.modifyAndReturnDoc', 'database.removeDocument', 'database.aggregateDocuments', 'database.commitTransaction',
])

export const DEFAULT_SCHEMA_PATH = path.resolve(__dirname, '../../database/schema.json')

interface RequesterModule { TcbDBApiHttpRequester: unknown }
interface DbModule { Db: { reqClass: unknown } }
interface NodeSdkUtils { processReturn(result: unknown): unknown }

let requestSeq = 0

export class LocalDatabase {
  readonly stats: DatabaseStats = { operations: 0, byAction: {} }
  private readonly engine: Engine
  private readonly store: Store
  private closed = false

  private constructor(opts: LocalDatabaseOptions) {
    const schema = Store.readSchema(opts.schemaPath ?? DEFAULT_SCHEMA_PATH)
    this.store = new Store(opts.file ?? ':memory:', schema)
    this.engine = new Engine(this.store, new TransactionManager(opts.transactionTimeoutMs ?? 30_000))
  }

  static open(opts: LocalDatabaseOptions = {}): LocalDatabase {
    return new LocalDatabase(opts)
  }

  /** Route every wx-server-sdk database call in this process to this database (the last install wins). */
  install(): void {
    // eslint-disable-next-line @typescript-eslint/no-var-requires
    const requesterModule = require('@cloudbase/node-sdk/dist/utils/tcbdbapirequester') as RequesterModule
    // eslint-disable-next-line @typescript-eslint/no-var-requires
    const dbModule = require('@cloudbase/database') as DbModule
    const Requester = this.requesterClass()
    requesterModule.TcbDBApiHttpRequester = Requester
    dbModule.Db.reqClass = Requester
  }

  resetStats(): void {
    this.stats.operations = 0
    this.stats.byAction = {}
  }

  close(): void {
    if (this.closed) return
    this.closed = true
    this.store.close()
  }

  /**
   * @internal EXPLAIN QUERY PLAN of the list query `collection.where(filter).orderBy(...).limit(...)` would run.
   * `filter` uses plain values (numbers, strings, Date) and Mongo operators ($gt, $in, …).
   */
  explainQuery(collection: string, filter: Record<string, unknown>, opts: { order?: OrderSpec; limit?: number; offset?: number } = {}): string[] {
    return this.store.explain(collection, filter, opts)
  }

  private pending: Array<{ action: string; params: Params; resolve: (reply: Record<string, unknown>) => void }> = []

  /**
   * Group commit: requests that arrive in the same event-loop turn are served one after another inside one
   * SQLite transaction, each in its own savepoint (better-sqlite3 nests transactions that way), so each
   * request stays all-or-nothing on its own while the batch pays for one commit. Nobody is answered before
   * the batch has committed.
   */
  enqueue(action: string, params: Params): Promise<Record<string, unknown>> {
    return new Promise((resolve) => {
      if (this.pending.push({ action, params, resolve }) === 1) setImmediate(() => this.flush())
    })
  }

  private flush(): void {
    const batch = this.pending
    this.pending = []
    let replies: Array<Record<string, unknown>>
    try {
      replies = this.closed ? batch.map((r) => this.handle(r.action, r.params)) : this.store.transaction(() => batch.map((r) => this.handle(r.action, r.params)))
    } catch (e) {
      // The commit itself failed (disk full, I/O error): nothing in the batch happened.
      replies = batch.map(() => ({ code: 'DATABASE_REQUEST_FAILED', message: (e as Error).message }))
    }
    batch.forEach((r, i) => r.resolve(replies[i]))
  }

  /** @internal Serve one request the way CloudBase's HTTP API would (reply or {code, message}). */
  handle(action: string, params: Params = {}): Record<string, unknown> {
    this.stats.byAction[action] = (this.stats.byAction[action] ?? 0) + 1
    if (DATA_ACTIONS.has(action)) this.stats.operations++
    const requestId = `local-${++requestSeq}`
    if (this.closed) return { code: 'SYS_ERR', message: 'local database is closed', requestId }
    try {
      // Its own (nested) transaction: a request that fails halfway leaves nothing behind, even inside a batch.
      return { ...this.store.transaction(() => this.engine.handle(action, params)), requestId }
    } catch (e) {
      if (e instanceof DbError) return { code: e.code, message: e.message, requestId }
      return { code: 'DATABASE_REQUEST_FAILED', message: (e as Error).message, requestId }
    }
  }

  private requesterClass(): new (config: unknown) => { send(action: string, params?: Params): Promise<unknown> } {
    // eslint-disable-next-line @typescript-eslint/no-this-alias
    const database = this
    // eslint-disable-next-line @typescript-eslint/no-var-requires
    const { processReturn } = require('@cloudbase/node-sdk/dist/utils/utils') as NodeSdkUtils
    return class LocalDbRequester {
      constructor(readonly config: unknown) {}
      async send(action: string, params?: Params): Promise<unknown> {
        // One turn of the event loop, as a network hop would take: concurrent callers interleave
        // between requests, never inside one (each request is a synchronous SQLite transaction).
        const reply = await database.enqueue(action, params ?? {})
        // Same as the HTTP requester: a reply with `code` becomes a thrown TcbError (throwOnCode).
        return reply.code ? processReturn(reply) : reply
      }
    }
  }
}
