import { importCycles, importGraph } from '../../scripts/house/import-graph'

// No file may reach itself through its imports (type-only imports count: they tie two files' meaning together).
// A cycle is broken by moving what both sides need into a third file both import (a room's model.ts, errors.ts).
// `npx tsx scripts/house/import-graph.ts` lists the cycles.
it('the repo has no import cycle', () => {
  const graph = importGraph()
  expect(graph.size).toBeGreaterThan(300) // the walk saw the repo (src, server, cloudfunctions, local-cloud, ...)
  expect(graph.get('server/payments/refunds.ts')).toContain('server/ledger/ledger-flow.ts') // aliases resolve
  expect(importCycles(graph)).toEqual([])
})

it('finds a cycle when there is one', () => {
  const graph = new Map([
    ['a.ts', ['b.ts']],
    ['b.ts', ['c.ts']],
    ['c.ts', ['a.ts']],
    ['d.ts', ['a.ts', 'd.ts']],
  ])
  expect(importCycles(graph)).toEqual([['a.ts', 'b.ts', 'c.ts'], ['d.ts']])
})
