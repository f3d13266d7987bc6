// db.runTransaction / db.startTransaction: snapshot isolation (the snapshot is taken at a transaction's first
// operation), all-or-nothing commit; a write to a document someone else changed since the snapshot (or holds an
// uncommitted write to) conflicts at that write; a finished transaction is gone. Errors carry CloudBase's own codes
// and messages (CONFLICT, NOT_EXIST below, as CloudBase's SDK tests expect them).
//
// Through @cloudbase/node-sdk (h.sdk) a failed call rejects with { code, message } as CloudBase sent them. Through
// wx-server-sdk 4.0.2 a failed collection call inside a transaction rejects with { errCode: -501001, errMsg } and only
// the message survives in errMsg; transaction.commit() rejects with the SDK's { code, message } unchanged.
import { LocalDatabase } from '../../local-cloud/db'
import { Any, localOnly, setupConformance } from './harness'

const CONFLICT = {
  code: 'DATABASE_TRANSACTION_CONFLICT',
  message: '[ResourceUnavailable.TransactionConflict] Transaction is conflict, maybe resource operated by others. Please check your request, but if the problem persists, contact us.',
}
const NOT_EXIST = {
  code: 'DATABASE_TRANSACTION_FAIL',
  message: '[ResourceUnavailable.TransactionNotExist] Transaction does not exist on the server, transaction must be commit or abort in 30 seconds. Please check your request, but if the problem persists, contact us.',
}
/** What a wx-server-sdk collection call inside a transaction rejects with for a CloudBase error. */
const wxError = (e: { message: string }) => expect.objectContaining({ errCode: -501001, errMsg: expect.stringContaining(e.message) })

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
    expect(err).toEqual(wxError(CONFLICT))
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
      expect(err).toEqual(wxError(CONFLICT))
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
    expect(err).toMatchObject(CONFLICT)
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
  it('snapshot reads: after its first read a transaction keeps seeing the document as it was then', async () => {
    const a = await fresh({ v: 1 })
    const t = await h.db.startTransaction()
    expect((await t.collection('groupBuys').doc(a).get()).data.v).toBe(1)
    await coll().doc(a).update({ data: { v: 2 } })
    expect((await t.collection('groupBuys').doc(a).get()).data.v).toBe(1)
    await t.commit() // read-only: nothing to conflict
    expect((await read(a)).v).toBe(2)
  })

  it('a write to a document changed since the snapshot conflicts at that write, read first or not; the transaction is then gone', async () => {
    const a = await fresh({ v: 0 })
    const b = await fresh({ v: 0 })
    const t = await h.db.startTransaction()
    expect((await t.collection('groupBuys').doc(a).get()).data.v).toBe(0) // the first operation takes the snapshot
    await coll().doc(a).update({ data: { v: 5 } })
    await coll().where({ _id: b }).update({ data: { v: 6 } })
    const err = await t.collection('groupBuys').doc(a).update({ data: { v: 1 } }).catch((e: Any) => e)
    expect(err).toEqual(wxError(CONFLICT))
    // The conflicting transaction is gone (MongoDB aborts it): nothing more can be done with it.
    const after = await t.collection('groupBuys').doc(b).update({ data: { v: 2 } }).catch((e: Any) => e)
    expect(after).toEqual(wxError(NOT_EXIST))
    expect([(await read(a)).v, (await read(b)).v]).toEqual([5, 6])

    // A blind write (no read of that document) conflicts the same way once the transaction has its snapshot.
    const t2 = await h.db.startTransaction()
    expect((await t2.collection('groupBuys').doc(a).get()).data.v).toBe(5)
    await coll().doc(b).update({ data: { v: 7 } })
    const blind = await t2.collection('groupBuys').doc(b).set({ data: { run: h.run, v: 1 } }).catch((e: Any) => e)
    expect(blind).toEqual(wxError(CONFLICT))
    expect((await read(b)).v).toBe(7)
  })

  it('the snapshot is taken at the first operation, not at startTransaction: earlier outside writes are seen and do not conflict', async () => {
    const a = await fresh({ v: 0 })
    const b = await fresh({ v: 0 })
    const t = await h.db.startTransaction()
    await coll().doc(a).update({ data: { v: 1 } })
    await coll().doc(b).update({ data: { v: 1 } })
    expect((await t.collection('groupBuys').doc(a).get()).data.v).toBe(1)
    await t.collection('groupBuys').doc(a).update({ data: { v: 2 } })
    await t.collection('groupBuys').doc(b).update({ data: { v: 2 } })
    await t.commit()
    expect([(await read(a)).v, (await read(b)).v]).toEqual([2, 2])
  })

  it('a write to a document another open transaction has written conflicts at once; the first one commits', async () => {
    const a = await fresh({ v: 0 })
    const t1 = await h.db.startTransaction()
    const t2 = await h.db.startTransaction() // both open in one async flow: must not deadlock
    await t1.collection('groupBuys').doc(a).update({ data: { v: 1 } })
    const err = await t2.collection('groupBuys').doc(a).update({ data: { v: 2 } }).catch((e: Any) => e)
    expect(err).toEqual(wxError(CONFLICT))
    await t1.commit()
    expect((await read(a)).v).toBe(1)
    // Inserting the same new _id in two open transactions conflicts the same way.
    const fresh2 = h.id('race')
    const t3 = await h.db.startTransaction()
    const t4 = await h.db.startTransaction()
    await t3.collection('groupBuys').add({ data: { _id: fresh2, run: h.run, by: 't3' } })
    const dup = await t4.collection('groupBuys').add({ data: { _id: fresh2, run: h.run, by: 't4' } }).catch((e: Any) => e)
    expect(dup).toEqual(wxError(CONFLICT))
    await t3.commit()
    expect((await read(fresh2)).by).toBe('t3')
  })

  it('reads inside a transaction keep its snapshot while others write and commit', async () => {
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
        () => finished.collection('groupBuys').doc(a).set({ data: { run: h.run, v: 2 } }),
        () => finished.collection('groupBuys').doc(a).remove(),
        () => finished.collection('groupBuys').add({ data: { run: h.run } }),
      ]) {
        expect(await op().catch((e: Any) => e)).toEqual(wxError(NOT_EXIST))
      }
      await expect(finished.commit()).rejects.toMatchObject(NOT_EXIST)
    }
    expect((await read(a)).v).toBe(1)
  })

  it('doc(id).set(data) with _id in data: the SDK itself refuses it before any request, inside a transaction as outside', async () => {
    const outsideId = h.id('set')
    const insideId = h.id('set')
    const outside = await coll().doc(outsideId).set({ data: { _id: outsideId, run: h.run, v: 1 } }).then(() => null, (e: Any) => e)
    const inside = await h.db.runTransaction((t: Any) => t.collection('groupBuys').doc(insideId).set({ data: { _id: insideId, run: h.run, v: 1 } })).then(() => null, (e: Any) => e)
    // @cloudbase/database 1.4.3 (under wx-server-sdk 4.0.2 and node-sdk) checks data.hasOwnProperty('_id'): -501007.
    expect(outside?.errCode).toBe(-501007)
    expect(inside?.errCode).toBe(outside?.errCode)
    expect(inside?.errMsg).toBe(outside?.errMsg)
    expect(await read(outsideId)).toBeNull()
    expect(await read(insideId)).toBeNull()
  })
})

