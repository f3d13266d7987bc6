// Every EJSON value type the SDK can send comes back as the same type: Dates (given as Date, as {$date} in
// either EJSON form, as {$timestamp}, or stamped by serverDate()) read back as Date objects — after every kind
// of write, in nested documents and arrays, in and out of transactions — and compare as instants in queries.
import { Any, setupConformance } from './harness'

const h = setupConformance()
const _ = h._
const coll = () => h.db.collection('orders')
const read = async (id: string) => (await coll().doc(id).get()).data

const T = Date.UTC(2026, 0, 2, 3, 4, 5, 678)
const isDateAt = (v: unknown, ms: number) => {
  expect(Object.prototype.toString.call(v)).toBe('[object Date]')
  expect((v as Date).getTime()).toBe(ms)
}

describe('Dates in every form the SDK sends', () => {
  it('Date, {$date: ms}, {$date: {$numberLong}} and {$timestamp: {t, i}} all read back as Date objects', async () => {
    const id = h.id('types')
    await coll().add({
      data: {
        _id: id,
        run: h.run,
        date: new Date(T),
        ejsonDate: { $date: T },
        ejsonLongDate: { $date: { $numberLong: String(T) } },
        ts: { $timestamp: { t: Math.floor(T / 1000), i: 7 } }, // seconds since the epoch (+ an ordinal)
        nested: { at: new Date(T), list: [new Date(T + 1), { at: { $timestamp: { t: 1_700_000_000, i: 0 } } }] },
      },
    })
    const d = await read(id)
    isDateAt(d.date, T)
    isDateAt(d.ejsonDate, T)
    isDateAt(d.ejsonLongDate, T)
    isDateAt(d.ts, Math.floor(T / 1000) * 1000)
    isDateAt(d.nested.at, T)
    isDateAt(d.nested.list[0], T + 1)
    isDateAt(d.nested.list[1].at, 1_700_000_000_000)
    // The same through a list query.
    const [listed] = (await coll().where({ _id: id }).get()).data
    isDateAt(listed.ts, Math.floor(T / 1000) * 1000)
    isDateAt(listed.nested.list[1].at, 1_700_000_000_000)
  })

  it('serverDate() is a Date in add, set, update (plain and operator) and inside a transaction', async () => {
    const before = Date.now() - 5_000
    const id = h.id('sd')
    await coll().add({ data: { _id: id, run: h.run, a: h.db.serverDate(), list: [] } })
    await coll().doc(id).update({ data: { b: h.db.serverDate(), 'o.c': h.db.serverDate(), list: _.push([h.db.serverDate()]) } })
    const setId = h.id('sd')
    await coll().doc(setId).set({ data: { run: h.run, s: h.db.serverDate({ offset: 1000 }) } })
    const txId = h.id('sd')
    await h.db.runTransaction(async (t: Any) => {
      await t.collection('orders').add({ data: { _id: txId, run: h.run, x: h.db.serverDate() } })
      await t.collection('orders').doc(id).update({ data: { y: h.db.serverDate() } })
    })
    const d = await read(id)
    for (const v of [d.a, d.b, d.o.c, d.list[0], d.y, (await read(setId)).s, (await read(txId)).x]) {
      expect(Object.prototype.toString.call(v)).toBe('[object Date]')
      expect((v as Date).getTime()).toBeGreaterThanOrEqual(before)
    }
  })

  it('Dates elsewhere in a document survive every kind of update (operator paths, arrays, replace)', async () => {
    const id = h.id('keep')
    await coll().add({ data: { _id: id, run: h.run, at: new Date(T), tags: ['a'], o: { when: new Date(T) }, n: 1 } })
    await coll().doc(id).update({ data: { tags: _.push(['b']) } })
    await coll().doc(id).update({ data: { 'o.k': 1, n: _.inc(1) } })
    await coll().where({ _id: id }).update({ data: { tags: _.pull('a') } })
    let d = await read(id)
    isDateAt(d.at, T)
    isDateAt(d.o.when, T)
    expect(d.tags).toEqual(['b'])
    await coll().doc(id).set({ data: { run: h.run, at: new Date(T + 5), again: { $date: T } } })
    d = await read(id)
    isDateAt(d.at, T + 5)
    isDateAt(d.again, T)
  })

  it('queries compare stored Dates as instants whichever form wrote them', async () => {
    const ids = [h.id('q'), h.id('q'), h.id('q')]
    await coll().add({ data: { _id: ids[0], run: h.run, at: new Date(T - 60_000) } })
    await coll().add({ data: { _id: ids[1], run: h.run, at: { $timestamp: { t: Math.floor(T / 1000), i: 1 } } } })
    await coll().add({ data: { _id: ids[2], run: h.run, at: { $date: T + 60_000 } } })
    const keys = async (cond: unknown) => (await coll().where({ run: h.run, _id: _.in(ids), at: cond }).get()).data.map((d: { _id: string }) => ids.indexOf(d._id)).sort()
    expect(await keys(_.gte(new Date(Math.floor(T / 1000) * 1000)))).toEqual([1, 2])
    expect(await keys(_.lt(new Date(T)))).toEqual([0, 1])
    expect(await keys(new Date(T + 60_000))).toEqual([2])
  })
})
