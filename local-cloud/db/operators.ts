// Which query operators the local database serves, checked before a filter is compiled: an operator it does
// not serve, or one given a malformed argument, answers DATABASE_REQUEST_FAILED naming it (as CloudBase answers
// a bad query) instead of surfacing whatever mingo happens to throw (a TypeError for `$in: 5`).
import { isPlainObject } from './ejson'
import { DbError } from './errors'
import { jsonSchema } from './matcher'

const FIELD_OPERATORS = new Set([
  '$eq', '$ne', '$gt', '$gte', '$lt', '$lte', '$in', '$nin', '$exists', '$not', '$elemMatch', '$size', '$all', '$mod',
  '$regex', '$options', '$type', '$bitsAllSet', '$bitsAnySet', '$bitsAllClear', '$bitsAnyClear',
])
const GEO_OPERATORS = new Set(['$geoNear', '$near', '$nearSphere', '$geoWithin', '$geoIntersects'])
const LOGICAL = new Set(['$and', '$or', '$nor'])

function refuse(message: string): never {
  throw new DbError('DATABASE_REQUEST_FAILED', `${message} [DATABASE_REQUEST_FAILED]`)
}

function isOperatorObject(v: unknown): v is Record<string, unknown> {
  return isPlainObject(v) && Object.keys(v).length > 0 && Object.keys(v).every((k) => k.startsWith('$'))
}

function unserved(op: string): never {
  if (GEO_OPERATORS.has(op)) refuse(`geo query operator ${op} is not served by the local database`)
  refuse(`query operator ${op} is not served by the local database`)
}

function checkOperators(field: string, ops: Record<string, unknown>): void {
  for (const [op, arg] of Object.entries(ops)) {
    if (!FIELD_OPERATORS.has(op)) unserved(op)
    switch (op) {
      case '$in': case '$nin': case '$all':
        if (!Array.isArray(arg)) refuse(`${op} needs an array (field ${field})`)
        break
      case '$mod':
        if (!Array.isArray(arg) || arg.length !== 2 || !arg.every((n) => typeof n === 'number' && Number.isFinite(n))) refuse(`$mod needs [divisor, remainder] (field ${field})`)
        if (Math.trunc(arg[0] as number) === 0) refuse(`$mod divisor cannot be 0 (field ${field})`)
        break
      case '$size':
        if (typeof arg !== 'number' || !Number.isInteger(arg) || arg < 0) refuse(`$size needs a non-negative integer (field ${field})`)
        break
      case '$elemMatch':
        if (!isPlainObject(arg)) refuse(`$elemMatch needs an object (field ${field})`)
        if (isOperatorObject(arg)) checkOperators(field, arg)
        else checkFilter(arg)
        break
      case '$not':
        if (!(arg instanceof RegExp) && !isOperatorObject(arg)) refuse(`$not needs an operator object or a regular expression (field ${field})`)
        if (isOperatorObject(arg)) checkOperators(field, arg)
        break
    }
  }
}

/** Throws DATABASE_REQUEST_FAILED naming the first operator the local database does not serve as given. */
export function checkFilter(filter: unknown): void {
  if (filter === undefined || filter === null) return
  if (!isPlainObject(filter)) refuse('a query must be an object')
  for (const [key, cond] of Object.entries(filter)) {
    if (LOGICAL.has(key)) {
      if (!Array.isArray(cond) || cond.length === 0) refuse(`${key} needs a non-empty array`)
      for (const sub of cond) checkFilter(sub)
    } else if (key === '$expr') {
      continue // aggregation expressions: mingo evaluates them and names what it does not know
    } else if (key === '$jsonSchema') {
      jsonSchema(cond) // refuses, naming $jsonSchema and the keyword, what the matcher does not serve
    } else if (key.startsWith('$')) {
      unserved(key)
    } else if (isOperatorObject(cond)) {
      checkOperators(key, cond)
    }
  }
}
