// where() with db.command operators, value types, arrays, nested paths, orderBy, skip, limit, field, count.
import { Any, localOnly, setupConformance } from './harness'

const h = setupConformance()
const _ = h._
const coll = () => h.db.collection('groupBuys')

const docs = [
  { k: 'a', n: 1, s: 'x', b: true, tags: ['fruit', 'veg'], o: { city: 'sh', lvl: 1 }, at: new Date('2026-01-01T00:00:00Z') },
  { k: 'b', n: 2, s: 'y', b: false, tags: ['veg'], o: { city: 'bj', lvl: 2 }, at: new Date('2026-01-02T00:00:00Z') },
  { k: 'c', n: 3, s: 'x', b: true, tags: [], o: { city: 'sh', lvl: 3 }, z: null },
  { k: 'd', n: '3', s: 'z', b: 1, o: { city: 'gz', lvl: 2 } },
  { k: 'e', n: 5, s: 'y', tags: ['fruit'] },
]

async function keys(where: Record<string, unknown> | unknown): Promise<string[]> {
  const cond = typeof where === 'object' && where !== null && !('_internalType' in (where as object)) ? { ...(where as object), run: h.run } : _.and([where, { run: h.run }])
  const res = await coll().where(cond).get()
  return res.data.map((d: { k: string }) => d.k).sort()
}

beforeAll(async () => {
  for (const d of docs) await coll().add({ data: { ...d, run: h.run } })
})

describe('comparison operators', () => {
  it('equality matches the value and its type only', async () => {
    expect(await keys({ n: 3 })).toEqual(['c'])
    expect(await keys({ n: '3' })).toEqual(['d'])
    expect(await keys({ b: true })).toEqual(['a', 'c'])
    expect(await keys({ b: 1 })).toEqual(['d'])
    expect(await keys({ n: _.eq(2) })).toEqual(['b'])
  })

  it('neq also matches documents where the field is missing or of another type', async () => {
    expect(await keys({ s: _.neq('x') })).toEqual(['b', 'd', 'e'])
    expect(await keys({ b: _.neq(true) })).toEqual(['b', 'd', 'e'])
  })

  it('gt / gte / lt / lte compare within a type (numbers do not match strings)', async () => {
    expect(await keys({ n: _.gt(2) })).toEqual(['c', 'e'])
    expect(await keys({ n: _.gte(2) })).toEqual(['b', 'c', 'e'])
    expect(await keys({ n: _.lt(3) })).toEqual(['a', 'b'])
    expect(await keys({ n: _.lte(3) })).toEqual(['a', 'b', 'c'])
    expect(await keys({ n: _.gt(2).and(_.lt(5)) })).toEqual(['c'])
    expect(await keys({ s: _.gte('y') })).toEqual(['b', 'd', 'e'])
  })

  it('compares Date values chronologically', async () => {
    expect(await keys({ at: _.gt(new Date('2026-01-01T12:00:00Z')) })).toEqual(['b'])
    expect(await keys({ at: _.lte(new Date('2026-01-02T00:00:00Z')) })).toEqual(['a', 'b'])
  })

  it('in / nin', async () => {
    expect(await keys({ k: _.in(['a', 'c', 'zz']) })).toEqual(['a', 'c'])
    expect(await keys({ n: _.in([1, '3']) })).toEqual(['a', 'd'])
    expect(await keys({ k: _.nin(['a', 'b']) })).toEqual(['c', 'd', 'e'])
    expect(await keys({ k: _.in([]) })).toEqual([])
  })

  it('exists and null: null matches missing and null; exists(false) only missing', async () => {
    expect(await keys({ at: _.exists(true) })).toEqual(['a', 'b'])
    expect(await keys({ at: _.exists(false) })).toEqual(['c', 'd', 'e'])
    expect(await keys({ z: null })).toEqual(['a', 'b', 'c', 'd', 'e'])
    expect(await keys({ z: _.exists(true) })).toEqual(['c'])
    expect(await keys({ z: _.neq(null) })).toEqual([])
  })
})

