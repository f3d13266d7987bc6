// Serves the database actions @cloudbase/database sends (the CloudBase HTTP API's `database.*`),
// synchronously against the Store. Each call is one SQLite transaction, so a conditional update is atomic.
import * as crypto from 'crypto'
import { aggregate, Query, update as applyModifier } from 'mingo'
import { cloneDoc, Doc, fromStored, idKey, isPlainObject, parseWire, resolveServerDates, toWire } from './ejson'
import { forMingo, MINGO_OPTIONS } from './matcher'
import { OrderSpec } from './query-sql'
import { DbError, duplicateId, Store } from './store'
import { docKey, TransactionManager, transactionConflict, Txn } from './transactions'

export type Params = Record<string, unknown>
export type Reply = Record<string, unknown>

const DEFAULT_LIMIT = 100
const MAX_LIMIT = 1000
/**
 * What CloudBase answers for an aggregate() whose pipeline has no `$limit` stage: the first 20 rows, however many the
 * pipeline produced. Reported by WeChat developers (get() answers 100 in a cloud function, aggregate() 20; a `.limit(n)`
 * raises it), not in the reference docs. Served here so code that forgets `.limit()` truncates in tests as it would
 * in production, instead of passing here and silently losing rows there.
 */
export const AGGREGATE_DEFAULT_LIMIT = 20

export function newDocId(): string {
  return crypto.randomBytes(16).toString('hex')
}

function parseMaybe(v: unknown): unknown {
  return typeof v === 'string' ? parseWire(v) : v
}

const SERVER_DATE_MARK = '$tcb_server_date'

function invalid(message: string): DbError {
  return new DbError('INVALID_PARAM', message)
}

function parseOrder(v: unknown): OrderSpec {
  const o = parseMaybe(v)
  if (o === undefined || o === null) return []
  if (!isPlainObject(o)) throw invalid('order must be an object')
  return Object.entries(o).map(([field, dir]) => [field, Number(dir) === -1 ? -1 : 1])
}

/** Inclusion / exclusion projection (MongoDB rules, no $slice/$elemMatch); top-level fields without mingo. */
export function project(doc: Doc, projection: unknown): Doc {
  if (!isPlainObject(projection) || Object.keys(projection).length === 0) return doc
  // A dotted path may run through arrays (items.sku keeps the sku of every element): MongoDB's rules, via mingo.
  if (Object.keys(projection).some((k) => k.includes('.'))) return new Query({}).find([doc], projection).all()[0] as Doc
  const entries = Object.entries(projection)
  const inclusive = entries.some(([k, v]) => k !== '_id' && Number(v) === 1)
  if (inclusive) {
    const out: Doc = {}
    if (projection._id === undefined || Number(projection._id) !== 0) if (doc._id !== undefined) out._id = doc._id
    for (const [path, v] of entries) {
      if (path === '_id' || Number(v) !== 1) continue
      const parts = path.split('.')
      let src: unknown = doc
      for (const p of parts) src = isPlainObject(src) ? src[p] : undefined
      if (src === undefined) continue
      let dst = out
      for (const p of parts.slice(0, -1)) dst = (isPlainObject(dst[p]) ? dst[p] : (dst[p] = {})) as Doc
      dst[parts[parts.length - 1]] = src
    }
    return out
  }
  const out = cloneDoc(doc)
  for (const [path, v] of entries) {
    if (Number(v) !== 0) continue
    const parts = path.split('.')
    let dst: unknown = out
    for (const p of parts.slice(0, -1)) dst = isPlainObject(dst) ? dst[p] : undefined
    if (isPlainObject(dst)) delete dst[parts[parts.length - 1]]
  }
  return out
}

/**
 * The updates hot paths send — $inc / $set of top-level fields — applied directly; mingo's updater builds a
 * fresh operator context per call, which showed up in the flash-crowd profile. Anything else (nested paths,
 * other operators) returns undefined and goes to mingo. Result as mingo's path: a changed copy, or null.
 */
