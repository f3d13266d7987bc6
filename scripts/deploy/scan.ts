import { readFileSync } from 'fs'
import path from 'path'
import ts from 'typescript'

/**
 * What the cloud functions' code touches, read from the source (TypeScript's parser, no type checker, no
 * running): the collections named in `.collection(...)`, the document fields their queries filter and sort on,
 * and the `process.env` names the code reads. The deploy plan checks database/schema.json and cloudbaserc.json
 * against this, so a new collection or variable cannot ship without its deploy entry.
 *
 * How names are followed (and where it stops, on purpose):
 * - A string literal, a `const` bound to one (also an imported const, matched by name), a conditional or `??` of
 *   them, an object literal's property (`PURCHASES[kind].collection` -> every `collection:` value of PURCHASES).
 * - A parameter is followed to every call of its function, matched by the function's name across the scanned
 *   files (`keysetPage(db, 'orders', ...)`), up to MAX_DEPTH calls deep; each call is one binding, so the fields
 *   of `keysetPage(db, 'orders', { openid }, ...)` count for orders only. Matching is by name, not by type: two
 *   helpers of one name that forward collection names would mix their callers (rename one).
 * - Query fields are the keys of the object literals inside where(...) / match(...) / sort(...) (through
 *   `_.and([...])`, `_.or([...])`, spreads, consts and `where.key = ...` assignments) and the names given to
 *   orderBy(...). Nested paths (`{ a: { b: 1 } }`) count as `a`. Values are never read.
 * - What cannot be followed is reported, never guessed: a collection name that cannot be resolved is a problem
 *   (it would be a collection nobody created); an unresolved where() only weakens the index check (a warning).
 * - `process.env.NAME` and `process.env['NAME']` only: any other use of process.env is a problem, because the
 *   deploy could not know which variable to set.
 */

export interface Site {
  file: string
  line: number
}

export interface CollectionUse {
  collection: string
  /** Where `.collection(...)` is called, and the outermost call that bound its name (the file a function imports). */
  site: Site
  origin: Site
  fields: string[]
  /** True when some where()/orderBy() argument could not be followed: fields may be incomplete. */
  partialFields: boolean
}

export interface EnvUse {
  name: string
  site: Site
}

export interface ScanResult {
  collections: CollectionUse[]
  env: EnvUse[]
  /** Code the deploy cannot see through: each one is a plan problem. */
  unresolved: { site: Site; what: string }[]
  /** Where() arguments that could not be followed (only weakens the unused-index check). */
  partial: Site[]
}

const MAX_DEPTH = 5

class NeedsBinding {
  constructor(readonly fn: ts.SignatureDeclaration) {}
}
class Unresolved {
  constructor(readonly node: ts.Node) {}
}

/** Which call site each function's parameters are bound to, for one way of reaching a query. */
type Env = ReadonlyMap<ts.SignatureDeclaration, ts.CallExpression>

export function scanFiles(root: string, files: string[]): ScanResult {
  const sources = files.map((f) => ts.createSourceFile(f, readFileSync(path.join(root, f), 'utf8'), ts.ScriptTarget.ES2020, true, ts.ScriptKind.TS))
  const index = indexSources(sources)
  const result: ScanResult = { collections: [], env: [], unresolved: [], partial: [] }
  for (const sf of sources) {
    visit(sf, (node) => {
      if (isCollectionCall(node)) scanCollectionSite(node, index, result)
      if (isProcessEnv(node)) scanEnvUse(node, result)
    })
  }
  return result
}

// ---------- indexing ----------

interface Index {
  /** Calls by the called function's name (`f(...)` and `x.f(...)`). */
  callsByName: Map<string, ts.CallExpression[]>
  /** Top-level `const NAME = ...` of every file, by name (for imported constants). */
  constsByName: Map<string, ts.VariableDeclaration[]>
}

function indexSources(sources: ts.SourceFile[]): Index {
  const callsByName = new Map<string, ts.CallExpression[]>()
  const constsByName = new Map<string, ts.VariableDeclaration[]>()
  for (const sf of sources) {
    visit(sf, (node) => {
      if (ts.isCallExpression(node)) {
        const callee = node.expression
        const name = ts.isIdentifier(callee) ? callee.text : ts.isPropertyAccessExpression(callee) ? callee.name.text : null
        if (name) push(callsByName, name, node)
      }
    })
    for (const stmt of sf.statements) {
      if (ts.isVariableStatement(stmt)) {
        for (const d of stmt.declarationList.declarations) if (ts.isIdentifier(d.name) && d.initializer) push(constsByName, d.name.text, d)
      }
    }
  }
  return { callsByName, constsByName }
}

