// db.runTransaction / db.startTransaction: snapshot isolation, all-or-nothing commit, first committer wins.
import { LocalDatabase } from '../../local-cloud/db'
import { Any, localOnly, setupConformance } from './harness'

const h = setupConformance()
const _ = h._
const coll = () => h.db.collection('groupBuys')

async function fresh(data: Record<string, unknown>): Promise<string> {
  const id = h.id('t')
  await coll().add({ data: { _id: id, run: h.run, ...data } })
  return id
}
const read = async (id: string) => (await coll().doc(id).get()).data

describe('runTransaction', () => {
  it('commits every write together and returns the callback result', async () => {
    const a = await fresh({ stock: 5 })
    const b = await fresh({ sold: 0 })
    const newId = h.id('new')
    const result = await h.db.runTransaction(async (t: Any) => {
      const { data } = await t.collection('groupBuys').doc(a).get()
      await t.collection('groupBuys').doc(a).update({ data: { stock: data.stock - 2 } })
      await t.collection('groupBuys').doc(b).update({ data: { sold: _.inc(2) } })
      await t.collection('groupBuys').add({ data: { _id: newId, run: h.run, kind: 'log' } })
      return 'done'
    })
    expect(result).toBe('done')
    expect((await read(a)).stock).toBe(3)
    expect((await read(b)).sold).toBe(2)
    expect((await read(newId)).kind).toBe('log')
  })

  it('throwing inside the callback discards every write and rethrows', async () => {
    const a = await fresh({ stock: 5 })
    const addedId = h.id('never')
    await expect(h.db.runTransaction(async (t: Any) => {
      await t.collection('groupBuys').doc(a).update({ data: { stock: 0 } })
      await t.collection('groupBuys').add({ data: { _id: addedId, run: h.run } })
      throw new Error('sold out')
    })).rejects.toThrow('sold out')
    expect((await read(a)).stock).toBe(5)
    expect(await read(addedId)).toBeNull()
  })

  it('rollback(reason) discards writes and rejects with the reason', async () => {
    const a = await fresh({ stock: 5 })
    await expect(h.db.runTransaction(async (t: Any) => {
      await t.collection('groupBuys').doc(a).update({ data: { stock: 1 } })
      await t.rollback('not enough')
    })).rejects.toBe('not enough')
    expect((await read(a)).stock).toBe(5)
  })

  it('reads inside see their own writes; doc.get of a missing doc is null; set upserts; remove removes', async () => {
    const a = await fresh({ n: 1 })
    const ghost = h.id('ghost')
    await h.db.runTransaction(async (t: Any) => {
      await t.collection('groupBuys').doc(a).update({ data: { n: 2 } })
      expect((await t.collection('groupBuys').doc(a).get()).data.n).toBe(2)
      expect((await t.collection('groupBuys').doc(ghost).get()).data).toBeNull()
      await t.collection('groupBuys').doc(ghost).set({ data: { run: h.run, n: 7 } })
      expect((await t.collection('groupBuys').doc(ghost).get()).data).toEqual({ _id: ghost, run: h.run, n: 7 })
      await t.collection('groupBuys').doc(a).remove()
      expect((await t.collection('groupBuys').doc(a).get()).data).toBeNull()
      expect(await read(ghost)).toBeNull() // not visible outside before commit
    })
    expect(await read(a)).toBeNull()
    expect((await read(ghost)).n).toBe(7)
  })

  it('retries on a write conflict: the retried attempt sees the other writer\'s value', async () => {
    const a = await fresh({ stock: 10 })
    let attempts = 0
    await h.db.runTransaction(async (t: Any) => {
      attempts++
      const { data } = await t.collection('groupBuys').doc(a).get()
      if (attempts === 1) await coll().doc(a).update({ data: { stock: _.inc(-3) } }) // someone else commits meanwhile
      await t.collection('groupBuys').doc(a).update({ data: { stock: data.stock - 1 } })
    })
    expect(attempts).toBe(2)
    expect((await read(a)).stock).toBe(6) // 10 - 3 - 1: no lost update
  })
})

describe('startTransaction', () => {
  it('snapshot reads: a transaction keeps seeing the document as it was when it started', async () => {
    const a = await fresh({ v: 1 })
    const t = await h.db.startTransaction()
    expect((await t.collection('groupBuys').doc(a).get()).data.v).toBe(1)
    await coll().doc(a).update({ data: { v: 2 } })
    expect((await t.collection('groupBuys').doc(a).get()).data.v).toBe(1)
    await t.commit() // read-only: nothing to conflict
    expect((await read(a)).v).toBe(2)
  })

  it('first committer wins: the second transaction writing the same document fails with a conflict', async () => {
    const a = await fresh({ v: 0 })
    const t1 = await h.db.startTransaction()
    const t2 = await h.db.startTransaction() // both open in one async flow: must not deadlock
    await t1.collection('groupBuys').doc(a).update({ data: { v: 1 } })
    await t2.collection('groupBuys').doc(a).update({ data: { v: 2 } })
    await t1.commit()
    await expect(t2.commit()).rejects.toMatchObject({ code: 'DATABASE_TRANSACTION_CONFLICT' })
    expect((await read(a)).v).toBe(1)
  })

  it('transactions writing different documents both commit', async () => {
    const a = await fresh({ v: 0 })
    const b = await fresh({ v: 0 })
    const t1 = await h.db.startTransaction()
    const t2 = await h.db.startTransaction()
    await t1.collection('groupBuys').doc(a).update({ data: { v: 1 } })
    await t2.collection('groupBuys').doc(b).update({ data: { v: 2 } })
    await t2.commit()
    await t1.commit()
    expect([(await read(a)).v, (await read(b)).v]).toEqual([1, 2])
  })

  it('rollback discards writes, and operations after commit fail', async () => {
    const a = await fresh({ v: 0 })
    const t = await h.db.startTransaction()
    await t.collection('groupBuys').doc(a).update({ data: { v: 9 } })
    await t.rollback()
    expect((await read(a)).v).toBe(0)
    const t2 = await h.db.startTransaction()
    await t2.collection('groupBuys').doc(a).update({ data: { v: 1 } })
    await t2.commit()
    await expect(t2.collection('groupBuys').doc(a).update({ data: { v: 2 } })).rejects.toThrow()
    await expect(t2.commit()).rejects.toBeDefined()
    expect((await read(a)).v).toBe(1)
  })

  it('a transaction write to a document a plain update changed after it started conflicts', async () => {
    const a = await fresh({ v: 0 })
    const t = await h.db.startTransaction()
    await coll().where({ _id: a }).update({ data: { v: 5 } })
    await t.collection('groupBuys').doc(a).set({ data: { run: h.run, v: 1 } })
    await expect(t.commit()).rejects.toMatchObject({ code: 'DATABASE_TRANSACTION_CONFLICT' })
    expect((await read(a)).v).toBe(5)
  })
})

describe('transaction lifetime (local: a short timeout instead of CloudBase\'s 30 s)', () => {
  localOnly('a transaction not finished in time is gone: its commit fails and nothing is written', async () => {
    const quick = LocalDatabase.open({ transactionTimeoutMs: 50 })
    quick.install()
    try {
      const a = await fresh({ v: 0 })
      const t = await h.db.startTransaction()
      await t.collection('groupBuys').doc(a).update({ data: { v: 1 } })
      await new Promise((r) => setTimeout(r, 80))
      await expect(t.commit()).rejects.toMatchObject({ code: 'DATABASE_TRANSACTION_FAIL' })
      expect((await read(a)).v).toBe(0)
    } finally {
      h.local!.install()
      quick.close()
    }
  })
})