function applyFlatUpdate(doc: Doc, modifier: Doc): Doc | null | undefined {
  const ops = Object.keys(modifier)
  if (!ops.every((op) => op === '$inc' || op === '$set')) return undefined
  for (const op of ops) {
    const fields = modifier[op]
    if (!isPlainObject(fields)) return undefined
    for (const f of Object.keys(fields)) if (f.includes('.') || f.startsWith('$') || f === '_id') return undefined
  }
  if (modifier.$inc && modifier.$set && Object.keys(modifier.$inc as Doc).some((f) => f in (modifier.$set as Doc))) return undefined
  const next: Doc = { ...doc }
  let changed = false
  for (const [field, by] of Object.entries((modifier.$inc ?? {}) as Doc)) {
    const value = ((next[field] as number | undefined) ?? 0) + (by as number)
    if (value !== next[field]) changed = true
    next[field] = value
  }
  for (const [field, value] of Object.entries((modifier.$set ?? {}) as Doc)) {
    const before = next[field]
    const same = before === value || (typeof value === 'object' && value !== null && !(value instanceof Date) && JSON.stringify(before) === JSON.stringify(value))
      || (value instanceof Date && before instanceof Date && value.getTime() === before.getTime())
    if (!same) changed = true
    next[field] = typeof value === 'object' && value !== null && !(value instanceof Date) ? cloneDoc(value) : value
  }
  return changed ? next : null
}

function readPath(doc: Doc, field: string): unknown {
  let v: unknown = doc
  for (const p of field.split('.')) v = isPlainObject(v) ? v[p] : Array.isArray(v) ? v[Number(p)] : undefined
  return v
}

/** `{ $group: { _id: '$field', name: { $sum: 1 } } }` (nothing else): the field and the count's name, else null. */
function countingGroup(stage: Record<string, unknown>): { field: string; as: string } | null {
  const g = stage.$group
  if (!isPlainObject(g) || Object.keys(stage).length !== 1) return null
  const { _id: key, ...acc } = g
  if (typeof key !== 'string' || !/^\$[A-Za-z_][\w.]*$/.test(key)) return null
  const names = Object.keys(acc)
  if (names.length !== 1) return null
  const sum = acc[names[0]]
  if (!isPlainObject(sum) || Object.keys(sum).length !== 1 || sum.$sum !== 1) return null
  return { field: key.slice(1), as: names[0] }
}

export class Engine {
  constructor(readonly store: Store, readonly txns: TransactionManager, private readonly now: () => number = Date.now) {}

  handle(action: string, params: Params): Reply {
    switch (action) {
      case 'database.getDocument': return this.getDocument(params)
      case 'database.calculateDocument': return this.calculateDocument(params)
      case 'database.insertDocument': return this.insertDocument(params)
      case 'database.modifyDocument': return this.modifyDocument(params)
      case 'database.modifyAndReturnDoc': return this.modifyAndReturnDoc(params)
      case 'database.removeDocument': return this.removeDocument(params)
      case 'database.aggregateDocuments': return this.aggregateDocuments(params)
      case 'database.startTransaction': return { transactionId: this.txns.start().id }
      case 'database.commitTransaction': return this.commit(params)
      case 'database.abortTransaction': this.txns.end(this.txns.get(params.transactionId).id); return {}
      case 'database.addCollection': {
        const name = String(params.collectionName)
        if (this.store.hasCollection(name)) throw new DbError('DATABASE_COLLECTION_ALREADY_EXIST', `collection ${name} already exists`)
        this.store.createCollection(name, [])
        return {}
      }
      default: throw new DbError('INVALID_PARAM', `local database does not implement ${action}`)
    }
  }

  private collection(params: Params): string {
    const name = params.collectionName
    if (typeof name !== 'string' || !name) throw invalid('collectionName is required')
    this.store.compile(name, undefined) // throws DATABASE_COLLECTION_NOT_EXIST for unknown collections
    return name
  }

  /** A query as sent; `db.serverDate()` in a condition is the server's clock (only queries that hold one are walked). */
  private filterOf(raw: unknown): unknown {
    const q = parseMaybe(raw)
    return typeof raw === 'string' && raw.includes(SERVER_DATE_MARK) ? resolveServerDates(q, this.now()) : q
  }