function push<K, V>(m: Map<K, V[]>, k: K, v: V): void {
  const list = m.get(k)
  if (list) list.push(v)
  else m.set(k, [v])
}

function visit(node: ts.Node, fn: (n: ts.Node) => void): void {
  fn(node)
  ts.forEachChild(node, (c) => visit(c, fn))
}

function siteOf(node: ts.Node): Site {
  const sf = node.getSourceFile()
  return { file: sf.fileName, line: sf.getLineAndCharacterOfPosition(node.getStart()).line + 1 }
}

// ---------- collections and their queries ----------

function isCollectionCall(node: ts.Node): node is ts.CallExpression {
  return ts.isCallExpression(node) && ts.isPropertyAccessExpression(node.expression) && node.expression.name.text === 'collection' && node.arguments.length === 1
}

interface ChainCall {
  method: string
  args: readonly ts.Expression[]
}

/** The builder calls hanging off a `.collection(...)` call, also through a variable holding the collection. */
function queryChains(call: ts.CallExpression): ChainCall[] {
  const out: ChainCall[] = []
  const walk = (start: ts.Node) => {
    let node: ts.Node = start
    for (;;) {
      const pa = node.parent
      if (!pa || !ts.isPropertyAccessExpression(pa) || pa.expression !== node) break
      const call2 = pa.parent
      if (!call2 || !ts.isCallExpression(call2) || call2.expression !== pa) break
      out.push({ method: pa.name.text, args: call2.arguments })
      node = call2
    }
  }
  walk(call)
  let holder: ts.Node = call
  while (holder.parent && (ts.isAsExpression(holder.parent) || ts.isParenthesizedExpression(holder.parent))) holder = holder.parent
  const decl = holder.parent
  if (decl && ts.isVariableDeclaration(decl) && ts.isIdentifier(decl.name)) {
    const declName = decl.name
    const scope = enclosingFunction(decl) ?? holder.getSourceFile()
    visit(scope, (n) => {
      if (ts.isIdentifier(n) && n.text === declName.text && n !== declName && n.parent && ts.isPropertyAccessExpression(n.parent) && n.parent.expression === n) walk(n)
    })
  }
  return out
}

function scanCollectionSite(call: ts.CallExpression, index: Index, result: ScanResult): void {
  const chains = queryChains(call)
  const found = new Map<string, CollectionUse>()
  let unresolvedHere = false

  const attempt = (env: Env, origin: ts.Node): void => {
    try {
      const names = strings(call.arguments[0], env, index)
      const fields = new Set<string>()
      let partialFields = false
      for (const c of chains) {
        const arg = c.args[0]
        if (!arg) continue
        try {
          if (c.method === 'where' || c.method === 'match' || c.method === 'sort') for (const k of keys(arg, env, index)) fields.add(k)
          if (c.method === 'orderBy') for (const f of strings(arg, env, index)) fields.add(f)
        } catch (e) {
          if (e instanceof NeedsBinding) throw e
          if (!(e instanceof Unresolved)) throw e
          partialFields = true
        }
      }
      for (const name of names) {
        const key = `${name}@${siteKey(origin)}`
        const prev = found.get(key)
        if (prev) {
          prev.fields = [...new Set([...prev.fields, ...fields])]
          prev.partialFields ||= partialFields
        } else {
          found.set(key, { collection: name, site: siteOf(call), origin: siteOf(origin), fields: [...fields], partialFields })
        }
      }
    } catch (e) {
      if (e instanceof NeedsBinding) {
        const calls = env.size < MAX_DEPTH ? callsOf(e.fn, index) : []
        if (calls.length === 0) {
          // No caller to read the binding from (or too deep). If the collection name itself is known in this
          // binding (the missing one was for the query's fields), the site still counts, its fields partial.
          const literal = namesIn(call.arguments[0], env, index)
          if (!literal) unresolvedHere = true
          for (const name of literal ?? []) {
            const key = `${name}@${siteKey(origin)}`
            if (!found.has(key)) found.set(key, { collection: name, site: siteOf(call), origin: siteOf(origin), fields: [], partialFields: true })
            else found.get(key)!.partialFields = true
          }
          return
        }
        for (const c of calls) attempt(new Map(env).set(e.fn, c), c)
        return
      }
      if (e instanceof Unresolved) {
        unresolvedHere = true
        return
      }
      throw e
    }
  }
  attempt(new Map(), call)

  if (unresolvedHere) result.unresolved.push({ site: siteOf(call), what: `collection name ${call.arguments[0].getText()}` })
  for (const use of found.values()) {
    result.collections.push(use)
    if (use.partialFields) result.partial.push(use.site)
  }
}

