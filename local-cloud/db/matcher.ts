// The row-by-row matcher (mingo) made to answer as CloudBase's MongoDB does where mingo differs:
//  - `$elemMatch` with conditions on fields of the element ({items: {$elemMatch: {sku: 'x'}}}) considers only
//    elements that are documents (or arrays); mingo lets scalar elements through ([1, 2] matched
//    {$elemMatch: {a: {$exists: true}}} and {$elemMatch: {a: _.mod([2, 0])}}).
//  - `$jsonSchema` is served with its basic keywords (see jsonSchema below); mingo needs a validator for it.
import { Query } from 'mingo'
import { isDate, isPlainObject } from './ejson'
import { DbError } from './errors'

type Filter = Record<string, unknown>
type Options = ConstructorParameters<typeof Query>[1]

// "this element is a document or an array", as a condition mingo evaluates on the element itself.
const OBJECT_ELEMENT = { $expr: { $in: [{ $type: '$$CURRENT' }, ['object', 'array']] } }
const LOGICAL = new Set(['$and', '$or', '$nor'])

/** MongoDB reads $elemMatch as conditions on the element's fields unless its first key is a value operator. */
function isFieldForm(criteria: Filter): boolean {
  const keys = Object.keys(criteria)
  return keys.length > 0 && keys.some((k) => !k.startsWith('$') || LOGICAL.has(k) || k === '$expr' || k === '$where')
}

function guardConditions(ops: Filter): Filter {
  const out: Filter = {}
  for (const [op, arg] of Object.entries(ops)) {
    if (op === '$elemMatch' && isPlainObject(arg)) {
      out[op] = isFieldForm(arg) ? { $and: [OBJECT_ELEMENT, guardFilter(arg)] } : guardConditions(arg)
    } else if (op === '$not' && isPlainObject(arg)) {
      out[op] = guardConditions(arg)
    } else {
      out[op] = arg
    }
  }
  return out
}

function guardFilter(filter: Filter): Filter {
  const out: Filter = {}
  for (const [key, cond] of Object.entries(filter)) {
    if (LOGICAL.has(key) && Array.isArray(cond)) out[key] = cond.map((c) => (isPlainObject(c) ? guardFilter(c) : c))
    else if (!key.startsWith('$') && isPlainObject(cond) && Object.keys(cond).some((k) => k.startsWith('$'))) out[key] = guardConditions(cond)
    else out[key] = cond
  }
  return out
}

function mentionsElemMatch(v: unknown): boolean {
  if (Array.isArray(v)) return v.some(mentionsElemMatch)
  if (!isPlainObject(v)) return false
  for (const [k, x] of Object.entries(v)) if (k === '$elemMatch' || mentionsElemMatch(x)) return true
  return false
}

/** The filter mingo should be given so that it answers as MongoDB would (the filter itself is not changed). */
export function forMingo(filter: Filter): Filter {
  return mentionsElemMatch(filter) ? guardFilter(filter) : filter
}

export const MINGO_OPTIONS: Options = { jsonSchemaValidator: (schema: unknown) => jsonSchema(schema) } as Options

/** A mingo Query for a CloudBase filter. */
export function matcher(filter: Filter): Query {
  return new Query(forMingo(filter), MINGO_OPTIONS)
}

// ---- $jsonSchema (MongoDB's draft-4 subset): the basic keywords; anything else is refused by name. ----

function refuse(message: string): never {
  throw new DbError('DATABASE_REQUEST_FAILED', `$jsonSchema: ${message} [DATABASE_REQUEST_FAILED]`)
}

const INT32 = 2 ** 31
// What each BSON type alias means for the values the local database holds (numbers arrive as JS numbers: the SDK
// sends an integer as $numberInt, anything else as $numberDouble).
const BSON_TYPES: Record<string, (v: unknown) => boolean> = {
  object: isPlainObject,
  array: Array.isArray,
  string: (v) => typeof v === 'string',
  bool: (v) => typeof v === 'boolean',
  null: (v) => v === null,
  date: isDate,
  regex: (v) => v instanceof RegExp,
  int: (v) => typeof v === 'number' && Number.isInteger(v) && v >= -INT32 && v < INT32,
  long: (v) => typeof v === 'number' && Number.isInteger(v) && (v < -INT32 || v >= INT32),
  double: (v) => typeof v === 'number' && !(Number.isInteger(v) && v >= -INT32 && v < INT32),
  number: (v) => typeof v === 'number',
}
// JSON Schema's `type` (MongoDB has no "integer").
const JSON_TYPES: Record<string, (v: unknown) => boolean> = {
  object: isPlainObject,
  array: Array.isArray,
  string: (v) => typeof v === 'string',
  boolean: (v) => typeof v === 'boolean',
  null: (v) => v === null,
  number: (v) => typeof v === 'number',
}
const ANNOTATIONS = new Set(['title', 'description'])