describe('the set request doc(id).set(data) makes, with data._id repeating the id (CloudBase serves it; the SDK never sends it)', () => {
  // The exact request @cloudbase/database builds for transaction.collection(c).doc(id).set(data), sent through the
  // SDK's own requester (Db.reqClass): what an SDK without the client-side _id check, or the HTTP API, sends.
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  const { Db } = require('@cloudbase/database')
  const send = (action: string, params: Record<string, unknown>) => new Db.reqClass(h.sdk.config).send(action, params)
  const setRequest = (id: string, data: Record<string, unknown>, transactionId?: string) => send('database.modifyDocument', {
    collectionName: 'groupBuys', queryType: 'DOC', query: JSON.stringify({ _id: id }), data: JSON.stringify(data),
    multi: false, merge: false, upsert: true, ...(transactionId ? { transactionId } : {}),
  })

  it('inside a transaction it replaces the document (updated: 1) and the transaction reads the new data', async () => {
    const a = await fresh({ category: 'Web', tags: ['Go'] })
    const t = await h.sdk.startTransaction()
    expect((await t.collection('groupBuys').doc(a).get()).data).toEqual({ _id: a, run: h.run, category: 'Web', tags: ['Go'] })
    const reply = await setRequest(a, { _id: a, run: h.run, category: 'Node.js', tags: ['Go'] }, t.getTransactionId())
    expect(reply.data).toMatchObject({ updated: 1 })
    expect((await t.collection('groupBuys').doc(a).get()).data).toEqual({ _id: a, run: h.run, category: 'Node.js', tags: ['Go'] })
    expect((await read(a)).category).toBe('Web') // not visible outside before commit
    await t.commit()
    expect(await read(a)).toEqual({ _id: a, run: h.run, category: 'Node.js', tags: ['Go'] })
  })

  it('a missing document is created with that _id, inside a transaction and outside', async () => {
    const b = h.id('seam')
    const c = h.id('seam')
    expect((await setRequest(b, { _id: b, run: h.run, v: 3 })).data).toMatchObject({ upsert_id: b })
    const t = await h.sdk.startTransaction()
    expect((await setRequest(c, { _id: c, run: h.run, v: 3 }, t.getTransactionId())).data).toMatchObject({ upsert_id: c })
    await t.commit()
    expect(await read(b)).toEqual({ _id: b, run: h.run, v: 3 })
    expect(await read(c)).toEqual({ _id: c, run: h.run, v: 3 })
  })

  it('a different _id in data is refused (DATABASE_REQUEST_FAILED), inside a transaction and outside; nothing changes', async () => {
    const a = await fresh({ v: 1 })
    const outside = await setRequest(a, { _id: 'other', run: h.run, v: 2 }).catch((e: Any) => e)
    expect(outside).toMatchObject({ code: 'DATABASE_REQUEST_FAILED', message: expect.stringContaining('_id') })
    const t = await h.sdk.startTransaction()
    const inside = await setRequest(a, { _id: 'other', run: h.run, v: 2 }, t.getTransactionId()).catch((e: Any) => e)
    expect(inside).toMatchObject({ code: 'DATABASE_REQUEST_FAILED', message: expect.stringContaining('_id') })
    await t.rollback()
    expect(await read(a)).toEqual({ _id: a, run: h.run, v: 1 })
  })
})