describe('logical operators', () => {
  it('or, and, and nested combinations', async () => {
    expect(await keys(_.or([{ n: 1 }, { s: 'z' }]))).toEqual(['a', 'd'])
    expect(await keys(_.and([{ s: 'x' }, { n: _.gt(1) }]))).toEqual(['c'])
    expect(await keys(_.or([_.and([{ s: 'y' }, { n: _.gt(2) }]), { k: 'a' }]))).toEqual(['a', 'e'])
    expect(await keys({ n: _.lt(2).or(_.gt(4)) })).toEqual(['a', 'e'])
  })
})

describe('$jsonSchema (db.command.jsonSchema) as a filter, alone, combined and inside nor / or', () => {
  it('required: documents having every listed field; nor([schema]) the others', async () => {
    expect(await keys(_.jsonSchema({ required: ['k'] }))).toEqual(['a', 'b', 'c', 'd', 'e'])
    expect(await keys(_.nor([_.jsonSchema({ required: ['k'] })]))).toEqual([])
    expect(await keys(_.jsonSchema({ required: ['o', 'at'] }))).toEqual(['a', 'b'])
    expect(await keys(_.nor([_.jsonSchema({ required: ['b'] })]))).toEqual(['e'])
    expect(await keys(_.or([_.jsonSchema({ required: ['z'] }), { k: 'e' }]))).toEqual(['c', 'e'])
    expect(await keys({ ..._.jsonSchema({ required: ['tags'] }), s: 'y' })).toEqual(['b', 'e'])
  })

  it('bsonType, enum, minimum and maximum apply to the properties present, each to values of its kind', async () => {
    expect(await keys(_.jsonSchema({ bsonType: 'object', properties: { n: { bsonType: 'string' } } }))).toEqual(['d'])
    expect(await keys(_.jsonSchema({ properties: { n: { bsonType: 'int', minimum: 2, maximum: 4 } } }))).toEqual(['b', 'c'])
    expect(await keys(_.jsonSchema({ properties: { n: { minimum: 3 } } }))).toEqual(['c', 'd', 'e']) // '3' is no number
    expect(await keys(_.jsonSchema({ properties: { n: { minimum: 3, exclusiveMinimum: true } } }))).toEqual(['d', 'e'])
    expect(await keys(_.jsonSchema({ properties: { s: { enum: ['x', 'z'] } } }))).toEqual(['a', 'c', 'd'])
    expect(await keys(_.jsonSchema({ required: ['b'], properties: { b: { bsonType: 'bool' } } }))).toEqual(['a', 'b', 'c'])
    expect(await keys(_.jsonSchema({ properties: { b: { bsonType: ['bool', 'int'] }, at: { bsonType: 'date' } } }))).toEqual(['a', 'b', 'c', 'd', 'e'])
    expect(await keys(_.jsonSchema({ properties: { o: { bsonType: 'object', required: ['city'], properties: { lvl: { maximum: 1 } } } } }))).toEqual(['a', 'e'])
    expect(await keys(_.nor([_.jsonSchema({ properties: { tags: { bsonType: 'array' }, z: { bsonType: 'null' } } })]))).toEqual([])
  })

  it('through @cloudbase/node-sdk the reply is a list the SDK reads', async () => {
    const n = h.sdk.command
    const res = await h.sdk.collection('groupBuys').where(n.and([n.jsonSchema({ required: ['at'] }), { run: h.run }])).get()
    expect(res.data.map((d: { k: string }) => d.k).sort()).toEqual(['a', 'b'])
    const none = await h.sdk.collection('groupBuys').where(n.and([n.nor([n.jsonSchema({ required: ['k'] })]), { run: h.run }])).get()
    expect(none.data).toEqual([])
  })

  localOnly('a keyword the local database does not serve is refused with DATABASE_REQUEST_FAILED naming $jsonSchema', async () => {
    for (const schema of [{ properties: { s: { pattern: '^x' } } }, { required: 'k' }, { properties: { n: { bsonType: 'decimal' } } }]) {
      const err = await coll().where({ ..._.jsonSchema(schema), run: h.run }).get().then(() => null, (e: Any) => e)
      expect(err).toMatchObject({ errCode: -502001, errMsg: expect.stringContaining('$jsonSchema') })
      expect(err.errMsg).toMatch('DATABASE_REQUEST_FAILED')
      const nested = await h.sdk.collection('groupBuys').where(h.sdk.command.nor([h.sdk.command.jsonSchema(schema)])).get().then(() => null, (e: Any) => e)
      expect(nested).toMatchObject({ code: 'DATABASE_REQUEST_FAILED', message: expect.stringContaining('$jsonSchema') })
    }
  })
})