  /** The transaction a document operation runs in (its first operation takes the snapshot), or null. */
  private txnOf(params: Params): Txn | null {
    return params.transactionId ? this.txns.operate(params.transactionId) : null
  }

  /** The `_id` of a DOC-type query ({_id: x}); transactions only address documents this way. */
  private docIdOf(params: Params): unknown {
    const q = parseMaybe(params.query)
    if (params.queryType !== 'DOC' || !isPlainObject(q) || !('_id' in q) || isPlainObject(q._id)) {
      throw new DbError('DATABASE_REQUEST_FAILED', 'transactions only support doc(id) reads and writes and add() [DATABASE_REQUEST_FAILED]')
    }
    return q._id
  }

  private txnView(txn: Txn, collection: string, id: unknown): Doc | null {
    const key = docKey(collection, idKey(id))
    const w = txn.writes.get(key)
    if (w) return w.doc
    if (txn.snapshot.has(key)) return txn.snapshot.get(key) ?? null
    return this.store.get(collection, idKey(id))
  }

  /** Every transactional write request claims its document first (conflicts surface at the write). */
  private txnClaim(txn: Txn, collection: string, id: unknown): void {
    this.txns.claim(txn, docKey(collection, idKey(id)))
  }

  private txnWrite(txn: Txn, collection: string, id: unknown, doc: Doc | null): void {
    this.txns.write(txn, { collection, key: idKey(id), doc })
  }

  // Every committed write goes through here so open transactions keep their snapshot.
  private beforeWrite(collection: string, key: string): void {
    this.txns.recordPreImage(docKey(collection, key), () => this.store.get(collection, key))
  }

  private getDocument(params: Params): Reply {
    const collection = this.collection(params)
    const txn = this.txnOf(params)
    const projection = parseMaybe(params.projection)
    let docs: Doc[]
    if (txn) {
      const doc = this.txnView(txn, collection, this.docIdOf(params))
      docs = doc ? [doc] : []
    } else {
      const limit = Math.min(Number(params.limit) || DEFAULT_LIMIT, MAX_LIMIT)
      docs = this.store.select(collection, this.filterOf(params.query), {
        order: parseOrder(params.order),
        offset: Number(params.offset) || 0,
        limit,
      }).map((r) => r.doc)
    }
    return { data: { list: docs.map((d) => toWire(project(d, projection))) } }
  }

  private calculateDocument(params: Params): Reply {
    const collection = this.collection(params)
    return { data: { total: this.store.count(collection, this.filterOf(params.query)) } }
  }

  private prepareNewDoc(raw: unknown): Doc {
    const parsed = resolveServerDates(parseMaybe(raw), this.now())
    if (!isPlainObject(parsed)) throw invalid('document must be an object')
    if (parsed._id === undefined || parsed._id === null) return { _id: newDocId(), ...parsed }
    return parsed
  }

  private insertDocument(params: Params): Reply {
    const collection = this.collection(params)
    const list = Array.isArray(params.data) ? params.data : [params.data]
    const docs = list.map((d) => this.prepareNewDoc(d))
    const txn = this.txnOf(params)
    if (txn) {
      for (const doc of docs) {
        this.txnClaim(txn, collection, doc._id)
        if (this.txnView(txn, collection, doc._id)) throw duplicateId(collection, doc._id)
        this.txnWrite(txn, collection, doc._id, doc)
      }
    } else {
      this.store.transaction(() => {
        for (const doc of docs) {
          this.beforeWrite(collection, idKey(doc._id))
          this.store.insert(collection, doc)
        }
      })
    }
    return { data: { insertedIds: docs.map((d) => d._id) } }
  }

