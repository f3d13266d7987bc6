/**
 * #23, what a confirmed refund costs after WeChat Pay's answer: the order is read once for the points and the
 * ledger's reversal, an order never handed over reads no point entries, a take-back the balance covers is one
 * transaction (the entry lands applied, nothing pending), and the reversal and the order's record of the refund are
 * one transaction on the order. The attacks: the same take-back run twice at once takes
 * the points once; a balance that no longer covers it still goes the long way (coupons voided first) — in
 * after-sales.test.ts, unchanged.
 */
import { armCrash, disarmCrash } from '@server/crash-points'
import { rederiveMember, takeBackPoints } from '@server/members/points'
import { finishRefund, type RefundDoc } from '@server/payments/refunds'
import { refundIdFor } from '@server/ids'
import { copyHandoverRecords, DEMO, atTheSeam, createGroupBuy, database, newRequestId, readAll, readDoc, testCloudForThisFile, type Doc, type SeamCall } from './support/cloud'
import { pickedUpGroupBuy } from './support/after-pickup'
import { paidOrder } from './support/ledger'

jest.setTimeout(120_000)
const cloud = testCloudForThisFile()

async function settle(): Promise<Doc> {
  const res = (await cloud.fireTimer('settle')) as { ok: boolean; data: Doc }
  expect(res.ok).toBe(true)
  return res.data
}
const pointsOf = async (openid: string) => (await cloud.call('member', openid, { action: 'me' })).data
/** Reads of point entries by a refund (settle's heal of pending entries reads them by `pendingSince`, every tick). */
const entryReads = (calls: SeamCall[]) => calls.filter((c) => c.collection === 'pointEntries' && c.action === 'database.getDocument' && !String(c.query).includes('pendingSince'))

it('a refund after sales takes its points back in one transaction: the two entries read at once, none left pending', async () => {
  const R = 'refund-cost-r'
  // The day's reconciliation (first tick of the day) reads entries of its own: out of the way first.
  expect((await settle()).reconciliation.ran).toBe(true)
  const { orders } = await pickedUpGroupBuy(cloud, { [R]: 2 }, { priceFen: 1990 }) // ¥39.80 → 39 points
  expect((await pointsOf(R)).points).toBe(39)
  // As after sales come: after settle copied the pickup's points entry off the order (#23). A refund in that minute
  // reads the order once more to find it there (test/node/handover-records.test.ts).
  await copyHandoverRecords()
  const asked = await cloud.call<{ caseId: string }>('afterSales', R, { action: 'request', orderId: orders[R], quantity: 1, reason: 'QUALITY', requestId: newRequestId('as') })
  expect(asked.ok).toBe(true)
  expect((await cloud.call('afterSales', DEMO.leader, { action: 'decide', caseId: asked.data.caseId, approve: true })).ok).toBe(true)

  const tick = await atTheSeam(cloud, settle)
  expect(tick.result.refunds.done).toBe(1)
  // ¥19.90 kept → 19 points: 20 taken back.
  expect(await pointsOf(R)).toMatchObject({ points: 19, lifetimePoints: 19, unrecoveredPoints: 0 })
  // Two transactions: the ledger's reversal with the order's record of the refund (one, not two), then the points.
  expect(tick.calls.filter((c) => c.action === 'database.commitTransaction')).toHaveLength(2)
  expect(tick.calls.filter((c) => c.collection === 'orders' && c.action === 'database.modifyDocument' && c.inTransaction)).toHaveLength(1)
  const reads = entryReads(tick.calls)
  expect(reads.filter((c) => !c.inTransaction)).toHaveLength(1)
  expect(tick.calls.filter((c) => c.collection === 'pointEntries' && c.action === 'database.modifyDocument')).toEqual([])
  const back = (await readAll('pointEntries', { openid: R, kind: 'TAKE_BACK' }))
  expect(back).toEqual([expect.objectContaining({ points: -20, lifetime: -20, unrecovered: 0, pendingSince: 0 })])
  expect(await rederiveMember(database(), R)).toEqual({ points: 19, lifetimePoints: 19, unrecoveredPoints: 0 })
  // The order was read by id once outside transactions for the whole finish (the ledger's reversal and the points;
  // the ledger's catch-up reads it again with the tick's other recent refunds, by `_id` in a list).
  const byId = tick.calls.filter((c) => c.collection === 'orders' && c.action === 'database.getDocument' && !c.inTransaction && c.query === JSON.stringify({ _id: orders[R] }))
  expect(byId).toHaveLength(1)
})

