/**
 * A selection (a DueQuery's `where`, as wx-server-sdk's query builder takes it) asked of one stored document, for
 * settle's probe (server/due.ts): the probe reads a collection's due documents once, and each pass's selection is
 * asked of them here instead of by a read of its own (#23).
 *
 * Three answers: true, false, and null when the selection uses something this does not evaluate (an operator not
 * below, a nested object, an array field). The probe takes null as "due": a pass is never skipped on a guess, so
 * what this cannot decide costs a pass's read, never its work. What it does decide follows MongoDB, as CloudBase
 * answers (local-cloud/db keeps the same rules): a value equals only a value of the same type (`null` also matches
 * a missing field); gt/gte/lt/lte compare numbers with numbers and strings with strings, and nothing else matches;
 * `neq` and `nin` match a missing field; `exists` asks whether the field is there at all.
 */
export type Verdict = boolean | null

/** A query or logic command of the SDK's builder (`_.gt(0)`, `_.exists(false).or(_.lte(t))`, `_.or([…])`). */
interface Command {
  operator: string
  operands: unknown
}

function isCommand(v: unknown): v is Command {
  return typeof v === 'object' && v !== null && typeof (v as Command).operator === 'string' && 'operands' in v && 'fieldName' in v
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && Object.getPrototypeOf(v) === Object.prototype
}

/** The value at a dotted path; undefined when any step is missing (an array on the way: not decided here). */
function valueAt(doc: Record<string, unknown>, path: string): { value: unknown } | null {
  let at: unknown = doc
  for (const key of path.split('.')) {
    if (Array.isArray(at)) return null
    if (typeof at !== 'object' || at === null) return { value: undefined }
    at = (at as Record<string, unknown>)[key]
  }
  return Array.isArray(at) ? null : { value: at }
}

type Scalar = number | string | boolean | null

function isScalar(v: unknown): v is Scalar {
  return v === null || typeof v === 'number' || typeof v === 'string' || typeof v === 'boolean'
}

function equals(value: unknown, wanted: unknown): Verdict {
  if (!isScalar(wanted)) return null
  if (wanted === null) return value === null || value === undefined
  if (value !== undefined && !isScalar(value)) return null
  return value === wanted
}

function compare(value: unknown, bound: unknown, test: (a: number | string, b: number | string) => boolean): Verdict {
  if (typeof bound !== 'number' && typeof bound !== 'string') return null
  if (value === undefined || value === null || typeof value === 'boolean') return false
  if (typeof value !== 'number' && typeof value !== 'string') return null
  return typeof value === typeof bound ? test(value, bound) : false
}

function all(verdicts: Verdict[]): Verdict {
  if (verdicts.includes(false)) return false
  return verdicts.includes(null) ? null : true
}

function some(verdicts: Verdict[]): Verdict {
  if (verdicts.includes(true)) return true
  return verdicts.includes(null) ? null : false
}

function not(v: Verdict): Verdict {
  return v === null ? null : !v
}

/** One field's condition: a value (equality) or a command on that field. */
function fieldMatches(value: unknown, cond: unknown): Verdict {
  if (!isCommand(cond)) return isPlainObject(cond) || Array.isArray(cond) ? null : equals(value, cond)
  const ops = Array.isArray(cond.operands) ? cond.operands : [cond.operands]
  switch (cond.operator) {
    case 'and':
      return all(ops.map((c) => fieldMatches(value, c)))
    case 'or':
      return some(ops.map((c) => fieldMatches(value, c)))
    case 'eq':
      return equals(value, ops[0])
    case 'neq':
      return not(equals(value, ops[0]))
    case 'gt':
      return compare(value, ops[0], (a, b) => a > b)
    case 'gte':
      return compare(value, ops[0], (a, b) => a >= b)
    case 'lt':
      return compare(value, ops[0], (a, b) => a < b)
    case 'lte':
      return compare(value, ops[0], (a, b) => a <= b)
    // `_.in(list)` keeps the list itself as its operands.
    case 'in':
      return Array.isArray(cond.operands) ? some(cond.operands.map((w) => equals(value, w))) : null
    case 'nin':
      return Array.isArray(cond.operands) ? not(some(cond.operands.map((w) => equals(value, w)))) : null
    case 'exists':
      return typeof ops[0] === 'boolean' ? (value !== undefined) === ops[0] : null
    default:
      return null
  }
}

/** Does `doc` match the selection `where`? */
export function matchesSelection(doc: Record<string, unknown>, where: unknown): Verdict {
  if (isCommand(where)) {
    const ops = Array.isArray(where.operands) ? where.operands : [where.operands]
    if (where.operator === 'and') return all(ops.map((w) => matchesSelection(doc, w)))
    if (where.operator === 'or') return some(ops.map((w) => matchesSelection(doc, w)))
    return null
  }
  if (!isPlainObject(where)) return null
  return all(Object.entries(where).map(([path, cond]) => {
    const at = valueAt(doc, path)
    return at ? fieldMatches(at.value, cond) : null
  }))
}

/** The top-level fields a selection reads (what the probe projects); null when it cannot tell. */
export function fieldsOfSelection(where: unknown): string[] | null {
  if (isCommand(where)) {
    const ops = Array.isArray(where.operands) ? where.operands : [where.operands]
    const parts = ops.map(fieldsOfSelection)
    return parts.some((p) => p === null) ? null : [...new Set(parts.flat() as string[])]
  }
  if (!isPlainObject(where)) return null
  return [...new Set(Object.keys(where).map((k) => k.split('.')[0]))]
}
