import { readFileSync, readdirSync, statSync } from 'fs'
import { join, relative, resolve } from 'path'
import ts from 'typescript'

/**
 * Every write that sets an order's `status`, read from the code (no run): an `update`/`set` on a chain through
 * `.collection('orders')` — or through `.collection(<an expression>)`, which could be orders — whose `data` sets a
 * `status` key: in the object literal itself (either side of a `?:`), in the literal a `data` variable starts from,
 * or by a `data.status = …` assignment earlier in the same function. The orders room (server/orders/moves.ts, on the
 * transition table) should be the only place. Used by test/node/order-moves.test.ts;
 * `npx tsx scripts/house/order-status-writes.ts` lists them.
 */
const ROOT = resolve(__dirname, '../..')
const SKIP = new Set(['node_modules', 'dist', '.temp', '.git', 'coverage'])
const SERVER_CODE = ['server', 'cloudfunctions', 'local-cloud']
export const ORDERS_ROOM = 'server/orders/moves.ts'

export interface StatusWrite {
  file: string
  line: number
  text: string
}

function sourceFiles(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    if (SKIP.has(name)) continue
    const path = join(dir, name)
    if (statSync(path).isDirectory()) sourceFiles(path, out)
    else if (/\.ts$/.test(name) && !/\.(test|d)\.ts$/.test(name)) out.push(path)
  }
  return out
}

/** The collection a call chain writes to: 'orders', another name, or '?' when it is named by an expression. */
function collectionOf(chain: ts.Expression): string | null {
  let e: ts.Expression = chain
  for (;;) {
    if (ts.isCallExpression(e)) {
      const callee = e.expression
      if (ts.isPropertyAccessExpression(callee) && callee.name.text === 'collection') {
        const arg = e.arguments[0]
        if (arg && ts.isStringLiteralLike(arg)) return arg.text
        // A named constant (AFTER_SALES, RATINGS) is its own collection; any other expression could be orders.
        if (arg && ts.isIdentifier(arg) && /^[A-Z][A-Z0-9_]*$/.test(arg.text)) return arg.text === 'ORDERS' ? 'orders' : arg.text
        return '?'
      }
      e = callee
    } else if (ts.isPropertyAccessExpression(e)) e = e.expression
    else if (ts.isParenthesizedExpression(e) || ts.isAwaitExpression(e)) e = e.expression
    else return null
  }
}

function hasStatusKey(obj: ts.ObjectLiteralExpression): boolean {
  return obj.properties.some((p) => (ts.isPropertyAssignment(p) || ts.isShorthandPropertyAssignment(p)) && p.name.getText() === 'status')
}

function enclosingFunction(node: ts.Node): ts.Node {
  let n: ts.Node | undefined = node.parent
  while (n && !ts.isFunctionLike(n) && !ts.isSourceFile(n)) n = n.parent
  return n ?? node.getSourceFile()
}

/** Does this `data` value set a status? */
function setsStatus(value: ts.Expression, at: ts.Node): boolean {
  if (ts.isParenthesizedExpression(value)) return setsStatus(value.expression, at)
  if (ts.isConditionalExpression(value)) return setsStatus(value.whenTrue, at) || setsStatus(value.whenFalse, at)
  if (ts.isObjectLiteralExpression(value)) return hasStatusKey(value)
  if (!ts.isIdentifier(value)) return false
  const name = value.text
  let found = false
  const visit = (n: ts.Node) => {
    if (found) return
    if (ts.isVariableDeclaration(n) && ts.isIdentifier(n.name) && n.name.text === name && n.initializer && setsStatus(n.initializer, n)) found = true
    else if (
      n.getStart() < at.getStart() &&
      ts.isBinaryExpression(n) && n.operatorToken.kind === ts.SyntaxKind.EqualsToken &&
      ts.isPropertyAccessExpression(n.left) && n.left.name.text === 'status' &&
      ts.isIdentifier(n.left.expression) && n.left.expression.text === name
    ) found = true
    else ts.forEachChild(n, visit)
  }
  visit(enclosingFunction(at))
  return found
}

/** The order status writes of one file's text. */
export function statusWritesIn(file: string, text: string): StatusWrite[] {
  const sf = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true)
  const out: StatusWrite[] = []
  const visit = (n: ts.Node) => {
    if (ts.isCallExpression(n) && ts.isPropertyAccessExpression(n.expression) && ['update', 'set'].includes(n.expression.name.text)) {
      const into = collectionOf(n.expression.expression)
      const arg = n.arguments[0]
      if ((into === 'orders' || into === '?') && arg && ts.isObjectLiteralExpression(arg)) {
        const data = arg.properties.find((p) => p.name?.getText() === 'data')
        const value = data && ts.isPropertyAssignment(data) ? data.initializer : data && ts.isShorthandPropertyAssignment(data) ? data.name : null
        if (value && setsStatus(value, n)) {
          out.push({ file, line: sf.getLineAndCharacterOfPosition(n.getStart()).line + 1, text: n.getText().split('\n')[0].slice(0, 140) })
        }
      }
    }
    ts.forEachChild(n, visit)
  }
  visit(sf)
  return out
}

/** Every order status write of the cloud side (server kit, cloud functions, local cloud), tests left out. */
export function orderStatusWrites(): StatusWrite[] {
  return SERVER_CODE.flatMap((d) => sourceFiles(join(ROOT, d))).flatMap((path) => statusWritesIn(relative(ROOT, path), readFileSync(path, 'utf8')))
}

if (require.main === module) {
  const writes = orderStatusWrites()
  for (const w of writes) console.log(`${w.file}:${w.line}  ${w.text}`)
  const files = new Set(writes.map((w) => w.file))
  console.log(`${writes.length} order status write(s) in ${files.size} file(s)`)
  process.exitCode = [...files].every((f) => f === ORDERS_ROOM) ? 0 : 1
}
