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

  it('{ $timestamp: seconds } reads back as the Date of those seconds, top level and nested, in every write', async () => {
    const S = 1_700_000_000
    const id = h.id('tsec')
    await coll().add({ data: { _id: id, run: h.run, ts: { $timestamp: S }, nested: { at: { $timestamp: S + 1 }, list: [{ $timestamp: S + 2 }] } } })
    let d = await read(id)
    isDateAt(d.ts, S * 1000)
    isDateAt(d.nested.at, (S + 1) * 1000)
    isDateAt(d.nested.list[0], (S + 2) * 1000)
    await coll().doc(id).update({ data: { later: { $timestamp: S + 3 }, 'nested.at': { $timestamp: S + 4 } } })
    const setId = h.id('tsec')
    await coll().doc(setId).set({ data: { run: h.run, ts: { $timestamp: S + 5 } } })
    const txId = h.id('tsec')
    await h.db.runTransaction(async (t: Any) => {
      await t.collection('orders').add({ data: { _id: txId, run: h.run, ts: { $timestamp: S + 6 } } })
    })
    d = await read(id)
    isDateAt(d.later, (S + 3) * 1000)
    isDateAt(d.nested.at, (S + 4) * 1000)
    isDateAt((await read(setId)).ts, (S + 5) * 1000)
    isDateAt((await read(txId)).ts, (S + 6) * 1000)
    // Stored as that instant: a query on Dates finds it.
    expect((await coll().where({ _id: id, ts: new Date(S * 1000) }).count()).total).toBe(1)
  })

  it('serverDate({ offset }) reads back as the server clock plus the offset, wherever it is written', async () => {
    const H = 3_600_000
    const near = (v: unknown, expected: number) => {
      expect(Object.prototype.toString.call(v)).toBe('[object Date]')
      expect(Math.abs((v as Date).getTime() - expected)).toBeLessThan(10_000)
    }
    const id = h.id('off')
    const t0 = Date.now()
    await coll().add({ data: { _id: id, run: h.run, plus: h.db.serverDate({ offset: H }), o: { minus: h.db.serverDate({ offset: -H }) } } })
    await coll().doc(id).update({ data: { later: h.db.serverDate({ offset: 2 * H }), 'o.up': h.db.serverDate({ offset: 3 * H }) } })
    await h.db.runTransaction(async (t: Any) => {
      await t.collection('orders').doc(id).update({ data: { tx: h.db.serverDate({ offset: -2 * H }) } })
    })
    const d = await read(id)
    near(d.plus, t0 + H)
    near(d.o.minus, t0 - H)
    near(d.later, t0 + 2 * H)
    near(d.o.up, t0 + 3 * H)
    near(d.tx, t0 - 2 * H)
  })

  it('serverDate({ offset }) in a query condition is the server clock plus the offset', async () => {
    const H = 3_600_000
    const ids = [h.id('sdq'), h.id('sdq'), h.id('sdq')]
    const now = Date.now()
    await coll().add({ data: { _id: ids[0], run: h.run, due: new Date(now - 2 * H) } })
    await coll().add({ data: { _id: ids[1], run: h.run, due: new Date(now + 2 * H) } })
    await coll().add({ data: { _id: ids[2], run: h.run, due: h.db.serverDate({ offset: 3 * H }) } })
    const keys = async (cond: unknown) => (await coll().where({ run: h.run, _id: _.in(ids), due: cond }).get()).data.map((x: { _id: string }) => ids.indexOf(x._id)).sort()
    expect(await keys(_.lt(h.db.serverDate()))).toEqual([0])
    expect(await keys(_.gt(h.db.serverDate({ offset: H })))).toEqual([1, 2])
    expect(await keys(_.gt(h.db.serverDate({ offset: (5 * H) / 2 })))).toEqual([2])
    expect((await coll().where({ run: h.run, _id: _.in(ids), due: _.lt(h.db.serverDate({ offset: -H })) }).count()).total).toBe(1)
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
