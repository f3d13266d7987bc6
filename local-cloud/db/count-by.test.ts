// The GROUP BY fast path (Store.countBy, used by the engine for `$match` + `$group: { _id: '$f', n: { $sum: 1 } }`)
// must agree with mingo's $group over the same matched documents — or decline (null) when it cannot.
import fc from 'fast-check'
import { aggregate } from 'mingo'
import { MINGO_OPTIONS } from './matcher'
import { Store } from './store'

const value = fc.oneof(fc.integer({ min: -2, max: 2 }), fc.constantFrom('a', 'b', '1', ''), fc.constant(null), fc.constant(1.5), fc.boolean(), fc.constant({ x: 1 }))
const doc = fc.record({ k: fc.option(value, { nil: undefined }), p: fc.integer({ min: 0, max: 3 }) })

it('counts per value exactly as $group does, or declines', () => {
  let answered = 0
  fc.assert(fc.property(fc.array(doc, { maxLength: 15 }), fc.integer({ min: 0, max: 3 }), (docs, min) => {
    const store = new Store(':memory:', { collections: { t: { indexes: [{ name: 'p', fields: [['p', 1]] }] } } })
    try {
      const stored = docs.map((d, i) => JSON.parse(JSON.stringify({ _id: `d${i}`, ...d })))
      stored.forEach((d) => store.insert('t', d))
      const filter = { p: { $gte: min } }
      const got = store.countBy('t', filter, 'k')
      if (got === null) return true
      answered++
      const matched = store.select('t', filter).map((r) => r.doc)
      const want = aggregate(matched, [{ $group: { _id: '$k', n: { $sum: 1 } } }], MINGO_OPTIONS) as Array<{ _id: unknown; n: number }>
      const norm = (rows: Array<{ k: unknown; n: number }>) => rows.map((r) => `${typeof r.k}:${String(r.k)}=${r.n}`).sort()
      expect(norm(got.map((g) => ({ k: g.key, n: g.count })))).toEqual(norm(want.map((w) => ({ k: w._id ?? null, n: w.n }))))
      return true
    } finally {
      store.close()
    }
  }), { numRuns: 300 })
  expect(answered).toBeGreaterThan(50)
})
