// SQLite storage: one table per collection (id TEXT PRIMARY KEY, data JSON TEXT), expression indexes
// from database/schema.json, and queries that push WHERE / ORDER BY / LIMIT / OFFSET into SQL.
import Database from 'better-sqlite3'
import * as fs from 'fs'
import { Doc, fromStored, idKey, isPlainObject, toStored } from './ejson'
import { collectionNotExist, DbError, duplicateId } from './errors'
import { matcher } from './matcher'
import { checkFilter } from './operators'
import { compileFilter, compileOrder, Compiled, jsonPath, OrderSpec, sqlString, valueExpr } from './query-sql'

// The errors live in errors.ts (ejson and operators throw them too); re-exported for the engine and host.
export { collectionNotExist, DbError, duplicateId } from './errors'

export interface IndexSpec { name: string; fields: Array<[string, 1 | -1]> }
export interface SchemaFile { collections: Record<string, { indexes?: IndexSpec[] }> }

export interface Row { id: string; data: string }
export interface SelectOptions { order?: OrderSpec; offset?: number; limit?: number }

interface CollectionMeta { table: string; arrayPaths: Set<string> }

export class Store {
  readonly sqlite: Database.Database
  private readonly collections = new Map<string, CollectionMeta>()
  private readonly statements = new Map<string, Database.Statement>()

  constructor(file: string, schema: SchemaFile) {
    this.sqlite = new Database(file)
    if (file !== ':memory:' && file !== '') {
      this.sqlite.pragma('journal_mode = WAL')
      this.sqlite.pragma('synchronous = NORMAL')
    }
    this.sqlite.exec('CREATE TABLE IF NOT EXISTS _lc_array_paths (collection TEXT NOT NULL, path TEXT NOT NULL, PRIMARY KEY (collection, path))')
    for (const [name, spec] of Object.entries(schema.collections)) this.createCollection(name, spec.indexes ?? [])
  }

  static readSchema(schemaPath: string): SchemaFile {
    const parsed = JSON.parse(fs.readFileSync(schemaPath, 'utf8')) as SchemaFile
    if (!isPlainObject(parsed.collections)) throw new Error(`${schemaPath}: "collections" must be an object`)
    return parsed
  }

  createCollection(name: string, indexes: IndexSpec[]): void {
    if (!/^[A-Za-z0-9_-]{1,64}$/.test(name)) throw new DbError('INVALID_PARAM', `invalid collection name ${name}`)
    const table = `"c_${name}"`
    this.sqlite.exec(`CREATE TABLE IF NOT EXISTS ${table} (id TEXT PRIMARY KEY, data TEXT NOT NULL)`)
    for (const index of indexes) {
      const cols = index.fields.map(([field, dir]) => {
        const expr = valueExpr(field)
        if (expr === null) throw new Error(`index ${name}.${index.name}: unsupported field ${field}`)
        return `${expr} ${dir === -1 ? 'DESC' : 'ASC'}`
      })
      this.sqlite.exec(`CREATE INDEX IF NOT EXISTS "ix_${name}_${index.name}" ON ${table} (${cols.join(', ')})`)
    }
    const paths = this.sqlite.prepare('SELECT path FROM _lc_array_paths WHERE collection = ?').pluck().all(name) as string[]
    this.collections.set(name, { table, arrayPaths: new Set(paths) })
  }

  hasCollection(name: string): boolean {
    return this.collections.has(name)
  }

  private meta(name: string): CollectionMeta {
    const m = this.collections.get(name)
    if (!m) throw collectionNotExist(name)
    return m
  }

  private stmt(sql: string): Database.Statement {
    let s = this.statements.get(sql)
    if (!s) {
      if (this.statements.size > 500) this.statements.clear()
      s = this.sqlite.prepare(sql)
      this.statements.set(sql, s)
    }
    return s
  }

  // One wrapper made once: better-sqlite3's transaction() builds a new function per call, measurable per op.
  private runInTransaction?: (fn: () => unknown) => unknown

  transaction<T>(fn: () => T): T {
    this.runInTransaction ??= this.sqlite.transaction((f: () => unknown) => f())
    return this.runInTransaction(fn) as T
  }

  compile(collection: string, filter: unknown): Compiled {
    const { arrayPaths } = this.meta(collection)
    checkFilter(filter)
    return compileFilter(filter, {
      arrayAffected(field) {
        if (arrayPaths.size === 0) return false
        const parts = field.split('.')
        for (let i = 1; i <= parts.length; i++) if (arrayPaths.has(parts.slice(0, i).join('.'))) return true
        return false
      },
    })
  }

  private selectSql(collection: string, c: Compiled, opts: SelectOptions, columns = 'id, data'): { sql: string; params: unknown[] } {
    const { table } = this.meta(collection)
    let sql = `SELECT ${columns} FROM ${table} WHERE ${c.sql} ${compileOrder(opts.order ?? [])}`
    const params = [...c.params]
    if (c.exact && (opts.limit !== undefined || opts.offset)) {
      sql += ' LIMIT ? OFFSET ?'
      params.push(opts.limit ?? -1, opts.offset ?? 0)
    }
    return { sql, params }
  }

