// add / doc().get / set / update / remove, _id rules, Date and serverDate, unknown collections.
import { setupConformance } from './harness'

const h = setupConformance()
const orders = () => h.db.collection('orders')

describe('add', () => {
  it('generates an _id when none is given and the document reads back', async () => {
    const res = await orders().add({ data: { run: h.run, qty: 2, note: '两份' } })
    expect(typeof res._id).toBe('string')
    expect(res._id.length).toBeGreaterThanOrEqual(16)
    const { data } = await orders().doc(res._id).get()
    expect(data).toEqual({ _id: res._id, run: h.run, qty: 2, note: '两份' })
  })

  it('keeps a custom _id and rejects a second add with the same _id (idempotency key)', async () => {
    const id = h.id('custom')
    expect((await orders().add({ data: { _id: id, run: h.run, n: 1 } }))._id).toBe(id)
    await expect(orders().add({ data: { _id: id, run: h.run, n: 2 } })).rejects.toThrow(/DATABASE_DUPLICATE_WRITE|E11000|duplicate/i)
    expect((await orders().doc(id).get()).data.n).toBe(1)
  })

  it('round-trips Date values and stamps db.serverDate() with the server clock', async () => {
    const when = new Date('2026-01-02T03:04:05.678Z')
    const before = Date.now()
    const { _id } = await orders().add({ data: { run: h.run, when, at: h.db.serverDate(), later: h.db.serverDate({ offset: 60_000 }) } })
    const { data } = await orders().doc(_id).get()
    expect(data.when).toBeInstanceOf(Date)
    expect(data.when.getTime()).toBe(when.getTime())
    expect(data.at).toBeInstanceOf(Date)
    expect(data.at.getTime()).toBeGreaterThanOrEqual(before - 5_000)
    expect(data.later.getTime() - data.at.getTime()).toBeGreaterThanOrEqual(59_000)
  })

  it('keeps numbers, strings, booleans, null, nested objects and arrays distinct', async () => {
    const doc = { run: h.run, i: 1, f: 1.5, big: 2 ** 40, s: '1', t: true, z: null, o: { a: { b: 'c' } }, arr: [1, '1', { x: null }] }
    const { _id } = await orders().add({ data: doc })
    expect((await orders().doc(_id).get()).data).toEqual({ _id, ...doc })
  })
})

describe('doc()', () => {
  it('get of a missing document: data null with throwOnNotFound false, an error by default', async () => {
    expect((await orders().doc(h.id('missing')).get()).data).toBeNull()
    await expect(h.strictDb.collection('orders').doc(h.id('missing')).get()).rejects.toThrow(/does not exist/)
  })

  it('set upserts, then replaces the whole document', async () => {
    const id = h.id('set')
    const created = await orders().doc(id).set({ data: { run: h.run, a: 1, b: 2 } })
    expect(created.stats).toEqual({ updated: 0, created: 1 })
    const replaced = await orders().doc(id).set({ data: { run: h.run, a: 3 } })
    expect(replaced.stats).toEqual({ updated: 1, created: 0 })
    expect((await orders().doc(id).get()).data).toEqual({ _id: id, run: h.run, a: 3 })
  })

  it('update merges fields, counts updated, and is a no-op (updated 0) on a missing document', async () => {
    const id = h.id('upd')
    await orders().add({ data: { _id: id, run: h.run, a: 1, o: { x: 1, y: 2 } } })
    const res = await orders().doc(id).update({ data: { b: 2, o: { y: 3 } } })
    expect(res.stats.updated).toBe(1)
    expect((await orders().doc(id).get()).data).toEqual({ _id: id, run: h.run, a: 1, b: 2, o: { x: 1, y: 3 } })
    expect((await orders().doc(h.id('nobody')).update({ data: { a: 1 } })).stats.updated).toBe(0)
    expect((await orders().doc(h.id('nobody')).get()).data).toBeNull()
  })

  it('remove deletes one document and reports removed', async () => {
    const id = h.id('rm')
    await orders().add({ data: { _id: id, run: h.run } })
    expect((await orders().doc(id).remove()).stats.removed).toBe(1)
    expect((await orders().doc(id).get()).data).toBeNull()
    expect((await orders().doc(id).remove()).stats.removed).toBe(0)
  })

  it('field() projects a single document', async () => {
    const id = h.id('proj')
    await orders().add({ data: { _id: id, run: h.run, a: 1, b: { c: 2, d: 3 } } })
    expect((await orders().doc(id).field({ 'b.c': true }).get()).data).toEqual({ _id: id, b: { c: 2 } })
  })
})

describe('collections', () => {
  it('reading or writing a collection that does not exist fails with collection-not-exist (-502005)', async () => {
    const err = await h.db.collection('noSuchCollection').where({ a: 1 }).get().catch((e: Error) => e)
    expect(err).toBeInstanceOf(Error)
    expect(err.errCode).toBe(-502005)
    await expect(h.db.collection('noSuchCollection').add({ data: { a: 1 } })).rejects.toThrow(/not exist/i)
  })
})