  /** Apply an update to a copy of `doc`; null when nothing changed (CloudBase counts only modified docs). */
  private applyUpdate(doc: Doc, data: unknown, merge: boolean): Doc | null {
    const resolved = resolveServerDates(data, this.now())
    if (!isPlainObject(resolved)) throw invalid('update data must be an object')
    if (!merge) {
      // A replacement may repeat the document's own _id (MongoDB's replaceOne accepts it); another _id is refused.
      if (resolved._id !== undefined && idKey(resolved._id) !== idKey(doc._id)) {
        throw new DbError('DATABASE_REQUEST_FAILED', `After applying the update, the (immutable) field '_id' was found to have been altered to _id: ${JSON.stringify(resolved._id)} [DATABASE_REQUEST_FAILED]`)
      }
      const next: Doc = { _id: doc._id, ...resolved }
      next._id = doc._id
      return JSON.stringify(next) === JSON.stringify(doc) ? null : next
    }
    const keys = Object.keys(resolved)
    const modifier = keys.length > 0 && keys.every((k) => k.startsWith('$')) ? resolved : { $set: resolved }
    for (const op of ['$inc', '$mul']) {
      const fields = (modifier as Doc)[op]
      if (!isPlainObject(fields)) continue
      for (const [field, by] of Object.entries(fields)) {
        const current = readPath(doc, field)
        if (typeof by !== 'number' || (current !== undefined && typeof current !== 'number')) {
          // MongoDB refuses arithmetic on non-numbers; mingo would silently skip it
          throw new DbError('DATABASE_REQUEST_FAILED', `Cannot apply ${op} to a value of non-numeric type (field ${field})`)
        }
      }
    }
    for (const op of ['$push', '$addToSet', '$pull', '$pullAll', '$pop']) {
      const fields = (modifier as Doc)[op]
      if (!isPlainObject(fields)) continue
      for (const field of Object.keys(fields)) {
        const current = readPath(doc, field)
        // MongoDB refuses array operators on a field holding something else; mingo would silently skip it
        if (current !== undefined && !Array.isArray(current)) throw new DbError('DATABASE_REQUEST_FAILED', `Cannot apply ${op} to a non-array field (field ${field}) [DATABASE_REQUEST_FAILED]`)
      }
    }
    const fast = applyFlatUpdate(doc, modifier as Doc)
    if (fast !== undefined) return fast
    const next = cloneDoc(doc)
    let changed: string[]
    try {
      changed = applyModifier(next, modifier as Parameters<typeof applyModifier>[1])
    } catch (e) {
      throw new DbError('DATABASE_REQUEST_FAILED', `update failed: ${(e as Error).message}`)
    }
    if (changed.includes('_id')) throw invalid('cannot update _id')
    return changed.length > 0 ? next : null
  }

  private modifyDocument(params: Params): Reply {
    const collection = this.collection(params)
    const data = parseMaybe(params.data)
    const merge = params.merge !== false
    const upsert = params.upsert === true
    const txn = this.txnOf(params)
    if (txn) {
      const id = this.docIdOf(params)
      this.txnClaim(txn, collection, id)
      const current = this.txnView(txn, collection, id)
      if (!current) {
        if (!upsert) return { data: { updated: 0 } }
        const created = this.applyUpdate({ _id: id }, data, merge) ?? { _id: id }
        this.txnWrite(txn, collection, id, created)
        return { data: { updated: 0, upsert_id: id } }
      }
      const next = this.applyUpdate(current, data, merge)
      if (next) this.txnWrite(txn, collection, id, next)
      return { data: { updated: next ? 1 : 0 } }
    }
    return this.store.transaction(() => {
      const query = this.filterOf(params.query)
      const multi = params.multi !== false && params.queryType !== 'DOC'
      const matches = this.store.select(collection, query, multi ? {} : { limit: 1 })
      if (matches.length === 0 && upsert) {
        const q = isPlainObject(query) ? query : {}
        const id = q._id !== undefined && !isPlainObject(q._id) ? q._id : newDocId()
        const created = this.applyUpdate({ _id: id }, data, merge) ?? { _id: id }
        this.beforeWrite(collection, idKey(id))
        this.store.insert(collection, created)
        return { data: { updated: 0, upsert_id: id } }
      }
      let updated = 0
      for (const { row, doc } of matches) {
        const next = this.applyUpdate(doc, data, merge)
        if (!next) continue
        this.beforeWrite(collection, row.id)
        this.store.put(collection, next)
        updated++
      }
      return { data: { updated } }
    })
  }

