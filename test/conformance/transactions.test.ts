// db.runTransaction / db.startTransaction: snapshot isolation, all-or-nothing commit; a write to a document
// someone else changed (or holds an uncommitted write to) conflicts at that write; a finished transaction is gone.
//
// Through wx-server-sdk 4.0.2 an error a database call returns reaches user code as { errCode, errMsg } with the
// server's code only in errMsg (its error checker maps codes it does not know to -501001): a conflict is
// recognised by 'DATABASE_TRANSACTION_CONFLICT' in errMsg.
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

  it('a conflict at a write inside the callback rejects runTransaction at once; nothing of that attempt is written', async () => {
    // @cloudbase/database retries only errors whose `code` is DATABASE_TRANSACTION_CONFLICT; wx-server-sdk's
    // wrapper of every collection call replaces `code` by errCode, so a conflict raised at a write ends the run.
    const a = await fresh({ stock: 10 })
    const logId = h.id('log')
    let attempts = 0
    const err = await h.db.runTransaction(async (t: Any) => {
      attempts++
      const { data } = await t.collection('groupBuys').doc(a).get()
      await t.collection('groupBuys').add({ data: { _id: logId, run: h.run } })
      await coll().doc(a).update({ data: { stock: _.inc(-3) } }) // someone else commits meanwhile
      await t.collection('groupBuys').doc(a).update({ data: { stock: data.stock - 1 } })
    }).catch((e: Any) => e)
    expect(err.errMsg).toMatch('DATABASE_TRANSACTION_CONFLICT')
    expect(attempts).toBe(1)
    expect((await read(a)).stock).toBe(7) // only the other writer's change: no lost update, no half transaction
    expect(await read(logId)).toBeNull()
  })

  it('a callback may catch the conflict and rerun itself: the rerun sees the other writer\'s value', async () => {
    const a = await fresh({ stock: 10 })
    let attempts = 0
    const decrement = () => h.db.runTransaction(async (t: Any) => {
      attempts++
      const { data } = await t.collection('groupBuys').doc(a).get()
      if (attempts === 1) await coll().doc(a).update({ data: { stock: _.inc(-3) } })
      await t.collection('groupBuys').doc(a).update({ data: { stock: data.stock - 1 } })
    })
    for (let i = 0; ; i++) {
      const err = await decrement().then(() => null, (e: Any) => e)
      if (!err) break
      expect(err.errMsg).toMatch('DATABASE_TRANSACTION_CONFLICT')
      expect(i).toBeLessThan(2)
    }
    expect(attempts).toBe(2)
    expect((await read(a)).stock).toBe(6) // 10 - 3 - 1
  })

  localOnly('a conflict reported at commit is retried by runTransaction: default 3 retries, then it rejects', async () => {
    // Only a commit can return the raw { code } runTransaction retries on. Locally a plain write landing after the
    // transaction's own write makes the commit conflict (CloudBase would make that plain write wait instead).
    const a = await fresh({ v: 0 })
    let attempts = 0
    const err = await h.db.runTransaction(async (t: Any) => {
      attempts++
      await t.collection('groupBuys').doc(a).update({ data: { v: attempts } })
      await coll().doc(a).update({ data: { other: _.inc(1) } })
    }).catch((e: Any) => e)
    expect(err).toMatchObject({ code: 'DATABASE_TRANSACTION_CONFLICT' })
    expect(attempts).toBe(4) // runTransaction(cb, times = 3) runs once and retries `times` times
    expect(await read(a)).toMatchObject({ v: 0, other: 4 })
  })

  localOnly('a commit conflict on the first attempt only: the retry commits', async () => {
    const a = await fresh({ v: 0 })
    let attempts = 0
    await h.db.runTransaction(async (t: Any) => {
      attempts++
      const { data } = await t.collection('groupBuys').doc(a).get()
      await t.collection('groupBuys').doc(a).update({ data: { v: data.v + 10 } })
      if (attempts === 1) await coll().doc(a).update({ data: { v: _.inc(1) } })
    })
    expect(attempts).toBe(2)
    expect((await read(a)).v).toBe(11)
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

  it('a write to a document changed since the transaction started conflicts at that write, read first or not', async () => {
    const a = await fresh({ v: 0 })
    const b = await fresh({ v: 0 })
    const t = await h.db.startTransaction()
    expect((await t.collection('groupBuys').doc(a).get()).data.v).toBe(0)
    await coll().doc(a).update({ data: { v: 5 } })
    await coll().where({ _id: b }).update({ data: { v: 6 } })
    const err = await t.collection('groupBuys').doc(a).update({ data: { v: 1 } }).catch((e: Any) => e)
    expect(err.errMsg).toMatch('DATABASE_TRANSACTION_CONFLICT')
    // The conflicting transaction is gone (MongoDB aborts it): nothing more can be done with it.
    const after = await t.collection('groupBuys').doc(b).update({ data: { v: 2 } }).catch((e: Any) => e)
    expect(after.errMsg).toMatch('DATABASE_TRANSACTION_FAIL')
    expect([(await read(a)).v, (await read(b)).v]).toEqual([5, 6])

    const t2 = await h.db.startTransaction()
    await coll().doc(b).update({ data: { v: 7 } })
    const blind = await t2.collection('groupBuys').doc(b).set({ data: { run: h.run, v: 1 } }).catch((e: Any) => e)
    expect(blind.errMsg).toMatch('DATABASE_TRANSACTION_CONFLICT')
    expect((await read(b)).v).toBe(7)
  })

  it('a write to a document another open transaction has written conflicts at once; the first one commits', async () => {
    const a = await fresh({ v: 0 })
    const t1 = await h.db.startTransaction()
    const t2 = await h.db.startTransaction() // both open in one async flow: must not deadlock
    await t1.collection('groupBuys').doc(a).update({ data: { v: 1 } })
    const err = await t2.collection('groupBuys').doc(a).update({ data: { v: 2 } }).catch((e: Any) => e)
    expect(err.errMsg).toMatch('DATABASE_TRANSACTION_CONFLICT')
    await t1.commit()
    expect((await read(a)).v).toBe(1)
    // Inserting the same new _id in two open transactions conflicts the same way.
    const fresh2 = h.id('race')
    const t3 = await h.db.startTransaction()
    const t4 = await h.db.startTransaction()
    await t3.collection('groupBuys').add({ data: { _id: fresh2, run: h.run, by: 't3' } })
    const dup = await t4.collection('groupBuys').add({ data: { _id: fresh2, run: h.run, by: 't4' } }).catch((e: Any) => e)
    expect(dup.errMsg).toMatch('DATABASE_TRANSACTION_CONFLICT')
    await t3.commit()
    expect((await read(fresh2)).by).toBe('t3')
  })

  it('reads inside a transaction keep its start-time snapshot while others write and commit', async () => {
    const a = await fresh({ v: 1 })
    const t = await h.db.startTransaction()
    const other = await h.db.startTransaction()
    await other.collection('groupBuys').doc(a).update({ data: { v: 2 } })
    expect((await t.collection('groupBuys').doc(a).get()).data.v).toBe(1) // uncommitted: not visible
    await other.commit()
    expect((await t.collection('groupBuys').doc(a).get()).data.v).toBe(1) // committed after t started: still not
    await t.rollback()
    expect((await read(a)).v).toBe(2)
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

  it('a finished transaction is gone: every operation after commit or rollback fails with DATABASE_TRANSACTION_FAIL', async () => {
    const a = await fresh({ v: 0 })
    const t = await h.db.startTransaction()
    await t.collection('groupBuys').doc(a).update({ data: { v: 9 } })
    await t.rollback()
    expect((await read(a)).v).toBe(0)
    const t2 = await h.db.startTransaction()
    await t2.collection('groupBuys').doc(a).update({ data: { v: 1 } })
    await t2.commit()
    for (const finished of [t, t2]) {
      for (const op of [
        () => finished.collection('groupBuys').doc(a).get(),
        () => finished.collection('groupBuys').doc(a).update({ data: { v: 2 } }),
        () => finished.collection('groupBuys').doc(a).remove(),
        () => finished.collection('groupBuys').add({ data: { run: h.run } }),
      ]) {
        const err = await op().catch((e: Any) => e)
        expect(err.errMsg).toMatch('DATABASE_TRANSACTION_FAIL')
        expect(err.errMsg).toMatch('does not exist')
      }
      await expect(finished.commit()).rejects.toMatchObject({ code: 'DATABASE_TRANSACTION_FAIL' })
    }
    expect((await read(a)).v).toBe(1)
  })

  it('doc(id).set(data) with the same _id in data: the SDK answers the same inside a transaction as outside', async () => {
    const outsideId = h.id('set')
    const insideId = h.id('set')
    const outside = await coll().doc(outsideId).set({ data: { _id: outsideId, run: h.run, v: 1 } }).then(() => null, (e: Any) => e)
    const inside = await h.db.runTransaction((t: Any) => t.collection('groupBuys').doc(insideId).set({ data: { _id: insideId, run: h.run, v: 1 } })).then(() => null, (e: Any) => e)
    // wx-server-sdk 4.0.2 refuses _id in set() data before any request is sent (-501007), in both places.
    expect(outside?.errCode).toBe(-501007)
    expect(inside?.errCode).toBe(outside?.errCode)
    expect(inside?.errMsg).toBe(outside?.errMsg)
    expect(await read(outsideId)).toBeNull()
    expect(await read(insideId)).toBeNull()
  })

  localOnly('at the seam, a set whose data repeats the _id is served the same inside a transaction as outside', async () => {
    const local = h.local!
    const a = h.id('seam')
    const b = h.id('seam')
    const set = (id: string, transactionId?: string) => local.handle('database.modifyDocument', {
      collectionName: 'groupBuys', queryType: 'DOC', query: JSON.stringify({ _id: id }), data: JSON.stringify({ _id: id, run: h.run, v: 3 }),
      multi: false, merge: false, upsert: true, ...(transactionId ? { transactionId } : {}),
    })
    expect(set(a)).toMatchObject({ data: { upsert_id: a } })
    const { transactionId } = local.handle('database.startTransaction') as { transactionId: string }
    expect(set(b, transactionId)).toMatchObject({ data: { upsert_id: b } })
    expect(local.handle('database.commitTransaction', { transactionId })).not.toHaveProperty('code')
    expect(await read(a)).toEqual({ _id: a, run: h.run, v: 3 })
    expect(await read(b)).toEqual({ _id: b, run: h.run, v: 3 })
  })

})

describe('transaction lifetime (local: a short timeout instead of CloudBase\'s 30 s)', () => {
  localOnly('a transaction not finished in time is gone: reads and its commit fail, nothing is written', async () => {
    const quick = LocalDatabase.open({ transactionTimeoutMs: 50 })
    quick.install()
    try {
      const a = await fresh({ v: 0 })
      const t = await h.db.startTransaction()
      await t.collection('groupBuys').doc(a).update({ data: { v: 1 } })
      await new Promise((r) => setTimeout(r, 80))
      const late = await t.collection('groupBuys').doc(a).get().catch((e: Any) => e)
      expect(late.errMsg).toMatch('DATABASE_TRANSACTION_FAIL')
      expect(late.errMsg).toMatch('does not exist')
      await expect(t.commit()).rejects.toMatchObject({ code: 'DATABASE_TRANSACTION_FAIL' })
      expect((await read(a)).v).toBe(0)
    } finally {
      h.local!.install()
      quick.close()
    }
  })
})
