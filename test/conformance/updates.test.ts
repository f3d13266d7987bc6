// Update operators and the atomic conditional update that guards stock.
import { setupConformance } from './harness'

const h = setupConformance()
const _ = h._
const coll = () => h.db.collection('orders')

async function fresh(data: Record<string, unknown>): Promise<string> {
  const id = h.id('u')
  await coll().add({ data: { _id: id, run: h.run, ...data } })
  return id
}
const read = async (id: string) => (await coll().doc(id).get()).data

describe('update operators', () => {
  it('inc, mul, min, max', async () => {
    const id = await fresh({ a: 1, b: 3, c: 5, d: 5 })
    await coll().doc(id).update({ data: { a: _.inc(2), b: _.mul(4), c: _.min(2), d: _.max(9), e: _.inc(1) } })
    expect(await read(id)).toMatchObject({ a: 3, b: 12, c: 2, d: 9, e: 1 })
  })

  it('set replaces an embedded object; a plain object merges; remove deletes a field', async () => {
    const id = await fresh({ o: { x: 1, y: 2 }, p: { x: 1, y: 2 }, gone: true })
    await coll().doc(id).update({ data: { o: _.set({ z: 3 }), p: { z: 3 }, gone: _.remove() } })
    const d = await read(id)
    expect(d.o).toEqual({ z: 3 })
    expect(d.p).toEqual({ x: 1, y: 2, z: 3 })
    expect('gone' in d).toBe(false)
  })

  it('push, pull, addToSet, pop, unshift on arrays', async () => {
    const id = await fresh({ a: [1, 2], b: [1, 2, 3, 2], c: [1], d: [1, 2, 3], e: [2] })
    await coll().doc(id).update({ data: { a: _.push([3, 4]), b: _.pull(2), c: _.addToSet(1), d: _.pop(), e: _.unshift([0, 1]) } })
    expect(await read(id)).toMatchObject({ a: [1, 2, 3, 4], b: [1, 3], c: [1], d: [1, 2], e: [0, 1, 2] })
    await coll().doc(id).update({ data: { b: _.pull(_.gt(2)), c: _.addToSet(5) } })
    expect(await read(id)).toMatchObject({ b: [1], c: [1, 5] })
  })

  it('an update that changes nothing reports updated 0', async () => {
    const id = await fresh({ a: 1 })
    expect((await coll().doc(id).update({ data: { a: 1 } })).stats.updated).toBe(0)
  })

  it('inc on a string field fails and leaves the document unchanged', async () => {
    const id = await fresh({ a: 'text' })
    await expect(coll().doc(id).update({ data: { a: _.inc(1) } })).rejects.toThrow()
    expect((await read(id)).a).toBe('text')
  })
})

describe('refused updates', () => {
  it('array operators on a field that holds no array fail and leave the document unchanged', async () => {
    const id = await fresh({ n: 1, s: 'x', tags: ['a'] })
    for (const data of [{ n: _.push([2]) }, { s: _.addToSet('y') }, { n: _.pull(1) }, { s: _.pop() }]) {
      const err = await coll().doc(id).update({ data }).then(() => null, (e: { errMsg: string }) => e)
      expect(err?.errMsg).toMatch(/array/i)
    }
    expect((await coll().doc(id).get()).data).toEqual({ _id: id, run: h.run, n: 1, s: 'x', tags: ['a'] })
  })

  it('an update operator the backend does not serve is refused by name', async () => {
    const id = await fresh({ n: 1 })
    const err = await coll().where({ _id: id }).update({ data: { $foo: { n: 2 } } }).then(() => null, (e: { errMsg: string }) => e)
    expect(err?.errMsg).toMatch('$foo')
    expect((await coll().doc(id).get()).data.n).toBe(1)
  })
})

describe('conditional update is atomic', () => {
  it('200 concurrent "stock >= 1 then inc(-1)" updates on stock 50: exactly 50 succeed and stock ends at 0', async () => {
    const id = await fresh({ stock: 50 })
    const results = await Promise.all(
      Array.from({ length: 200 }, () => coll().where({ _id: id, stock: _.gte(1) }).update({ data: { stock: _.inc(-1) } })),
    )
    const succeeded = results.filter((r: { stats: { updated: number } }) => r.stats.updated === 1).length
    expect(succeeded).toBe(50)
    expect(results.every((r: { stats: { updated: number } }) => r.stats.updated === 0 || r.stats.updated === 1)).toBe(true)
    expect((await read(id)).stock).toBe(0)
  }, 60_000)

  it('a multi-unit take never drives stock below zero', async () => {
    const id = await fresh({ stock: 10 })
    const takes = [3, 4, 5, 2, 1, 6]
    const results = await Promise.all(takes.map((n) => coll().where({ _id: id, stock: _.gte(n) }).update({ data: { stock: _.inc(-n) } })))
    const taken = takes.filter((_n, i) => results[i].stats.updated === 1).reduce((a, b) => a + b, 0)
    const { stock } = await read(id)
    expect(stock).toBeGreaterThanOrEqual(0)
    expect(stock).toBe(10 - taken)
  })
})
