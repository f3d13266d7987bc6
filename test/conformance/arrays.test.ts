// Query operators over arrays of embedded documents follow MongoDB: elemMatch on fields of one element, exists
// on a path through an array, mod and comparisons matching any element; projections through arrays. An operator
// the backend does not serve (or one given a malformed argument) answers DATABASE_REQUEST_FAILED naming it.
import { Any, localOnly, setupConformance } from './harness'

const h = setupConformance()
const _ = h._
const coll = () => h.db.collection('groupBuys')

const docs = [
  { k: 'a', items: [{ sku: 'x', n: 3 }, { sku: 'y', n: 10 }], tags: [1, 5, 9] },
  { k: 'b', items: [{ sku: 'x', n: 4 }], tags: [2] },
  { k: 'c', items: [], tags: [] },
  { k: 'd', items: [{ n: 7 }, { sku: null, n: 8 }], tags: 7 },
  { k: 'e', items: { sku: 'x', n: 6 } }, // an embedded document, not an array
]

async function keys(where: Record<string, unknown>): Promise<string[]> {
  const res = await coll().where({ ...where, run: h.run }).get()
  return res.data.map((d: { k: string }) => d.k).sort()
}

beforeAll(async () => {
  for (const d of docs) await coll().add({ data: { ...d, run: h.run } })
})

describe('arrays of embedded documents', () => {
  it('elemMatch needs one element to satisfy every condition; a dotted path may use different elements', async () => {
    expect(await keys({ items: _.elemMatch({ sku: 'x', n: _.gt(3) }) })).toEqual(['b'])
    expect(await keys({ 'items.sku': 'x', 'items.n': _.gt(3) })).toEqual(['a', 'b', 'e'])
    expect(await keys({ tags: _.elemMatch(_.gt(6)) })).toEqual(['a']) // d's 7 is no array: elemMatch never matches it
  })

  it('exists on a path through an array: true when any element has the field (null counts)', async () => {
    expect(await keys({ 'items.sku': _.exists(true) })).toEqual(['a', 'b', 'd', 'e'])
    expect(await keys({ 'items.sku': _.exists(false) })).toEqual(['c'])
    expect(await keys({ 'items.1': _.exists(true) })).toEqual(['a', 'd'])
  })

  it('mod and comparisons match when any element matches', async () => {
    expect(await keys({ 'items.n': _.mod(2, 0) })).toEqual(['a', 'b', 'd', 'e'])
    expect(await keys({ 'items.n': _.mod(5, 3) })).toEqual(['a', 'd']) // 3 % 5, 8 % 5
    expect(await keys({ tags: _.mod(3, 0) })).toEqual(['a'])
    expect(await keys({ 'items.n': _.gt(8) })).toEqual(['a'])
    expect(await keys({ 'items.n': _.lte(3) })).toEqual(['a'])
    expect(await keys({ tags: _.gte(9) })).toEqual(['a'])
    expect(await keys({ 'items.sku': _.in(['y']) })).toEqual(['a'])
    expect(await keys({ 'items.sku': _.neq('x') })).toEqual(['c', 'd'])
    expect(await keys({ items: _.size(1) })).toEqual(['b'])
  })

  it('field() through an array keeps that field of every element', async () => {
    const [a] = (await coll().where({ k: 'a', run: h.run }).field({ 'items.sku': true, _id: false }).get()).data
    expect(a).toEqual({ items: [{ sku: 'x' }, { sku: 'y' }] })
    const [b] = (await coll().where({ k: 'a', run: h.run }).field({ 'items.n': false, _id: false, run: false }).get()).data
    expect(b).toEqual({ k: 'a', items: [{ sku: 'x' }, { sku: 'y' }], tags: [1, 5, 9] })
  })
})