/** The collection names an argument stands for in this binding, or null if it needs more. */
function namesIn(arg: ts.Expression, env: Env, index: Index): string[] | null {
  try {
    return strings(arg, env, index)
  } catch {
    return null
  }
}

function siteKey(n: ts.Node): string {
  const s = siteOf(n)
  return `${s.file}:${s.line}`
}

function callsOf(fn: ts.SignatureDeclaration, index: Index): ts.CallExpression[] {
  const name = functionName(fn)
  if (!name) return []
  // Same-named calls with too few arguments are someone else's function (`q.get()` is not `get(db, name)`).
  const required = fn.parameters.filter((p) => !p.questionToken && !p.initializer && !p.dotDotDotToken).length
  return (index.callsByName.get(name) ?? []).filter((c) => !isInside(c, fn) && c.arguments.length >= required)
}

function isInside(node: ts.Node, container: ts.Node): boolean {
  for (let n: ts.Node | undefined = node; n; n = n.parent) if (n === container) return true
  return false
}

function functionName(fn: ts.SignatureDeclaration): string | null {
  if ((ts.isFunctionDeclaration(fn) || ts.isMethodDeclaration(fn)) && fn.name && ts.isIdentifier(fn.name)) return fn.name.text
  const p = fn.parent
  if (p && ts.isVariableDeclaration(p) && ts.isIdentifier(p.name)) return p.name.text
  if (p && ts.isPropertyAssignment(p) && ts.isIdentifier(p.name)) return p.name.text
  return null
}

function enclosingFunction(node: ts.Node): ts.SignatureDeclaration | null {
  for (let n = node.parent; n; n = n.parent) if (ts.isFunctionLike(n)) return n as ts.SignatureDeclaration
  return null
}

// ---------- following expressions ----------

function unwrap(e: ts.Expression): ts.Expression {
  while (ts.isAsExpression(e) || ts.isParenthesizedExpression(e) || ts.isNonNullExpression(e) || ts.isSatisfiesExpression(e) || ts.isTypeAssertionExpression(e)) e = e.expression
  return e
}

/** The declaration an identifier refers to: a variable, a parameter (or a name destructured from one), or null. */
function declarationOf(id: ts.Identifier, index: Index): ts.VariableDeclaration | ts.ParameterDeclaration | ts.BindingElement | null {
  const name = id.text
  for (let scope: ts.Node | undefined = id.parent; scope; scope = scope.parent) {
    if (ts.isFunctionLike(scope)) {
      for (const p of scope.parameters) {
        if (ts.isIdentifier(p.name) && p.name.text === name) return p
        if (ts.isObjectBindingPattern(p.name)) for (const el of p.name.elements) if (ts.isIdentifier(el.name) && el.name.text === name) return el
      }
    }
    if (ts.isBlock(scope) || ts.isSourceFile(scope) || ts.isModuleBlock(scope)) {
      for (const stmt of scope.statements) {
        if (!ts.isVariableStatement(stmt)) continue
        for (const d of stmt.declarationList.declarations) if (ts.isIdentifier(d.name) && d.name.text === name) return d
      }
    }
  }
  // Imported (or otherwise outer) constants: matched by name among the scanned files' top-level consts.
  const outer = index.constsByName.get(name)
  return outer && outer.length === 1 ? outer[0] : null
}

