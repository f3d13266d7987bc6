// Value conversions between the three shapes a document takes:
//  - wire:   canonical EJSON strings exchanged with @cloudbase/database (what CloudBase's HTTP API carries)
//  - js:     plain objects with Date instances and RegExp (what the matcher, updater and aggregator use)
//  - stored: JSON text in SQLite, Date as {"$date": <epoch ms>} so json_extract can reach the number
import { EJSON } from 'bson'
import { types } from 'util'
import { DbError } from './errors'

export type Doc = Record<string, unknown>

export function isPlainObject(v: unknown): v is Doc {
  return Object.prototype.toString.call(v) === '[object Object]' && !(v as { _bsontype?: unknown })._bsontype
}

/** Wire EJSON -> js values (numbers relaxed to JS numbers, BSON regexps to RegExp). */
export function parseWire(text: string): unknown {
  const fast = parseCommonWire(text)
  return fast !== UNCOMMON ? fast : parseWireWithBson(text)
}

/** @internal The reference path (every EJSON type), which parseWire must always agree with. */
export function parseWireWithBson(text: string): unknown {
  return fromBson(EJSON.parse(text.includes('"$timestamp"') ? timestampSecondsAsDates(text) : text, { relaxed: true }))
}

/**
 * `{ $timestamp: seconds }` (what the SDK sends for a plain `{ $timestamp: 1700000000 }` in a document) is the
 * instant of those seconds on CloudBase, which reads it back as a Date; bson alone would make it Timestamp(0, 0),
 * the epoch. Rewritten to the equivalent `$date` before bson parses; `{ $timestamp: { t, i } }` is left to bson.
 * (Only requests holding "$timestamp" take this path; parseWire's common path sends them all here.)
 */
function timestampSecondsAsDates(text: string): string {
  return JSON.stringify(JSON.parse(text, (_k, v: unknown) => {
    if (!isPlainObject(v)) return v
    const keys = Object.keys(v)
    if (keys.length !== 1 || keys[0] !== '$timestamp') return v
    const seconds = wireNumber(v.$timestamp)
    return seconds === null ? v : { $date: { $numberLong: String(Math.round(seconds * 1000)) } }
  }))
}

/** A number as canonical or relaxed EJSON carries it ({$numberInt: '5'}, 5), else null. */
function wireNumber(v: unknown): number | null {
  if (typeof v === 'number') return Number.isFinite(v) ? v : null
  if (!isPlainObject(v)) return null
  const keys = Object.keys(v)
  if (keys.length !== 1 || !['$numberInt', '$numberLong', '$numberDouble'].includes(keys[0])) return null
  const n = Number(v[keys[0]])
  return typeof v[keys[0]] === 'string' && Number.isFinite(n) ? n : null
}

/** A Date from any realm (jest's sandbox and Node's structuredClone make Dates of different realms). */
export function isDate(v: unknown): v is Date {
  return v instanceof Date || types.isDate(v)
}

// BSON types MongoDB would store but the local JSON storage cannot keep as themselves: refused by name rather
// than stored as a meaningless object.
const UNSTORABLE = new Set(['Decimal128', 'Binary', 'MinKey', 'MaxKey', 'Code', 'DBRef', 'BSONSymbol', 'Symbol'])

const UNCOMMON = Symbol('uncommon')
// Every key bson's EJSON reviver gives a meaning to (bson 4.x deserializeValue).
const EJSON_KEYS = new Set(['$oid', '$binary', '$uuid', '$symbol', '$numberInt', '$numberDecimal', '$numberDouble', '$numberLong', '$minKey', '$maxKey', '$regex', '$regularExpression', '$timestamp', '$date', '$undefined', '$code', '$scope', '$ref', '$id', '$db', '$dbPointer'])
const SAFE_LONG = /^-?[1-9][0-9]{0,14}$|^0$/