it('the same take-back run twice at once takes the points once', async () => {
  const T = 'refund-cost-twice'
  const { orders } = await pickedUpGroupBuy(cloud, { [T]: 3 }, { priceFen: 1000 }) // ¥30 → 30 points
  const refund = { _id: `ra${newRequestId('t').replace(/-/g, '')}`.slice(0, 32), kind: 'order' as const, orderId: orders[T], openid: T, amountFen: 1000 }
  const now = Date.now()
  // ¥10 of ¥30 back: 10 points, as the order's transaction reckons them (OrderDoc.pointsBack).
  await Promise.all([takeBackPoints(database(), refund, now, 10), takeBackPoints(database(), refund, now, 10)])
  expect(await pointsOf(T)).toMatchObject({ points: 20, lifetimePoints: 20 })
  expect(await readAll('pointEntries', { openid: T, kind: 'TAKE_BACK' })).toHaveLength(1)
  expect(await rederiveMember(database(), T)).toEqual({ points: 20, lifetimePoints: 20, unrecoveredPoints: 0 })
})

it('a refund of an order never handed over reads no point entries', async () => {
  const gb = await createGroupBuy(cloud, { stock: 10, minParticipants: 3 })
  const orderId = await paidOrder(cloud, 'refund-cost-failed', gb, 1)
  await database().collection('groupBuys').doc(gb).update({ data: { endAt: Date.now() - 1000 } })
  const tick = await atTheSeam(cloud, settle)
  expect(tick.result.failed).toBe(1)
  expect((await readDoc('orders', orderId))!.status).toBe('REFUNDED')
  expect((await readAll('refunds', { _id: refundIdFor(orderId) })).map((r) => r.status)).toEqual(['DONE'])
  expect(entryReads(tick.calls)).toEqual([])
})

it('a confirmed refund finished twice at once (settle and a live call): reversed once, recorded once, points taken once', async () => {
  const D = 'refund-cost-double'
  const { orders } = await pickedUpGroupBuy(cloud, { [D]: 2 }, { priceFen: 1500 }) // ¥30 → 30 points
  const asked = await cloud.call<{ caseId: string }>('afterSales', D, { action: 'request', orderId: orders[D], quantity: 1, reason: 'QUALITY', requestId: newRequestId('as') })
  expect((await cloud.call('afterSales', DEMO.leader, { action: 'decide', caseId: asked.data.caseId, approve: true })).ok).toBe(true)
  // WeChat Pay confirms; the process dies right after the refund is marked DONE.
  armCrash('refund:after-done')
  await cloud.fireTimer('settle').catch(() => undefined)
  expect(disarmCrash()).toBe(true)
  const [refund] = await readAll<RefundDoc>('refunds', { orderId: orders[D] })
  expect(refund).toMatchObject({ status: 'DONE', appliedAt: 0 })
  await Promise.all([finishRefund(database(), refund, Date.now()), finishRefund(database(), refund, Date.now())])
  const order = (await readDoc('orders', orders[D]))!
  expect({ refundIds: order.refundIds, refundedFen: order.refundedFen }).toEqual({ refundIds: [refund._id], refundedFen: 1500 })
  expect(order.ledger.refundIds).toEqual([refund._id])
  const reversal = await readAll('ledgerEntries', { orderId: orders[D], kind: 'REVERSAL' })
  expect(reversal.reduce((sum, e) => sum + e.amountFen, 0)).toBe(-1500)
  expect(await pointsOf(D)).toMatchObject({ points: 15, lifetimePoints: 15 })
  expect(await rederiveMember(database(), D)).toEqual({ points: 15, lifetimePoints: 15, unrecoveredPoints: 0 })
  // And settle, finding it applied, changes nothing.
  await settle()
  expect((await readDoc('orders', orders[D]))!.refundedFen).toBe(1500)
  expect(await readAll('ledgerEntries', { orderId: orders[D], kind: 'REVERSAL' })).toHaveLength(reversal.length)
})

/**
 * `db` whose first read of order `id` by id, outside a transaction, answers `stale` (the order as it was before its
 * sale was booked): finishRefund's one read of the order lands in the gap before settle's catch-up booked the sale.
 */
function readsStaleOnce(db: DB.Database, id: string, stale: Doc): DB.Database {
  let served = false
  const bound = <T extends object>(target: T, prop: PropertyKey) => {
    const v = (target as Record<PropertyKey, unknown>)[prop]
    return typeof v === 'function' ? v.bind(target) : v
  }
  return new Proxy(db, {
    get(target, prop) {
      if (prop !== 'collection') return bound(target, prop)
      return (name: string) => {
        const c = target.collection(name)
        if (name !== 'orders') return c
        return new Proxy(c, {
          get(ct, p) {
            if (p !== 'where') return bound(ct, p)
            return (q: Record<string, unknown>) => {
              if (served || q._id !== id) return ct.where(q)
              served = true
              return { limit: () => ({ get: async () => ({ data: [stale] }) }) }
            }
          },
        })
      }
    },
  })
}