/** The argument a parameter is bound to in this env (throws NeedsBinding to ask for the callers). */
function argumentFor(param: ts.ParameterDeclaration, env: Env): ts.Expression {
  const fn = param.parent as ts.SignatureDeclaration
  const call = env.get(fn)
  if (!call) throw new NeedsBinding(fn)
  const arg = call.arguments[fn.parameters.indexOf(param)]
  if (!arg) throw new Unresolved(call)
  return arg
}

/** The expression(s) an identifier stands for. */
function valuesOf(id: ts.Identifier, env: Env, index: Index, depth = 0): ts.Expression[] {
  // Depth carries through: a name bound to an object whose property names itself must end, not recurse forever.
  if (depth > 20) throw new Unresolved(id)
  const decl = declarationOf(id, index)
  if (!decl) throw new Unresolved(id)
  if (ts.isParameter(decl)) return [argumentFor(decl, env)]
  if (ts.isBindingElement(decl)) {
    const param = decl.parent.parent
    if (!ts.isParameter(param)) throw new Unresolved(id)
    const prop = (decl.propertyName && ts.isIdentifier(decl.propertyName) ? decl.propertyName : decl.name) as ts.Identifier
    return objects(argumentFor(param, env), env, index, depth + 1).map((o) => propertyOf(o, prop.text, id))
  }
  if (!decl.initializer) throw new Unresolved(id)
  return [decl.initializer]
}

function propertyOf(obj: ts.ObjectLiteralExpression, name: string, at: ts.Node): ts.Expression {
  for (const p of obj.properties) {
    if (ts.isPropertyAssignment(p) && propName(p.name) === name) return p.initializer
    if (ts.isShorthandPropertyAssignment(p) && p.name.text === name) return p.name
  }
  throw new Unresolved(at)
}

function propName(n: ts.PropertyName): string | null {
  if (ts.isIdentifier(n) || ts.isStringLiteral(n) || ts.isNumericLiteral(n) || ts.isNoSubstitutionTemplateLiteral(n)) return n.text
  return null
}

/** Every string an expression can be. */
function strings(expr: ts.Expression, env: Env, index: Index, depth = 0): string[] {
  if (depth > 20) throw new Unresolved(expr)
  const e = unwrap(expr)
  if (ts.isStringLiteral(e) || ts.isNoSubstitutionTemplateLiteral(e)) return [e.text]
  if (ts.isConditionalExpression(e)) return [...strings(e.whenTrue, env, index, depth + 1), ...strings(e.whenFalse, env, index, depth + 1)]
  if (ts.isBinaryExpression(e) && (e.operatorToken.kind === ts.SyntaxKind.QuestionQuestionToken || e.operatorToken.kind === ts.SyntaxKind.BarBarToken)) {
    return [...strings(e.left, env, index, depth + 1), ...strings(e.right, env, index, depth + 1)]
  }
  if (ts.isIdentifier(e)) return valuesOf(e, env, index, depth + 1).flatMap((v) => strings(v, env, index, depth + 1))
  if (ts.isPropertyAccessExpression(e)) {
    return objects(e.expression, env, index, depth + 1).flatMap((o) => strings(propertyOf(o, e.name.text, e), env, index, depth + 1))
  }
  throw new Unresolved(e)
}

/** Every object literal an expression can be (through consts, parameters, `X[key]` of a record of objects). */
function objects(expr: ts.Expression, env: Env, index: Index, depth = 0): ts.ObjectLiteralExpression[] {
  if (depth > 20) throw new Unresolved(expr)
  const e = unwrap(expr)
  if (ts.isObjectLiteralExpression(e)) return [e]
  if (ts.isConditionalExpression(e)) return [...objects(e.whenTrue, env, index, depth + 1), ...objects(e.whenFalse, env, index, depth + 1)]
  if (ts.isIdentifier(e)) return valuesOf(e, env, index, depth + 1).flatMap((v) => objects(v, env, index, depth + 1))
  if (ts.isElementAccessExpression(e)) {
    const key = unwrap(e.argumentExpression)
    return objects(e.expression, env, index, depth + 1).flatMap((o) => {
      if (ts.isStringLiteral(key)) return objects(propertyOf(o, key.text, e), env, index, depth + 1)
      return o.properties.flatMap((p) => (ts.isPropertyAssignment(p) ? objects(p.initializer, env, index, depth + 1) : []))
    })
  }
  if (ts.isPropertyAccessExpression(e)) {
    return objects(e.expression, env, index, depth + 1).flatMap((o) => objects(propertyOf(o, e.name.text, e), env, index, depth + 1))
  }
  throw new Unresolved(e)
}

