// Value conversions between the three shapes a document takes:
//  - wire:   canonical EJSON strings exchanged with @cloudbase/database (what CloudBase's HTTP API carries)
//  - js:     plain objects with Date instances and RegExp (what the matcher, updater and aggregator use)
//  - stored: JSON text in SQLite, Date as {"$date": <epoch ms>} so json_extract can reach the number
import { EJSON } from 'bson'
import { types } from 'util'
import { DbError } from './store'

export type Doc = Record<string, unknown>

export function isPlainObject(v: unknown): v is Doc {
  return Object.prototype.toString.call(v) === '[object Object]' && !(v as { _bsontype?: unknown })._bsontype
}

/** Wire EJSON -> js values (numbers relaxed to JS numbers, BSON regexps to RegExp). */
export function parseWire(text: string): unknown {
  return fromBson(EJSON.parse(text, { relaxed: true }))
}

/** A Date from any realm (jest's sandbox and Node's structuredClone make Dates of different realms). */
export function isDate(v: unknown): v is Date {
  return v instanceof Date || types.isDate(v)
}

// BSON types MongoDB would store but the local JSON storage cannot keep as themselves: refused by name rather
// than stored as a meaningless object.
const UNSTORABLE = new Set(['Decimal128', 'Binary', 'MinKey', 'MaxKey', 'Code', 'DBRef', 'BSONSymbol', 'Symbol'])

function fromBson(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(fromBson)
  if (isDate(v)) return new Date(v.getTime())
  if (v === null || typeof v !== 'object') return v
  const bsonType = (v as { _bsontype?: string })._bsontype
  // CloudBase reads a stored $timestamp back as a Date: the instant of its seconds.
  if (bsonType === 'Timestamp') return new Date((v as unknown as { getHighBits(): number }).getHighBits() * 1000)
  if (bsonType && UNSTORABLE.has(bsonType)) {
    throw new DbError('DATABASE_REQUEST_FAILED', `the local database does not store BSON ${bsonType} values [DATABASE_REQUEST_FAILED]`)
  }
  if (bsonType === 'BSONRegExp') {
    const r = v as unknown as { pattern: string; options: string }
    return new RegExp(r.pattern, r.options.replace(/[^ims]/g, ''))
  }
  if (bsonType === 'Long') return Number((v as unknown as { toNumber(): number }).toNumber())
  if (bsonType === 'Int32' || bsonType === 'Double') return (v as unknown as { valueOf(): number }).valueOf()
  if (bsonType === 'ObjectId' || bsonType === 'ObjectID') return String((v as unknown as { toHexString(): string }).toHexString())
  const out: Doc = {}
  for (const [k, x] of Object.entries(v as Doc)) out[k] = fromBson(x)
  return out
}

/** js document -> wire EJSON string, as CloudBase returns list items. */
export function toWire(doc: unknown): string {
  return EJSON.stringify(doc as Doc, { relaxed: false })
}

export function toStored(doc: Doc): string {
  return JSON.stringify(storedValue(doc))
}

function storedValue(v: unknown): unknown {
  if (isDate(v)) return { $date: v.getTime() }
  if (Array.isArray(v)) return v.map(storedValue)
  if (v !== null && typeof v === 'object') {
    const out: Doc = {}
    for (const [k, x] of Object.entries(v as Doc)) if (x !== undefined) out[k] = storedValue(x)
    return out
  }
  if (typeof v === 'number' && !Number.isFinite(v)) return null // JSON cannot carry NaN/Infinity
  return v
}

export function fromStored(text: string): Doc {
  return JSON.parse(text, (_k, v: unknown) => {
    if (v !== null && typeof v === 'object' && !Array.isArray(v)) {
      const keys = Object.keys(v as Doc)
      if (keys.length === 1 && keys[0] === '$date' && typeof (v as Doc).$date === 'number') return new Date((v as Doc).$date as number)
    }
    return v
  }) as Doc
}

/** Replace db.serverDate() placeholders ({$tcb_server_date: {offset}}) with the server's clock. */
export function resolveServerDates<T>(v: T, now: number): T {
  if (Array.isArray(v)) return v.map((x) => resolveServerDates(x, now)) as unknown as T
  if (isPlainObject(v)) {
    const sd = v.$tcb_server_date
    if (isPlainObject(sd) && Object.keys(v).length === 1) return new Date(now + (Number(sd.offset) || 0)) as unknown as T
    const out: Doc = {}
    for (const [k, x] of Object.entries(v)) out[k] = resolveServerDates(x, now)
    return out as T
  }
  return v
}

/** Deep copy whose Dates belong to this realm (structuredClone's would fail `instanceof Date` under jest). */
export function cloneDoc<T>(v: T): T {
  if (Array.isArray(v)) return v.map(cloneDoc) as unknown as T
  if (isDate(v)) return new Date(v.getTime()) as unknown as T
  if (v instanceof RegExp) return new RegExp(v.source, v.flags) as unknown as T
  if (v !== null && typeof v === 'object') {
    const out: Doc = {}
    for (const [k, x] of Object.entries(v as Doc)) out[k] = cloneDoc(x)
    return out as T
  }
  return v
}

/** _id -> primary-key text. Strings map to themselves so `_id` queries hit the primary key. */
export function idKey(id: unknown): string {
  return typeof id === 'string' ? id : `\u0001${JSON.stringify(storedValue(id))}`
}