  private modifyAndReturnDoc(params: Params): Reply {
    const collection = this.collection(params)
    if (params.transactionId) throw new DbError('DATABASE_REQUEST_FAILED', 'updateAndReturn is not supported in transactions')
    const data = parseMaybe(params.data)
    return this.store.transaction(() => {
      const [match] = this.store.select(collection, this.filterOf(params.query), { limit: 1 })
      if (!match) return { data: { updated: 0, doc: null } }
      const next = this.applyUpdate(match.doc, data, true)
      if (next) {
        this.beforeWrite(collection, match.row.id)
        this.store.put(collection, next)
      }
      return { data: { updated: next ? 1 : 0, doc: toWire(next ?? match.doc) } }
    })
  }

  private removeDocument(params: Params): Reply {
    const collection = this.collection(params)
    const txn = this.txnOf(params)
    if (txn) {
      const id = this.docIdOf(params)
      this.txnClaim(txn, collection, id)
      if (!this.txnView(txn, collection, id)) return { data: { deleted: 0 } }
      this.txnWrite(txn, collection, id, null)
      return { data: { deleted: 1 } }
    }
    const query = this.filterOf(params.query)
    const multi = params.multi !== false && params.queryType !== 'DOC'
    return this.store.transaction(() => {
      const compiled = this.store.compile(collection, query)
      if (compiled.exact && this.txns.openCount === 0) return { data: { deleted: this.store.deleteWhere(collection, compiled, !multi) } }
      let deleted = 0
      for (const { row } of this.store.select(collection, query, multi ? {} : { limit: 1 })) {
        this.beforeWrite(collection, row.id)
        deleted += this.store.delete(collection, row.id)
      }
      return { data: { deleted } }
    })
  }

  private aggregateDocuments(params: Params): Reply {
    const collection = this.collection(params)
    const stages = (Array.isArray(params.stages) ? params.stages : []) as Array<{ stageKey: string; stageValue: string }>
    const limited = stages.some((s) => s.stageKey === '$limit')
    const pipeline = stages.map((s) => ({ [s.stageKey]: s.stageKey === '$match' ? this.filterOf(s.stageValue) : parseMaybe(s.stageValue) }))
    // A leading $match is served by SQL; the rest runs in mingo over the matched documents. A $group that only counts
    // by one field right after it is SQL's too (GROUP BY): mingo then gets one row per value, not every document.
    let source: Doc[]
    const counted = pipeline.length > 1 && '$match' in pipeline[0] ? countingGroup(pipeline[1]) : null
    const grouped = counted ? this.store.countBy(collection, pipeline[0].$match, counted.field) : null
    if (counted && grouped) {
      pipeline.splice(0, 2)
      source = grouped.map((g) => ({ _id: g.key, [counted.as]: g.count }))
    } else if (pipeline.length > 0 && '$match' in pipeline[0]) {
      source = this.store.select(collection, pipeline.shift()!.$match).map((r) => r.doc)
    } else {
      source = this.store.all(collection)
    }
    // Later $match stages run in mingo: given the filter MongoDB's semantics need (see matcher.ts).
    const stagesForMingo = pipeline.map((st) => ('$match' in st && isPlainObject(st.$match) ? { $match: forMingo(st.$match) } : st))
    const result = aggregate(source, stagesForMingo, {
      ...MINGO_OPTIONS,
      collectionResolver: (name: string) => this.store.all(name),
    }) as Doc[]
    return { data: { list: (limited ? result : result.slice(0, AGGREGATE_DEFAULT_LIMIT)).map(toWire) } }
  }

  private commit(params: Params): Reply {
    const txn = this.txns.get(params.transactionId)
    this.txns.end(txn.id)
    // A plain write that landed after this transaction's own write to the same document (CloudBase would have
    // made it wait for this commit; here it went first) still loses this transaction: first committer wins.
    for (const key of txn.writes.keys()) {
      if (txn.snapshot.has(key)) {
        throw transactionConflict()
      }
    }
    this.store.transaction(() => {
      for (const w of txn.writes.values()) {
        this.beforeWrite(w.collection, w.key)
        if (w.doc) this.store.put(w.collection, w.doc)
        else this.store.delete(w.collection, w.key)
      }
    })
    return {}
  }
}

export { fromStored }