describe('through @cloudbase/node-sdk, as CloudBase\'s own SDK tests write them', () => {
  const sdkColl = () => h.sdk.collection('groupBuys')
  const original = (id: string, category: string) => ({ _id: id, run: h.run, category, tags: ['JavaScript', 'C#'] })

  it('read skew: after its first read, a transaction reads every document as at its snapshot; its write to one changed since conflicts', async () => {
    const [one, two] = [h.id('skew'), h.id('skew')]
    await sdkColl().add(original(one, 'Web'))
    await sdkColl().add(original(two, 'Life'))
    const t = await h.sdk.startTransaction()
    expect((await t.collection('groupBuys').doc(one).get()).data).toEqual(original(one, 'Web'))
    await sdkColl().doc(one).set({ run: h.run, category: 'changed outside' })
    await sdkColl().doc(two).update({ category: 'changed outside' })
    expect((await t.collection('groupBuys').doc(one).get()).data).toEqual(original(one, 'Web'))
    expect((await t.collection('groupBuys').doc(two).get()).data).toEqual(original(two, 'Life')) // first read after the change
    await expect(t.collection('groupBuys').doc(one).update({ category: 'in transaction' })).rejects.toMatchObject(CONFLICT)
    expect((await sdkColl().doc(one).get()).data[0]).toEqual({ _id: one, run: h.run, category: 'changed outside' })
  })

  it('conflict detection: a write to a document another transaction has written (uncommitted) rejects with CONFLICT', async () => {
    const one = h.id('cd')
    await sdkColl().add(original(one, 'Web'))
    const t1 = await h.sdk.startTransaction()
    const t2 = await h.sdk.startTransaction()
    const { data } = await t1.collection('groupBuys').doc(one).get()
    await t2.collection('groupBuys').doc(one).update({ category: 'by t2' })
    await expect(t1.collection('groupBuys').doc(one).update({ category: `${data.category} by t1` })).rejects.toMatchObject(CONFLICT)
    await t2.commit()
    expect((await sdkColl().doc(one).get()).data[0].category).toBe('by t2')
  })

  it('after commit or rollback every operation rejects with DATABASE_TRANSACTION_FAIL and CloudBase\'s message', async () => {
    const one = h.id('done')
    await sdkColl().add(original(one, 'Web'))
    const committed = await h.sdk.startTransaction()
    await committed.commit()
    const rolledBack = await h.sdk.startTransaction()
    await rolledBack.collection('groupBuys').doc(one).get()
    await rolledBack.rollback()
    for (const t of [committed, rolledBack]) {
      await expect(t.collection('groupBuys').doc(one).set({ category: 'Node.js' })).rejects.toEqual(expect.objectContaining(NOT_EXIST))
      await expect(t.collection('groupBuys').doc(one).get()).rejects.toMatchObject(NOT_EXIST)
      await expect(t.collection('groupBuys').doc(one).update({ category: 'x' })).rejects.toMatchObject(NOT_EXIST)
      await expect(t.collection('groupBuys').doc(one).remove()).rejects.toMatchObject(NOT_EXIST)
      await expect(t.collection('groupBuys').add({ run: h.run })).rejects.toMatchObject(NOT_EXIST)
      await expect(t.commit()).rejects.toMatchObject(NOT_EXIST)
      await expect(t.rollback()).rejects.toMatchObject(NOT_EXIST)
    }
    expect((await sdkColl().doc(one).get()).data[0]).toEqual(original(one, 'Web'))
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
      expect(late).toEqual(wxError(NOT_EXIST))
      await expect(t.commit()).rejects.toMatchObject(NOT_EXIST)
      expect((await read(a)).v).toBe(0)
    } finally {
      h.local!.install()
      quick.close()
    }
  })
})
