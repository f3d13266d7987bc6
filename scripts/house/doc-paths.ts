import { existsSync, readdirSync, readFileSync, statSync } from 'fs'
import { dirname, join, relative, resolve } from 'path'

/**
 * The repo paths the docs name (README.md, docs/*.md, every folder's README.md), as written in `code spans`, and
 * whether each exists. A path is tried from the repo root and from the document's own folder (a function's README
 * says `src/actions/join.ts`); the aliases @server/… and @shared/… and @/… resolve as tsconfig does; a path with a
 * placeholder (<name>, *, …) is a pattern, not a path, and is skipped. Used by test/node/docs.test.ts.
 */
const ROOT = resolve(__dirname, '../..')
const SKIP = new Set(['node_modules', 'dist', '.git', '.temp', 'coverage'])
const TOP = ['src', 'server', 'cloudfunctions', 'local-cloud', 'scripts', 'test', 'docs', 'database', 'bench', 'config', 'types']
const FILE = /\.(ts|tsx|js|cjs|json|md|scss|sh|yml|yaml|png|jpg)$/
const ALIASES: Array<[string, string]> = [['@server/', 'server/'], ['@shared/', 'src/shared/'], ['@/', 'src/']]

export function docFiles(dir = ROOT, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    if (SKIP.has(name)) continue
    const path = join(dir, name)
    if (statSync(path).isDirectory()) docFiles(path, out)
    else if (name === 'README.md' || (relative(ROOT, dir) === 'docs' && name.endsWith('.md'))) out.push(path)
  }
  return out
}

/** Code spans of a document that look like repo paths. */
export function namedPaths(text: string): string[] {
  const out = new Set<string>()
  for (const m of text.matchAll(/`([^`\n]+)`/g)) {
    for (let token of m[1].split(/[\s,()]+/)) {
      token = token.replace(/[:;.]+$/, '').replace(/#.*$/, '')
      for (const [alias, to] of ALIASES) if (token.startsWith(alias)) token = to + token.slice(alias.length)
      if (!/^[\w@.\-/]+$/.test(token) || token.includes('…') || token.includes('..')) continue
      const top = token.split('/')[0]
      const looksLikePath = (token.includes('/') && TOP.includes(top)) || (FILE.test(token) && token.includes('/'))
      if (looksLikePath) out.add(token.replace(/\/$/, ''))
    }
  }
  return [...out]
}

/** Every (document, path) whose path exists neither from the root nor from the document's folder. */
export function missingDocPaths(): Array<{ doc: string; path: string }> {
  const missing: Array<{ doc: string; path: string }> = []
  for (const doc of docFiles()) {
    const here = dirname(doc)
    for (const path of namedPaths(readFileSync(doc, 'utf8'))) {
      if (existsSync(join(ROOT, path)) || existsSync(join(here, path))) continue
      missing.push({ doc: relative(ROOT, doc), path })
    }
  }
  return missing
}

if (require.main === module) {
  const missing = missingDocPaths()
  for (const m of missing) console.log(`${m.doc}: ${m.path}`)
  console.log(`${missing.length} missing path(s)`)
}
