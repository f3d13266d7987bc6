import { readFileSync, readdirSync, statSync } from 'fs'
import { join, relative, resolve } from 'path'
import ts from 'typescript'

/**
 * The repo's own import graph, read the way tsc resolves it (tsconfig paths: @/, @shared/, @server/), type-only
 * imports included: a cycle through types still ties two files' meaning together. Used by test/node/house.test.ts.
 */
const ROOT = resolve(__dirname, '../..')
const SKIP = new Set(['node_modules', 'dist', '.temp', '.git', 'coverage'])
const SOURCES = ['src', 'server', 'cloudfunctions', 'local-cloud', 'scripts', 'bench', 'test', 'types', 'config']

function sourceFiles(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    if (SKIP.has(name)) continue
    const path = join(dir, name)
    if (statSync(path).isDirectory()) sourceFiles(path, out)
    else if (/\.tsx?$/.test(name) && !/\.d\.ts$/.test(name)) out.push(path)
  }
  return out
}

function compilerOptions(): ts.CompilerOptions {
  const file = join(ROOT, 'tsconfig.json')
  const config = ts.readConfigFile(file, ts.sys.readFile).config as object
  return ts.parseJsonConfigFileContent(config, ts.sys, ROOT).options
}

/** file (repo-relative) → the repo files it imports (repo-relative). */
export function importGraph(): Map<string, string[]> {
  const options = compilerOptions()
  const host = ts.createCompilerHost(options)
  const graph = new Map<string, string[]>()
  const files = SOURCES.filter((d) => {
    try {
      return statSync(join(ROOT, d)).isDirectory()
    } catch {
      return false
    }
  }).flatMap((d) => sourceFiles(join(ROOT, d)))
  for (const file of files) {
    const info = ts.preProcessFile(readFileSync(file, 'utf8'), true, true)
    const targets = new Set<string>()
    for (const ref of info.importedFiles) {
      const resolved = ts.resolveModuleName(ref.fileName, file, options, host).resolvedModule
      if (!resolved || resolved.isExternalLibraryImport) continue
      const target = relative(ROOT, resolved.resolvedFileName)
      if (target.startsWith('..') || target.includes('node_modules') || target.endsWith('.d.ts')) continue
      targets.add(target)
    }
    graph.set(relative(ROOT, file), [...targets].sort())
  }
  return graph
}

/** Every strongly connected group of files (a cycle), each as the sorted list of its files. */
export function importCycles(graph = importGraph()): string[][] {
  let next = 0
  const index = new Map<string, number>()
  const low = new Map<string, number>()
  const stack: string[] = []
  const onStack = new Set<string>()
  const cycles: string[][] = []
  const visit = (v: string) => {
    index.set(v, next)
    low.set(v, next++)
    stack.push(v)
    onStack.add(v)
    for (const w of graph.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w)
        low.set(v, Math.min(low.get(v)!, low.get(w)!))
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!))
    }
    if (low.get(v) === index.get(v)) {
      const group: string[] = []
      let w: string
      do {
        w = stack.pop()!
        onStack.delete(w)
        group.push(w)
      } while (w !== v)
      if (group.length > 1 || (graph.get(v) ?? []).includes(v)) cycles.push(group.sort())
    }
  }
  for (const v of graph.keys()) if (!index.has(v)) visit(v)
  return cycles
}

if (require.main === module) {
  const cycles = importCycles()
  for (const c of cycles) console.log(c.join('\n  ↔ '), '\n')
  console.log(`${cycles.length} import cycle(s)`)
  process.exitCode = cycles.length ? 1 : 0
}
