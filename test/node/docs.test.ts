import { readFileSync } from 'fs'
import path from 'path'
import { ORDER_TRANSITIONS } from '@shared/domain/order'
import { ERROR_CODES } from '@shared/errors'
import { docFiles, missingDocPaths, namedPaths } from '../../scripts/house/doc-paths'

// The docs stay true to the repo: every path a README or docs/*.md names exists (`npx tsx scripts/house/doc-paths.ts`
// lists the ones that do not), and docs/api.md's error table has exactly the codes of ERROR_CODES.
it('every repo path the READMEs and docs name exists', () => {
  expect(docFiles().length).toBeGreaterThan(15)
  expect(namedPaths('see `server/payments/refunds.ts` and `@shared/errors.ts`, not `<name>/x.ts`')).toEqual(['server/payments/refunds.ts', 'src/shared/errors.ts'])
  expect(missingDocPaths()).toEqual([])
})

it("docs/api.md's error table lists every code of ERROR_CODES, and only those", () => {
  const api = readFileSync(path.join(__dirname, '../../docs/api.md'), 'utf8')
  const section = api.slice(api.indexOf('### Error codes'), api.indexOf('\nCommon field types'))
  const documented = [...section.matchAll(/^\| `([A-Z_.]+)` \|/gm)].map((m) => m[1]).sort()
  expect(documented).toEqual(Object.values(ERROR_CODES).sort())
})

it("docs/architecture.md's order machine is ORDER_TRANSITIONS", () => {
  const doc = readFileSync(path.join(__dirname, '../../docs/architecture.md'), 'utf8')
  const block = doc.slice(doc.indexOf('<!-- order-machine -->'), doc.indexOf('<!-- /order-machine -->'))
  const drawn: Record<string, string[]> = {}
  for (const line of block.split('\n').filter((l) => l.startsWith('- '))) {
    const [left, right] = line.slice(2).split('→')
    const froms = [...left.matchAll(/`([A-Z_]+)`/g)].map((m) => m[1])
    const tos = right ? [...right.matchAll(/`([A-Z_]+)`/g)].map((m) => m[1]) : []
    for (const from of froms) drawn[from] = tos
  }
  const table = Object.fromEntries(Object.entries(ORDER_TRANSITIONS).map(([from, tos]) => [from, [...tos]]))
  expect(drawn).toEqual(table)
})
