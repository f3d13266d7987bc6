// MongoDB/CloudBase filter -> SQLite WHERE over `data` (JSON text) and `id` (primary key).
//
// Every part is either translated exactly or replaced by TRUE (an over-approximation) and the whole
// result marked inexact; the caller then re-checks each row with mingo. Exact parts must agree with
// MongoDB semantics, hence the json_type guards: a number never equals a string, true is not 1, a
// missing field equals null. Paths that ever held an array in the collection (tracked on write) are
// left to mingo, because equality on them means "array contains".
import { idKey, isPlainObject } from './ejson'

export interface Compiled {
  sql: string
  params: unknown[]
  exact: boolean
}

export interface CompileContext {
  /** true when the field, or a field on its path, has held an array in this collection */
  arrayAffected(field: string): boolean
}

const APPROX: Compiled = { sql: '1', params: [], exact: false }
const ALL: Compiled = { sql: '1', params: [], exact: true }
const NONE: Compiled = { sql: '0', params: [], exact: true }

export function sqlString(s: string): string {
  return `'${s.replace(/'/g, "''")}'`
}

/** Dotted field -> JSON path with quoted labels; null when it cannot be expressed safely. */
export function jsonPath(field: string): string | null {
  const parts = field.split('.')
  if (parts.some((p) => p === '' || /["\\]/.test(p) || /^\d+$/.test(p))) return null
  return '$' + parts.map((p) => `."${p}"`).join('')
}

/** The expression an index is built on and a query must repeat verbatim to use it. */
export function valueExpr(field: string): string | null {
  if (field === '_id') return 'id'
  const p = jsonPath(field)
  return p === null ? null : `json_extract(data, ${sqlString(p)})`
}

function typeExpr(path: string): string {
  return `json_type(data, ${sqlString(path)})`
}

function and(parts: Compiled[]): Compiled {
  if (parts.length === 0) return ALL
  if (parts.length === 1) return parts[0]
  return {
    sql: parts.map((p) => `(${p.sql})`).join(' AND '),
    params: parts.flatMap((p) => p.params),
    exact: parts.every((p) => p.exact),
  }
}

function or(parts: Compiled[]): Compiled {
  if (parts.length === 0) return NONE
  if (parts.length === 1) return parts[0]
  return {
    sql: parts.map((p) => `(${p.sql})`).join(' OR '),
    params: parts.flatMap((p) => p.params),
    exact: parts.every((p) => p.exact),
  }
}

// SQL NULL (missing field) must read as false before negation, or NOT would drop the row.
function not(c: Compiled): Compiled {
  return c.exact ? { sql: `NOT COALESCE((${c.sql}), 0)`, params: c.params, exact: true } : APPROX
}

type ScalarKind = 'number' | 'string' | 'date'
function scalarKind(v: unknown): ScalarKind | null {
  if (typeof v === 'number' && Number.isFinite(v)) return 'number'
  if (typeof v === 'string') return 'string'
  if (v instanceof Date) return 'date'
  return null
}

const SQL_OP: Record<string, string> = { $eq: '=', $gt: '>', $gte: '>=', $lt: '<', $lte: '<=' }

function compare(field: string, op: string, v: unknown): Compiled {
  const sqlOp = SQL_OP[op]
  if (field === '_id') {
    if (op === '$eq' && (typeof v === 'string' || typeof v === 'number')) return { sql: 'id = ?', params: [idKey(v)], exact: true }
    if (typeof v === 'string') return { sql: `id ${sqlOp} ? AND substr(id, 1, 1) <> char(1)`, params: [v], exact: true }
    return APPROX
  }
  const path = jsonPath(field)
  if (path === null) return APPROX
  const kind = scalarKind(v)
  if (kind === 'number') {
    return { sql: `${valueExpr(field)} ${sqlOp} ? AND ${typeExpr(path)} IN ('integer', 'real')`, params: [v], exact: true }
  }
  // Equal to a string that is no object's or array's JSON text: only a JSON string can be (json_extract answers a
  // number, true or false as a number, an object or array as its JSON text) — no guard, so a count is answered from
  // the index alone, as CloudBase counts (#23: the counter's 待提货 count over 20k orders read every row's JSON).
  if (kind === 'string' && op === '$eq' && !/^[[{]/.test(v as string)) return { sql: `${valueExpr(field)} = ?`, params: [v], exact: true }
  if (kind === 'string') return { sql: `${valueExpr(field)} ${sqlOp} ? AND ${typeExpr(path)} = 'text'`, params: [v], exact: true }
  if (kind === 'date') {
    const datePath = `${path}."$date"`
    return { sql: `json_extract(data, ${sqlString(datePath)}) ${sqlOp} ? AND ${typeExpr(datePath)} IN ('integer', 'real')`, params: [(v as Date).getTime()], exact: true }
  }
  if (op !== '$eq') return APPROX
  if (v === null || v === undefined) return { sql: `${typeExpr(path)} IS NULL OR ${typeExpr(path)} = 'null'`, params: [], exact: true }
  if (typeof v === 'boolean') return { sql: `${valueExpr(field)} = ${v ? 1 : 0} AND ${typeExpr(path)} = '${v}'`, params: [], exact: true }
  return APPROX // embedded documents, arrays, regexps: mingo decides
}

function compileIn(field: string, values: unknown[]): Compiled {
  if (values.length === 0) return NONE
  const kinds = new Set(values.map(scalarKind))
  const expr = valueExpr(field)
  const path = field === '_id' ? null : jsonPath(field)
  const marks = values.map(() => '?').join(', ')
  if (field === '_id' && values.every((v) => typeof v === 'string' || typeof v === 'number')) {
    return { sql: `id IN (${marks})`, params: values.map(idKey), exact: true }
  }
  if (path !== null && kinds.size === 1 && kinds.has('string') && values.every((v) => !/^[[{]/.test(v as string))) {
    return { sql: `${expr} IN (${marks})`, params: values, exact: true }
  }
  if (path !== null && kinds.size === 1 && (kinds.has('string') || kinds.has('number'))) {
    const guard = kinds.has('string') ? `= 'text'` : `IN ('integer', 'real')`
    return { sql: `${expr} IN (${marks}) AND ${typeExpr(path)} ${guard}`, params: values, exact: true }
  }
  return or(values.map((v) => compare(field, '$eq', v)))
}

function compileOperators(field: string, ops: Record<string, unknown>): Compiled {
  const parts: Compiled[] = []
  for (const [op, v] of Object.entries(ops)) {
    switch (op) {
      case '$eq': case '$gt': case '$gte': case '$lt': case '$lte':
        parts.push(compare(field, op, v)); break
      case '$ne': parts.push(not(compare(field, '$eq', v))); break
      case '$in': parts.push(Array.isArray(v) ? compileIn(field, v) : APPROX); break
      case '$nin': parts.push(Array.isArray(v) ? not(compileIn(field, v)) : APPROX); break
      case '$exists': {
        const path = jsonPath(field)
        if (field === '_id') parts.push(v ? ALL : NONE)
        else if (path === null) parts.push(APPROX)
        else parts.push({ sql: `${typeExpr(path)} IS ${v ? 'NOT ' : ''}NULL`, params: [], exact: true })
        break
      }
      case '$not': parts.push(isOperatorObject(v) ? not(compileOperators(field, v)) : APPROX); break
      default: parts.push(APPROX) // $regex, $elemMatch, $size, $all, $mod, geo …
    }
  }
  return and(parts)
}

function isOperatorObject(v: unknown): v is Record<string, unknown> {
  return isPlainObject(v) && Object.keys(v).length > 0 && Object.keys(v).every((k) => k.startsWith('$'))
}

export function compileFilter(filter: unknown, ctx: CompileContext): Compiled {
  if (filter === undefined || filter === null) return ALL
  if (!isPlainObject(filter)) return APPROX
  const parts: Compiled[] = []
  for (const [key, cond] of Object.entries(filter)) {
    if (key === '$and' || key === '$or' || key === '$nor') {
      if (!Array.isArray(cond)) { parts.push(APPROX); continue }
      const subs = cond.map((c) => compileFilter(c, ctx))
      parts.push(key === '$and' ? and(subs) : key === '$or' ? or(subs) : not(or(subs)))
      continue
    }
    if (key.startsWith('$')) { parts.push(APPROX); continue } // $expr, $where, $text …
    if (key !== '_id' && ctx.arrayAffected(key)) { parts.push(APPROX); continue }
    parts.push(isOperatorObject(cond) ? compileOperators(key, cond) : compare(key, '$eq', cond))
  }
  return and(parts)
}

export type OrderSpec = Array<[string, 1 | -1]>

export function compileOrder(order: OrderSpec): string {
  if (order.length === 0) return 'ORDER BY rowid'
  const terms = order.map(([field, dir]) => {
    const expr = valueExpr(field)
    if (expr === null) throw new Error(`cannot order by field ${field}`)
    return `${expr} ${dir === -1 ? 'DESC' : 'ASC'}`
  })
  return `ORDER BY ${terms.join(', ')}`
}
