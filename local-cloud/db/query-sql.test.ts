// The SQL translation must agree with MongoDB semantics (mingo as the reference) on mixed-type data.
import fc from 'fast-check'
import { Query } from 'mingo'
import { Store } from './store'

// Strings that read as another type's JSON text ('true', '1', '{}', '{"c":1}', '[]') against the values they spell:
// string equality goes unguarded (an index alone answers it) except for object and array text.
const scalar = fc.oneof(fc.integer({ min: -3, max: 3 }), fc.constantFrom('a', 'b', '1', '', 'true', '{}', '{"c":1}', '[]'), fc.boolean(), fc.constant(null), fc.constant(1.5))
const field = fc.constantFrom('a', 'b', 'o.c')
const cond: fc.Arbitrary<unknown> = fc.oneof(
  scalar,
  fc.record({ $ne: scalar }),
  fc.record({ $gt: scalar }), fc.record({ $gte: scalar }), fc.record({ $lt: scalar }), fc.record({ $lte: scalar }),
  fc.record({ $in: fc.array(scalar, { maxLength: 3 }) }), fc.record({ $nin: fc.array(scalar, { maxLength: 3 }) }),
  fc.record({ $exists: fc.boolean() }),
)
const leaf = fc.tuple(field, cond).map(([f, c]) => ({ [f]: c }))
const filter = fc.letrec((tie) => ({
  f: fc.oneof({ depthSize: 'small' }, leaf, fc.record({ $or: fc.array(tie('f'), { minLength: 1, maxLength: 3 }) }),
    fc.record({ $and: fc.array(tie('f'), { minLength: 1, maxLength: 3 }) }), fc.record({ $nor: fc.array(tie('f'), { minLength: 1, maxLength: 2 }) })),
})).f
const maybe = fc.option(fc.oneof(scalar, fc.constantFrom<unknown>({}, { c: 1 })), { nil: undefined })
const doc = fc.record({ a: maybe, b: maybe, o: fc.option(fc.record({ c: maybe }), { nil: undefined }) })

it('compiled SQL filters select exactly the documents MongoDB semantics select', () => {
  fc.assert(fc.property(fc.array(doc, { maxLength: 12 }), filter, (docs, f) => {
    const store = new Store(':memory:', { collections: { t: { indexes: [{ name: 'a', fields: [['a', 1]] }] } } })
    try {
      docs.forEach((d, i) => store.insert('t', JSON.parse(JSON.stringify({ _id: `d${i}`, ...d }))))
      const viaSql = store.select('t', f).map((r) => r.doc._id).sort()
      const q = new Query(f as Record<string, unknown>)
      const expected = docs.map((d, i) => ({ _id: `d${i}`, ...JSON.parse(JSON.stringify(d)) })).filter((d) => q.test(d)).map((d) => d._id).sort()
      expect(viaSql).toEqual(expected)
    } finally {
      store.close()
    }
  }), { numRuns: 400 })
})