/** The field names a where()/match() argument filters on. */
function keys(expr: ts.Expression, env: Env, index: Index, depth = 0): string[] {
  if (depth > 20) throw new Unresolved(expr)
  const e = unwrap(expr)
  if (ts.isObjectLiteralExpression(e)) {
    return e.properties.flatMap((p) => {
      if (ts.isSpreadAssignment(p)) return keys(p.expression, env, index, depth + 1)
      if (!p.name) return []
      if (ts.isComputedPropertyName(p.name)) return strings(p.name.expression, env, index, depth + 1)
      const n = propName(p.name)
      return n === null ? [] : [n]
    })
  }
  // _.and([...]), _.or([...]): the conditions are in the arguments.
  if (ts.isCallExpression(e)) return e.arguments.flatMap((a) => keys(a, env, index, depth + 1))
  if (ts.isArrayLiteralExpression(e)) return e.elements.flatMap((a) => keys(a, env, index, depth + 1))
  if (ts.isConditionalExpression(e)) return [...keys(e.whenTrue, env, index, depth + 1), ...keys(e.whenFalse, env, index, depth + 1)]
  if (ts.isIdentifier(e)) {
    const decl = declarationOf(e, index)
    const assigned = decl && ts.isVariableDeclaration(decl) ? assignedKeys(e.text, decl, env, index) : []
    return [...valuesOf(e, env, index, depth + 1).flatMap((v) => keys(v, env, index, depth + 1)), ...assigned]
  }
  throw new Unresolved(e)
}

/** `where.key = ...` / `where[name] = ...` after `const where = {...}`, in the same function. */
function assignedKeys(name: string, decl: ts.VariableDeclaration, env: Env, index: Index): string[] {
  const out: string[] = []
  const scope = enclosingFunction(decl) ?? decl.getSourceFile()
  visit(scope, (n) => {
    if (!ts.isBinaryExpression(n) || n.operatorToken.kind !== ts.SyntaxKind.EqualsToken) return
    const left = n.left
    if (ts.isPropertyAccessExpression(left) && ts.isIdentifier(left.expression) && left.expression.text === name) out.push(left.name.text)
    if (ts.isElementAccessExpression(left) && ts.isIdentifier(left.expression) && left.expression.text === name) out.push(...strings(left.argumentExpression, env, index))
  })
  return out
}

// ---------- environment variables ----------

/**
 * The env names one bundle reads (esbuild's output, so only code the function really keeps counts: a file it
 * imports for one helper does not bring the variables of the others).
 */
export function envNamesInBundle(code: string): string[] {
  const sf = ts.createSourceFile('bundle.js', code, ts.ScriptTarget.ES2020, true, ts.ScriptKind.JS)
  const result: ScanResult = { collections: [], env: [], unresolved: [], partial: [] }
  visit(sf, (node) => {
    if (isProcessEnv(node)) scanEnvUse(node, result)
  })
  return [...new Set(result.env.map((e) => e.name))].sort()
}

function isProcessEnv(node: ts.Node): node is ts.PropertyAccessExpression {
  return ts.isPropertyAccessExpression(node) && node.name.text === 'env' && ts.isIdentifier(node.expression) && node.expression.text === 'process'
}

function scanEnvUse(node: ts.PropertyAccessExpression, result: ScanResult): void {
  const parent = node.parent
  if (ts.isPropertyAccessExpression(parent) && parent.expression === node) {
    result.env.push({ name: parent.name.text, site: siteOf(parent) })
    return
  }
  if (ts.isElementAccessExpression(parent) && parent.expression === node) {
    const key = unwrap(parent.argumentExpression)
    if (ts.isStringLiteral(key) || ts.isNoSubstitutionTemplateLiteral(key)) {
      result.env.push({ name: key.text, site: siteOf(parent) })
      return
    }
  }
  result.unresolved.push({ site: siteOf(node), what: `${parent.getText().slice(0, 60)} (read variables as process.env.NAME so the deploy knows to set them)` })
}