describe('arrays and nested paths', () => {
  it('equality on an array field means "contains"', async () => {
    expect(await keys({ tags: 'fruit' })).toEqual(['a', 'e'])
    expect(await keys({ tags: _.in(['veg']) })).toEqual(['a', 'b'])
    expect(await keys({ tags: _.neq('veg') })).toEqual(['c', 'd', 'e'])
  })

  it('dotted paths and nested where objects reach into embedded documents', async () => {
    expect(await keys({ 'o.city': 'sh' })).toEqual(['a', 'c'])
    expect(await keys({ o: { city: 'sh', lvl: _.gt(1) } })).toEqual(['c'])
  })
})

describe('orderBy, skip, limit, field, count', () => {
  it('orders by several fields', async () => {
    const res = await coll().where({ run: h.run, s: _.in(['x', 'y']) }).orderBy('s', 'desc').orderBy('n', 'asc').get()
    expect(res.data.map((d: { k: string }) => d.k)).toEqual(['b', 'e', 'a', 'c'])
  })

  it('skip and limit page through ordered results', async () => {
    const page = (skip: number) => coll().where({ run: h.run, n: _.gte(1) }).orderBy('n', 'asc').skip(skip).limit(2).get()
    expect((await page(0)).data.map((d: { k: string }) => d.k)).toEqual(['a', 'b'])
    expect((await page(2)).data.map((d: { k: string }) => d.k)).toEqual(['c', 'e'])
    expect((await page(4)).data).toEqual([])
  })

  it('field() includes or excludes fields; _id is kept unless excluded', async () => {
    const inc = await coll().where({ run: h.run, k: 'a' }).field({ k: true, 'o.city': true }).get()
    expect(inc.data).toEqual([{ _id: expect.any(String), k: 'a', o: { city: 'sh' } }])
    const exc = await coll().where({ run: h.run, k: 'b' }).field({ tags: false, o: false, at: false, _id: false }).get()
    expect(exc.data).toEqual([{ k: 'b', n: 2, s: 'y', b: false, run: h.run }])
  })

  it('count() counts matching documents', async () => {
    expect((await coll().where({ run: h.run }).count()).total).toBe(5)
    expect((await coll().where({ run: h.run, tags: 'veg' }).count()).total).toBe(2)
  })

  it('get() returns 100 documents by default and at most 1000', async () => {
    const bulk = h.db.collection('outbox')
    const rows = Array.from({ length: 1005 }, (_x, i) => ({ run: h.run, i }))
    for (let i = 0; i < rows.length; i += 200) {
      await Promise.all(rows.slice(i, i + 200).map((d) => bulk.add({ data: d })))
    }
    expect((await bulk.where({ run: h.run }).get()).data).toHaveLength(100)
    expect((await bulk.where({ run: h.run }).limit(5000).get()).data).toHaveLength(1000)
    expect((await bulk.where({ run: h.run }).count()).total).toBe(1005)
  }, 60_000)
})

describe('where().update / remove', () => {
  it('updates every match and reports stats.updated; remove reports stats.removed', async () => {
    const refunds = h.db.collection('refunds')
    for (const status of ['due', 'due', 'done']) await refunds.add({ data: { run: h.run, status, tries: 0 } })
    const upd = await refunds.where({ run: h.run, status: 'due' }).update({ data: { tries: _.inc(1), lastAt: h.db.serverDate() } })
    expect(upd.stats.updated).toBe(2)
    expect((await refunds.where({ run: h.run, tries: 1 }).count()).total).toBe(2)
    const none = await refunds.where({ run: h.run, status: 'unknown' }).update({ data: { tries: 9 } })
    expect(none.stats.updated).toBe(0)
    const rm = await refunds.where({ run: h.run, status: 'due' }).remove()
    expect(rm.stats.removed).toBe(2)
    expect((await refunds.where({ run: h.run }).count()).total).toBe(1)
  })
})