it('a sale booked between the refund\'s read of the order and its transaction is reversed once, after it', async () => {
  const gb = await createGroupBuy(cloud, { stock: 10, minParticipants: 3 })
  const orderId = await paidOrder(cloud, 'refund-cost-late-sale', gb, 2)
  const booked = (await readDoc('orders', orderId))!
  expect(booked.ledger).toBeTruthy()
  // The group fails; WeChat Pay confirms the refund and the process dies right after it is marked DONE.
  await database().collection('groupBuys').doc(gb).update({ data: { endAt: Date.now() - 1000 } })
  armCrash('refund:after-done')
  await cloud.fireTimer('settle').catch(() => undefined)
  expect(disarmCrash()).toBe(true)
  const [refund] = await readAll<RefundDoc>('refunds', { orderId })
  expect(refund).toMatchObject({ status: 'DONE', appliedAt: 0 })
  // The finish reads the order as it was before its sale was booked (no ledger position on it).
  const { ledger: _position, ...stale } = (await readDoc('orders', orderId))!
  const seen = await atTheSeam(cloud, () => finishRefund(readsStaleOnce(database(), orderId, stale), refund, Date.now()))
  // The transaction found the sale and left its reversal to the keyed bookRefund after it: one more commit.
  expect(seen.calls.filter((c) => c.action === 'database.commitTransaction')).toHaveLength(2)
  const order = (await readDoc('orders', orderId))!
  expect(order).toMatchObject({ status: 'REFUNDED', refundIds: [refund._id], refundedFen: booked.amountFen })
  expect(order.ledger.refundIds).toEqual([refund._id])
  const reversal = await readAll('ledgerEntries', { orderId, kind: 'REVERSAL' })
  expect(reversal.reduce((sum, e) => sum + e.amountFen, 0)).toBe(-booked.amountFen)
  // Finished again (settle, a retry): nothing more.
  await settle()
  await finishRefund(database(), refund, Date.now())
  expect(await readAll('ledgerEntries', { orderId, kind: 'REVERSAL' })).toHaveLength(reversal.length)
  expect((await readDoc('orders', orderId))!.refundedFen).toBe(booked.amountFen)
})

it('two refunds of one order confirmed at once (two settle instances): together they take back what the order earned, not each from the same old total', async () => {
  const R = 'refund-cost-pair'
  // ¥19.90 → 19 points; a second order's 10 points must stay untouched.
  const { orders } = await pickedUpGroupBuy(cloud, { [R]: 2 }, { priceFen: 995 })
  await pickedUpGroupBuy(cloud, { [R]: 1 }, { priceFen: 1000 })
  expect(await pointsOf(R)).toMatchObject({ points: 29, lifetimePoints: 29 })
  for (let k = 0; k < 2; k++) {
    const c = await cloud.call<{ caseId: string }>('afterSales', R, { action: 'request', orderId: orders[R], quantity: 1, reason: 'QUALITY', requestId: newRequestId('as') })
    expect((await cloud.call('afterSales', DEMO.leader, { action: 'decide', caseId: c.data.caseId, approve: true })).ok).toBe(true)
  }
  // WeChat Pay confirms both; each instance that leased one dies right after marking it DONE…
  for (let k = 0; k < 2; k++) {
    armCrash('refund:after-done')
    await cloud.fireTimer('settle').catch(() => undefined)
    expect(disarmCrash()).toBe(true)
  }
  const done = (await readAll<RefundDoc>('refunds', { orderId: orders[R] })).filter((r) => r.status === 'DONE' && r.appliedAt === 0)
  expect(done).toHaveLength(2)
  // …and two others finish one each at the same moment. Each reckoned from ¥19.90 kept would take 19 − 9 = 10: 20.
  await Promise.all(done.map((r) => finishRefund(database(), r, Date.now())))
  const order = (await readDoc('orders', orders[R]))!
  expect(order.refundedFen).toBe(1990)
  expect(Object.values(order.pointsBack as Record<string, number>).sort((a, b) => a - b)).toEqual([9, 10])
  expect(await pointsOf(R)).toMatchObject({ points: 10, lifetimePoints: 10 })
  expect(await rederiveMember(database(), R)).toEqual({ points: 10, lifetimePoints: 10, unrecoveredPoints: 0 })
})
