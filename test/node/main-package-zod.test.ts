/**
 * #20's budget (main package ≤ 500 KB): zod (≈ 60 KB minified) must not reach the weapp main package. It did, twice,
 * through one value import each — the 我的 page reading ROLES from contracts/common, and the join sheet reading
 * ON_FAIL_CHOICES through domain/roll-over, which re-exported it from the groupBuy contract — and the main package
 * went from 441 KB to 529 KB. Contracts (zod schemas) are for subpackages and the server; the main package reads
 * zod-free domain modules. This walks the value imports (type-only ones are erased by the build) from src/app.ts
 * and every main-package page, as the bundler would, and fails naming the chain that reaches zod.
 */
import { readFileSync } from 'fs'
import path from 'path'
import ts from 'typescript'

const ROOT = path.resolve(__dirname, '../..')

function options(): ts.CompilerOptions {
  const file = path.join(ROOT, 'tsconfig.json')
  return ts.parseJsonConfigFileContent(ts.readConfigFile(file, ts.sys.readFile).config as object, ts.sys, ROOT).options
}

/** The specifiers a file imports for their values (what survives type erasure). */
function valueImports(file: string): string[] {
  const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true, file.endsWith('x') ? ts.ScriptKind.TSX : ts.ScriptKind.TS)
  const out: string[] = []
  for (const s of source.statements) {
    if (ts.isImportDeclaration(s) && ts.isStringLiteral(s.moduleSpecifier)) {
      const clause = s.importClause
      if (clause?.isTypeOnly) continue
      const named = clause?.namedBindings
      const onlyTypes = !!clause && !clause.name && !!named && ts.isNamedImports(named) && named.elements.length > 0 && named.elements.every((e) => e.isTypeOnly)
      if (!onlyTypes) out.push(s.moduleSpecifier.text)
    } else if (ts.isExportDeclaration(s) && s.moduleSpecifier && ts.isStringLiteral(s.moduleSpecifier) && !s.isTypeOnly) {
      const named = s.exportClause
      if (named && ts.isNamedExports(named) && named.elements.length > 0 && named.elements.every((e) => e.isTypeOnly)) continue
      out.push(s.moduleSpecifier.text)
    }
  }
  return out
}

/** The first chain of value imports from `entries` to the package `pkg`, or null. */
export function chainTo(pkg: string, entries: string[]): string[] | null {
  const opts = options()
  const host = ts.createCompilerHost(opts)
  const prev = new Map<string, string | null>(entries.map((e) => [e, null]))
  const queue = [...entries]
  while (queue.length) {
    const file = queue.shift()!
    for (const spec of valueImports(file)) {
      if (spec === pkg || spec.startsWith(`${pkg}/`)) {
        const chain = [pkg]
        for (let f: string | null = file; f; f = prev.get(f) ?? null) chain.unshift(path.relative(ROOT, f))
        return chain
      }
      const resolved = ts.resolveModuleName(spec, file, opts, host).resolvedModule
      if (!resolved || resolved.isExternalLibraryImport || resolved.resolvedFileName.endsWith('.d.ts')) continue
      const target = resolved.resolvedFileName
      if (!prev.has(target)) {
        prev.set(target, file)
        queue.push(target)
      }
    }
  }
  return null
}

function mainPackageEntries(): string[] {
  const config = readFileSync(path.join(ROOT, 'src/app.config.ts'), 'utf8')
  const pages = /pages:\s*\[([^\]]*)\]/.exec(config)![1].match(/'([^']+)'/g)!.map((p) => p.slice(1, -1))
  expect(pages).toContain('pages/resident/me/index')
  return [path.join(ROOT, 'src/app.ts'), ...pages.map((p) => path.join(ROOT, 'src', `${p}.tsx`))]
}

it('no main-package page reaches zod through a value import', () => {
  expect(chainTo('zod', mainPackageEntries())).toBeNull()
})

it('the walk finds zod where a subpackage form uses a contract (so a null above means something)', () => {
  const chain = chainTo('zod', [path.join(ROOT, 'src/pages/leader/create/index.tsx')])
  expect(chain?.[chain.length - 1]).toBe('zod')
  expect(chain).toContain('src/shared/contracts/group-buy.ts')
})