  /** Matching rows in order; SQL does everything when the filter translated exactly, else mingo re-checks. */
  select(collection: string, filter: unknown, opts: SelectOptions = {}): Array<{ row: Row; doc: Doc }> {
    const c = this.compile(collection, filter)
    const { sql, params } = this.selectSql(collection, c, opts)
    const out: Array<{ row: Row; doc: Doc }> = []
    if (c.exact) {
      for (const row of this.stmt(sql).all(...params) as Row[]) out.push({ row, doc: fromStored(row.data) })
      return out
    }
    const query = matcher(filter as Record<string, unknown>)
    let toSkip = opts.offset ?? 0
    for (const row of this.stmt(sql).iterate(...params) as IterableIterator<Row>) {
      const doc = fromStored(row.data)
      if (!query.test(doc)) continue
      if (toSkip > 0) { toSkip--; continue }
      out.push({ row, doc })
      if (opts.limit !== undefined && out.length >= opts.limit) break
    }
    return out
  }

  /**
   * `$match` then `$group: { _id: '$field', <name>: { $sum: 1 } }` done by SQLite (GROUP BY over the matched rows),
   * so a distinct count over many documents never parses them: [{ key, count }], or null when SQL cannot answer it
   * exactly (a filter mingo must re-check, a path SQL cannot name, a value that is not a string or number).
   */
  countBy(collection: string, filter: unknown, field: string): Array<{ key: string | number | null; count: number }> | null {
    const c = this.compile(collection, filter)
    const path = field === '_id' ? null : jsonPath(field)
    if (!c.exact || path === null) return null
    const { table } = this.meta(collection)
    const rows = this.stmt(`SELECT json_extract(data, ${sqlString(path)}) AS k, json_type(data, ${sqlString(path)}) AS t, COUNT(*) AS n FROM ${table} WHERE ${c.sql} GROUP BY k, t`).all(...c.params) as Array<{ k: unknown; t: string | null; n: number }>
    if (rows.some((r) => r.t !== null && r.t !== 'null' && r.t !== 'text' && r.t !== 'integer' && r.t !== 'real')) return null
    const out = new Map<string | number | null, number>()
    for (const r of rows) {
      const key = r.k === null || r.k === undefined ? null : (r.k as string | number)
      out.set(key, (out.get(key) ?? 0) + r.n)
    }
    return [...out].map(([key, count]) => ({ key, count }))
  }

  count(collection: string, filter: unknown): number {
    const c = this.compile(collection, filter)
    if (c.exact) {
      const { table } = this.meta(collection)
      return this.stmt(`SELECT COUNT(*) FROM ${table} WHERE ${c.sql}`).pluck().get(...c.params) as number
    }
    return this.select(collection, filter).length
  }

  /** EXPLAIN QUERY PLAN details for the list query the filter/order would run (internal; for tests). */
  explain(collection: string, filter: unknown, opts: SelectOptions = {}): string[] {
    const c = this.compile(collection, filter)
    const { sql, params } = this.selectSql(collection, c, opts)
    const rows = this.sqlite.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...params) as Array<{ detail: string }>
    return rows.map((r) => r.detail)
  }

  all(collection: string): Doc[] {
    const { table } = this.meta(collection)
    return (this.stmt(`SELECT data FROM ${table} ORDER BY rowid`).pluck().all() as string[]).map(fromStored)
  }

  getRaw(collection: string, key: string): string | null {
    const { table } = this.meta(collection)
    return (this.stmt(`SELECT data FROM ${table} WHERE id = ?`).pluck().get(key) as string | undefined) ?? null
  }

  get(collection: string, key: string): Doc | null {
    const raw = this.getRaw(collection, key)
    return raw === null ? null : fromStored(raw)
  }

  insert(collection: string, doc: Doc): void {
    const { table } = this.meta(collection)
    try {
      this.stmt(`INSERT INTO ${table} (id, data) VALUES (?, ?)`).run(idKey(doc._id), toStored(doc))
    } catch (e) {
      if ((e as { code?: string }).code === 'SQLITE_CONSTRAINT_PRIMARYKEY') throw duplicateId(collection, doc._id)
      throw e
    }
    this.trackArrays(collection, doc)
  }

  /** Insert or replace by _id. */
  put(collection: string, doc: Doc): void {
    const { table } = this.meta(collection)
    this.stmt(`INSERT INTO ${table} (id, data) VALUES (?, ?) ON CONFLICT(id) DO UPDATE SET data = excluded.data`).run(idKey(doc._id), toStored(doc))
    this.trackArrays(collection, doc)
  }

  delete(collection: string, key: string): number {
    const { table } = this.meta(collection)
    return this.stmt(`DELETE FROM ${table} WHERE id = ?`).run(key).changes
  }

  deleteWhere(collection: string, c: Compiled, limitOne: boolean): number {
    const { table } = this.meta(collection)
    const sql = limitOne
      ? `DELETE FROM ${table} WHERE rowid IN (SELECT rowid FROM ${table} WHERE ${c.sql} LIMIT 1)`
      : `DELETE FROM ${table} WHERE ${c.sql}`
    return this.stmt(sql).run(...c.params).changes
  }

  // Remember which paths have held arrays: equality on them means "contains", which SQL here leaves to mingo.
  private trackArrays(collection: string, doc: Doc): void {
    const meta = this.meta(collection)
    const walk = (v: Doc, prefix: string): void => {
      for (const [k, x] of Object.entries(v)) {
        const path = prefix ? `${prefix}.${k}` : k
        if (Array.isArray(x)) {
          if (!meta.arrayPaths.has(path)) {
            meta.arrayPaths.add(path)
            this.stmt('INSERT OR IGNORE INTO _lc_array_paths (collection, path) VALUES (?, ?)').run(collection, path)
          }
        } else if (isPlainObject(x)) walk(x, path)
      }
    }
    walk(doc, '')
  }

  close(): void {
    this.statements.clear()
    this.sqlite.close()
  }
}

export { jsonPath, sqlString }