/**
 * What the SDK sends is almost always plain JSON plus $numberInt / $numberDouble / $numberLong / $date: those are
 * turned into the very values the bson path yields, by one native JSON.parse and one walk, without bson's reviver
 * and intermediate objects (EJSON parsing was a top item of the flash-crowd profile). Anything else bson would
 * interpret — any other EJSON key, a key with a NUL, a "__proto__" key — returns UNCOMMON and takes the bson path.
 */
function parseCommonWire(text: string): unknown {
  return revive(JSON.parse(text))
}

function revive(v: unknown): unknown {
  if (v === null || typeof v !== 'object') return v
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) {
      const x = revive(v[i])
      if (x === UNCOMMON) return UNCOMMON
      v[i] = x
    }
    return v
  }
  const o = v as Doc
  const keys = Object.keys(o)
  if (keys.length === 1 && keys[0].charCodeAt(0) === 36 /* $ */) {
    const x = o[keys[0]]
    switch (keys[0]) {
      case '$numberInt': return typeof x === 'string' ? parseInt(x, 10) : UNCOMMON
      case '$numberDouble': return typeof x === 'string' ? parseFloat(x) : UNCOMMON
      case '$numberLong': return typeof x === 'string' && SAFE_LONG.test(x) ? Number(x) : UNCOMMON
      case '$date': {
        // bson revives an inner {$numberLong} first: a $date holds a number or an ISO string by then.
        const d = revive(x)
        return typeof d === 'number' ? new Date(d) : typeof d === 'string' ? new Date(Date.parse(d)) : UNCOMMON
      }
    }
  }
  for (const k of keys) {
    if (EJSON_KEYS.has(k) || k === '__proto__' || k.includes('\u0000')) return UNCOMMON
    const x = revive(o[k])
    if (x === UNCOMMON) return UNCOMMON
    o[k] = x
  }
  return o
}

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
  // Most documents hold no Date: then the copy storedValue makes would be JSON.stringify's own output.
  return jsonAsIs(doc) ? JSON.stringify(doc) : JSON.stringify(storedValue(doc))
}

/** @internal The reference path, which toStored must always agree with. */
export function toStoredByCopy(doc: Doc): string {
  return JSON.stringify(storedValue(doc))
}

/**
 * True when JSON.stringify(v) already is JSON.stringify(storedValue(v)): no Date, no other value with a toJSON
 * (storedValue ignores it, JSON.stringify would not), no "__proto__" key (storedValue's copy would turn it into a
 * prototype). Undefined, NaN and Infinity come out the same either way.
 */
function jsonAsIs(v: unknown): boolean {
  if (v === null || typeof v !== 'object') return true
  if (typeof (v as { toJSON?: unknown }).toJSON === 'function') return false
  if (Array.isArray(v)) {
    for (const x of v) if (!jsonAsIs(x)) return false
    return true
  }
  for (const k in v) {
    if (!Object.prototype.hasOwnProperty.call(v, k)) continue
    if (k === '__proto__' || !jsonAsIs((v as Doc)[k])) return false
  }
  return true
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
  // One native parse and a walk that swaps in the Dates. A "__proto__" key (written plain or escaped) takes the
  // reviver path, where JSON.parse itself keeps it an own property.
  if (!text.includes('"__proto__"') && !text.includes('\\u')) return withDates(JSON.parse(text)) as Doc
  return fromStoredByReviver(text)
}

function withDates(v: unknown): unknown {
  if (v === null || typeof v !== 'object') return v
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) v[i] = withDates(v[i])
    return v
  }
  const o = v as Doc
  let keys = 0
  for (const k in o) {
    keys++
    const x = o[k]
    if (x !== null && typeof x === 'object') o[k] = withDates(x)
  }
  if (keys === 1 && typeof o.$date === 'number') return new Date(o.$date)
  return o
}

/** @internal The reference path, which fromStored must always agree with. */
export function fromStoredByReviver(text: string): Doc {
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