function sameValue(a: unknown, b: unknown): boolean {
  if (isDate(a) || isDate(b)) return isDate(a) && isDate(b) && a.getTime() === b.getTime()
  if (Array.isArray(a) || Array.isArray(b)) return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((x, i) => sameValue(x, b[i]))
  if (isPlainObject(a) && isPlainObject(b)) {
    const ka = Object.keys(a)
    return ka.length === Object.keys(b).length && ka.every((k) => k in b && sameValue(a[k], b[k]))
  }
  return a === b
}

function typeCheck(keyword: string, spec: unknown, table: Record<string, (v: unknown) => boolean>): (v: unknown) => boolean {
  const names = Array.isArray(spec) ? spec : [spec]
  if (names.length === 0 || !names.every((n) => typeof n === 'string' && n in table)) refuse(`${keyword} ${JSON.stringify(spec)} is not a type the local database knows`)
  const checks = names.map((n) => table[n as string])
  return (v) => checks.some((c) => c(v))
}

/**
 * A predicate for one schema. Keywords apply only to values of their kind, as in MongoDB: `minimum` passes a
 * string, `required` and `properties` pass a non-document. Served: bsonType, type, required, properties, enum,
 * minimum, maximum, exclusiveMinimum, exclusiveMaximum (booleans, draft 4), title, description.
 */
export function jsonSchema(schema: unknown): (v: unknown) => boolean {
  if (!isPlainObject(schema)) refuse('the schema must be an object')
  const checks: Array<(v: unknown) => boolean> = []
  const exclusiveMin = schema.exclusiveMinimum === true
  const exclusiveMax = schema.exclusiveMaximum === true
  for (const [keyword, spec] of Object.entries(schema)) {
    switch (keyword) {
      case 'bsonType': checks.push(typeCheck(keyword, spec, BSON_TYPES)); break
      case 'type': checks.push(typeCheck(keyword, spec, JSON_TYPES)); break
      case 'required': {
        if (!Array.isArray(spec) || spec.length === 0 || !spec.every((f) => typeof f === 'string')) refuse('required needs a non-empty array of field names')
        checks.push((v) => !isPlainObject(v) || spec.every((f) => Object.prototype.hasOwnProperty.call(v, f)))
        break
      }
      case 'properties': {
        if (!isPlainObject(spec)) refuse('properties needs an object of schemas')
        const props = Object.entries(spec).map(([f, sub]) => [f, jsonSchema(sub)] as const)
        checks.push((v) => !isPlainObject(v) || props.every(([f, check]) => !Object.prototype.hasOwnProperty.call(v, f) || check(v[f])))
        break
      }
      case 'enum': {
        if (!Array.isArray(spec) || spec.length === 0) refuse('enum needs a non-empty array')
        checks.push((v) => spec.some((x) => sameValue(v, x)))
        break
      }
      case 'minimum': case 'maximum': {
        if (typeof spec !== 'number' || !Number.isFinite(spec)) refuse(`${keyword} needs a number`)
        const ok = keyword === 'minimum'
          ? (n: number) => (exclusiveMin ? n > spec : n >= spec)
          : (n: number) => (exclusiveMax ? n < spec : n <= spec)
        checks.push((v) => typeof v !== 'number' || ok(v))
        break
      }
      case 'exclusiveMinimum': case 'exclusiveMaximum':
        if (typeof spec !== 'boolean') refuse(`${keyword} needs a boolean (draft 4)`)
        if (!((keyword === 'exclusiveMinimum' ? 'minimum' : 'maximum') in schema)) refuse(`${keyword} needs ${keyword === 'exclusiveMinimum' ? 'minimum' : 'maximum'}`)
        break
      default:
        if (!ANNOTATIONS.has(keyword)) refuse(`keyword ${keyword} is not served by the local database`)
    }
  }
  return (v) => checks.every((c) => c(v))
}