describe('elemMatch on fields: only elements that are documents can match, never scalars', () => {
  // Arrays of strings, of numbers, of documents and of both, in their own collection.
  const passages = () => h.db.collection('orders')
  const data = [
    { category: 'Web', tags: ['JavaScript', 'C#'] },
    { category: 'number', tags: [1, 2, 3, 4, 5, 6, 7, 8, 9] },
    { category: 'embedded', tags: [{ value: 1 }, { value: 7 }] },
    { category: 'mixed', tags: [3, 'value', { other: 7 }, { value: 'text' }] },
  ]
  const categories = async (tags: unknown) => (await passages().where({ run: h.run, tags }).get()).data.map((d: { category: string }) => d.category).sort()

  beforeAll(async () => {
    for (const d of data) await passages().add({ data: { ...d, run: h.run } })
  })

  it('a field condition is met by a document element only', async () => {
    expect(await categories(_.elemMatch({ value: _.gt(0) }))).toEqual(['embedded'])
    expect(await categories(_.elemMatch({ value: 7 }))).toEqual(['embedded'])
    expect(await categories(_.elemMatch({ value: _.gt(0), other: _.exists(false) }))).toEqual(['embedded'])
  })

  it('also when the condition is exists(true) or mod([divisor, remainder])', async () => {
    expect(await categories(_.elemMatch({ value: _.exists(true) }))).toEqual(['embedded', 'mixed'])
    expect(await categories(_.elemMatch({ value: _.mod([4, 3]) }))).toEqual(['embedded'])
    expect(await categories(_.elemMatch({ value: _.exists(false) }))).toEqual(['mixed']) // { other: 7 }, not 3 or 'value'
  })

  it('a condition on the element itself still matches scalar elements', async () => {
    expect(await categories(_.elemMatch(_.gt(8)))).toEqual(['number'])
    expect(await categories(_.elemMatch(_.mod([4, 3])))).toEqual(['mixed', 'number'])
  })

  it('the same in an aggregation\'s later $match stage', async () => {
    const { list } = await passages().aggregate().match({ run: h.run }).sort({ category: 1 }).match({ tags: _.elemMatch({ value: _.exists(true) }) }).end()
    expect(list.map((d: { category: string }) => d.category)).toEqual(['embedded', 'mixed'])
  })
})

describe('operators the backend does not serve as given', () => {
  const refused = async (where: Record<string, unknown>): Promise<Any> => {
    const err = await coll().where({ ...where, run: h.run }).get().then(() => null, (e: Any) => e)
    expect(err).not.toBeNull()
    expect(err.errMsg).not.toMatch(/TypeError|is not iterable|undefined/)
    return err
  }

  it('malformed arguments are refused with a clear database error naming the operator', async () => {
    expect((await refused({ tags: { $in: 5 } })).errMsg).toMatch('$in')
    expect((await refused({ tags: { $all: 5 } })).errMsg).toMatch('$all')
    expect((await refused({ tags: { $mod: 3 } })).errMsg).toMatch('$mod')
    expect((await refused({ tags: { $size: 'x' } })).errMsg).toMatch('$size')
  })

  localOnly('operators the local backend does not serve answer DATABASE_REQUEST_FAILED naming them', async () => {
    for (const [where, op] of [
      [{ loc: _.geoNear({ geometry: h.db.Geo.Point(1, 2), maxDistance: 10 }) }, '$nearSphere'],
      [{ loc: _.geoWithin({ centerSphere: [[1, 2], 0.1] }) }, '$geoWithin'],
      [{ loc: _.geoIntersects({ geometry: h.db.Geo.Point(1, 2) }) }, '$geoIntersects'],
      [{ $where: 'this.tags' }, '$where'],
      [{ $text: { $search: 'x' } }, '$text'],
      [{ tags: { $foo: 1 } }, '$foo'],
    ] as Array<[Record<string, unknown>, string]>) {
      const err = await refused(where)
      expect(err.errCode).toBe(-502001) // DATABASE_REQUEST_FAILED as wx-server-sdk shows it
      expect(err.errMsg).toMatch('DATABASE_REQUEST_FAILED')
      expect(err.errMsg).toMatch(op)
    }
  })
})
