// Local-only properties of the backend: index use, operation counting, persistence to a file.
import * as fs from 'fs'
import * as os from 'os'
import * as path from 'path'
import { LocalDatabase } from '../../local-cloud/db'
import { localOnly, setupConformance } from './harness'

const h = setupConformance()
const _ = h._

describe('local backend', () => {
  localOnly('an indexed list query (equality + orderBy + limit) is served by the declared index, no sort step', () => {
    const plan = h.local!.explainQuery('orders', { openid: 'u1' }, { order: [['createdAt', -1]], limit: 20 })
    expect(plan.join('\n')).toMatch(/USING INDEX ix_orders_owner_created/)
    expect(plan.join('\n')).not.toMatch(/TEMP B-TREE/)
    const range = h.local!.explainQuery('groupBuys', { status: 'open', endAt: { $lt: 1000 } }, { order: [['endAt', 1]] })
    expect(range.join('\n')).toMatch(/USING INDEX ix_groupBuys_status_end/)
  })

  localOnly('stats count one operation per database request a function makes', async () => {
    h.local!.resetStats()
    const coupons = h.db.collection('coupons')
    const { _id } = await coupons.add({ data: { run: h.run, openid: 'u', createdAt: 1 } })
    await coupons.where({ run: h.run }).get()
    await coupons.doc(_id).update({ data: { used: true } })
    await h.db.runTransaction(async (t: { collection(n: string): { doc(id: string): { get(): Promise<unknown> } } }) => {
      await t.collection('coupons').doc(_id).get()
    })
    expect(h.local!.stats.operations).toBe(5) // add, get, update, get in transaction, commit
    expect(h.local!.stats.byAction['database.modifyDocument']).toBe(1)
    expect(h.local!.stats.byAction['database.startTransaction']).toBe(1)
    h.local!.resetStats()
    expect(h.local!.stats).toEqual({ operations: 0, byAction: {} })
  })

  localOnly('a file database keeps documents across close and reopen', async () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'lcdb-')), 'db.sqlite')
    const first = LocalDatabase.open({ file })
    first.install()
    try {
      await h.db.collection('users').add({ data: { _id: 'persisted', tags: ['a'], when: new Date(42) } })
      first.close()
      const second = LocalDatabase.open({ file })
      second.install()
      const { data } = await h.db.collection('users').where({ tags: 'a' }).get()
      expect(data).toEqual([{ _id: 'persisted', tags: ['a'], when: new Date(42) }])
      expect((await h.db.collection('users').where({ when: _.gte(new Date(40)) }).count()).total).toBe(1)
      second.close()
    } finally {
      h.local!.install()
    }
  })
})
