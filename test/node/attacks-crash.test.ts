/**
 * Crash consistency, attacked (this stop's audit): each test kills a call at one write — that write and every later
 * request of the dead instance fail, and a transaction it left open is aborted as CloudBase does on its timeout —
 * then lets settle run and checks the invariants (money, counters against a recount, exactly-once, nothing stuck).
 * Four flows that lost or froze something are now one transaction each: the roll-over move (stock, order,
 * participation), the after-sales request (tally and case) and decision (case, tally and refund); a service slot's
 * places lost to a cut booking or expiry are given back by the counter heal, and so is a join's quota after a cut
 * between quota and order (it was pinned here as `it.failing` at the last stop).
 */
import { healGroupBuyCounters, quietMs } from '@server/group-buys/heal-counters'
import { expireUnpaidOrders } from '@server/group-buys/wind-up'
import { releaseDue } from '@server/ledger/ledger-flow'
import { processDueRefunds } from '@server/payments/refunds'
import { applyQuotaHeal, planQuotaHeal } from '@server/group-buys/quota-heal'
import { reserveQuota, reserveStock } from '@server/group-buys/holds'
import { participationIdFor } from '@server/ids'
import { createGroupBuy, database, DEMO, idMaker, newRequestId, readAll, readDoc, readLedger, testCloudForThisFile, type Doc, type Reply } from './support/cloud'
import { pickedUpGroupBuy } from './support/after-pickup'
import { dieAt, quietCrashLogs, recountGroupBuy } from './support/crash'
import { publishService } from './support/merchant'

jest.setTimeout(300_000)

const cloud = testCloudForThisFile()
const MIN = 60_000
const DAY = 86_400_000
const fresh = idMaker('audc')

const settle = async (n = 3) => {
  for (let i = 0; i < n; i++) await cloud.fireTimer('settle')
}

quietCrashLogs()

async function paid(openid: string, groupBuyId: string, quantity: number, onFail?: 'ROLL_OVER'): Promise<string> {
  const res = await cloud.call<{ orderId: string }>('groupBuy', openid, { action: 'join', groupBuyId, quantity, requestId: newRequestId('audc'), ...(onFail ? { onFail } : {}) })
  if (!res.ok) throw new Error(`join: ${res.error?.code} ${res.error?.message}`)
  if (!(await cloud.pay.pay(res.data.orderId)).ok) throw new Error('pay failed')
  return res.data.orderId
}

async function endGroup(groupBuyId: string): Promise<void> {
  await database().collection('groupBuys').doc(groupBuyId).update({ data: { endAt: Date.now() - 1 } })
  await settle(2)
}

async function reconcileMismatches(): Promise<Doc[]> {
  const r = await cloud.call<{ mismatches: Doc[] }>('admin', DEMO.admin, { action: 'reconcile' })
  if (!r.ok) throw new Error(`reconcile: ${r.error?.code}`)
  return r.data.mismatches
}

// ─── Roll-over (server/group-buys/roll-over.ts moveToNextGroup) ───────────────────────────────────────────────

describe('roll-over move', () => {
  async function heldOrder(tag: string): Promise<{ title: string; orderId: string; openid: string }> {
    const title = `审计保留 ${tag}`
    const openid = fresh(tag)
    const failing = await createGroupBuy(cloud, { title, priceFen: 1000, minParticipants: 3, limitPerUser: 5 })
    const orderId = await paid(openid, failing, 2, 'ROLL_OVER')
    await endGroup(failing)
    const held = (await readDoc('orders', orderId))!
    expect({ status: held.status, held: held.rollOverUntil > Date.now() }).toEqual({ status: 'PAID', held: true })
    return { title, orderId, openid }
  }

  it('a move killed inside its transaction (at the participation) moves nothing; settle moves it once, counted, and the group reaches 成团', async () => {
    const { title, orderId, openid } = await heldOrder('rp')
    const next = await createGroupBuy(cloud, { title, priceFen: 1000, minParticipants: 1, limitPerUser: 5, stock: 20 })
    const killed = await dieAt(cloud, { collection: 'participations', match: next }, () => cloud.fireTimer('settle'))
    expect(killed.died).toBe(true)
    await settle(3)

    const order = (await readDoc('orders', orderId))!
    expect({ groupBuyId: order.groupBuyId, status: order.status }).toEqual({ groupBuyId: next, status: 'PAID' })
    const gb = (await readDoc('groupBuys', next))!
    const part = await readDoc('participations', participationIdFor(next, openid))
    expect(await recountGroupBuy(next)).toEqual({ soldQuantity: 2, reservedQuantity: 0, paidParticipants: 1 })
    // For the report: what admin reconcile says about this group (it recounts paid participants from participations).
    // eslint-disable-next-line no-console
    console.log(`reconcile on the cut roll-over: ${JSON.stringify((await reconcileMismatches()).filter((m) => m.groupBuyId === next || m.orderId === orderId))}`)
    // The invariant: the group's paid participants agree with its paid orders, the buyer's participation holds the
    // order (per-person limit, 成团 at the end is decided from participations), and a group of minParticipants 1 with
    // one paid order has reached 成团.
    expect({
      soldQuantity: gb.soldQuantity, stockLeft: gb.stockLeft, paidParticipants: gb.paidParticipants, status: gb.status,
      participation: part ? { paidOrders: part.paidOrders, quantity: part.quantity } : null,
    }).toEqual({ soldQuantity: 2, stockLeft: 18, paidParticipants: 1, status: 'SUCCEEDED', participation: { paidOrders: 1, quantity: 2 } })
  })

  it('the same cut, then the next group ends: it closes with the moved buyer counted, and nobody is refunded', async () => {
    const { title, orderId } = await heldOrder('rf')
    const next = await createGroupBuy(cloud, { title, priceFen: 1000, minParticipants: 1, limitPerUser: 5, stock: 20 })
    expect((await dieAt(cloud, { collection: 'participations', match: next }, () => cloud.fireTimer('settle'))).died).toBe(true)
    await settle(2)
    await endGroup(next)
    await settle(2)
    const gb = (await readDoc('groupBuys', next))!
    const order = (await readDoc('orders', orderId))!
    expect({ status: gb.status, orderStatus: order.status, refunded: cloud.pay.refundedFor(orderId) }).toEqual({ status: 'CLOSED', orderStatus: 'PAID', refunded: 0 })
  })

  it('REFUSED: killed at the order’s write in the move: nothing taken, the move then happens once with its difference refunded once', async () => {
    const { title, orderId, openid } = await heldOrder('rs')
    const next = await createGroupBuy(cloud, { title, priceFen: 900, minParticipants: 3, limitPerUser: 5, stock: 20 })
    const killed = await dieAt(cloud, { collection: 'orders', match: orderId }, () => cloud.fireTimer('settle'))
    expect(killed.died).toBe(true)
    // The stock is taken in the move's own transaction: a kill there takes nothing.
    const cut = (await readDoc('groupBuys', next))!
    expect({ sold: cut.soldQuantity, stockLeft: cut.stockLeft }).toEqual({ sold: 0, stockLeft: 20 })
    await settle(3)
    await processDueRefunds(database(), Date.now() + MIN)
    await settle(1)
    const gb = (await readDoc('groupBuys', next))!
    const order = (await readDoc('orders', orderId))!
    expect({ groupBuyId: order.groupBuyId, status: order.status, rollOverRefundFen: order.rollOverRefundFen }).toEqual({ groupBuyId: next, status: 'PAID', rollOverRefundFen: 200 })
    expect({ sold: gb.soldQuantity, stockLeft: gb.stockLeft, paidParticipants: gb.paidParticipants }).toEqual({ sold: 2, stockLeft: 18, paidParticipants: 1 })
    expect((await readDoc('participations', participationIdFor(next, openid)))).toMatchObject({ paidOrders: 1, quantity: 2 })
    expect(cloud.pay.refundedFor(orderId)).toBe(200)
    expect(cloud.pay.listRefunds().filter((r) => r.outTradeNo === orderId)).toHaveLength(1)
  })

  it('REFUSED: killed after the move, before the difference refund: settle asks it once', async () => {
    const { title, orderId } = await heldOrder('rd')
    const next = await createGroupBuy(cloud, { title, priceFen: 800, minParticipants: 3, limitPerUser: 5, stock: 20 })
    expect((await dieAt(cloud, { collection: 'refunds', match: orderId }, () => cloud.fireTimer('settle'))).died).toBe(true)
    expect((await readDoc('orders', orderId))!.groupBuyId).toBe(next)
    await settle(3)
    await processDueRefunds(database(), Date.now() + MIN)
    await settle(1)
    expect(cloud.pay.refundedFor(orderId)).toBe(400)
    expect(cloud.pay.listRefunds().filter((r) => r.outTradeNo === orderId)).toHaveLength(1)
    expect((await readDoc('orders', orderId))!.refundedFen).toBe(400)
  })
})

// ─── After-sales (cloudfunctions/afterSales) ──────────────────────────────────────────────────────────────────

describe('after-sales', () => {
  const request = (openid: string, orderId: string, quantity: number, requestId = newRequestId('audc-as')) =>
    cloud.call<{ caseId: string; status: string }>('afterSales', openid, { action: 'request', orderId, quantity, reason: 'QUALITY', requestId })

  it('a request killed at its case insert reserves nothing (one transaction): the retry with the same requestId makes the one case', async () => {
    const A = fresh('asq')
    const { orders } = await pickedUpGroupBuy(cloud, { [A]: 3 }, { priceFen: 1990 })
    const requestId = newRequestId('audc-as')
    const killed = await dieAt(cloud, { collection: 'afterSalesCases' }, () => request(A, orders[A], 3, requestId))
    expect(killed.died).toBe(true)
    expect((killed.result as Reply).ok).toBe(false)
    await settle(2)
    // The client retries the very same request (same requestId), then a fresh one.
    const retry = await request(A, orders[A], 3, requestId)
    const again = await request(A, orders[A], 3)
    const cases = await readAll('afterSalesCases', { orderId: orders[A] })
    expect({ retry: retry.ok ? 'ok' : retry.error?.code, again: again.ok ? 'ok' : again.error?.code, cases: cases.length }).toEqual({ retry: 'ok', again: 'AFTER_SALES.QUANTITY_EXCEEDED', cases: 1 })
  })

  it('the same cut, never retried: no units are held by a case that does not exist, and the order’s money is released after the window', async () => {
    const A = fresh('asr')
    const { orders } = await pickedUpGroupBuy(cloud, { [A]: 2 }, { priceFen: 1990 })
    expect((await dieAt(cloud, { collection: 'afterSalesCases' }, () => request(A, orders[A], 1))).died).toBe(true)
    const later = Date.now() + 3 * DAY
    await releaseDue(database(), later)
    await releaseDue(database(), later + MIN)
    const tally = await readDoc('afterSalesTallies', orders[A])
    expect({ cases: (await readAll('afterSalesCases', { orderId: orders[A] })).length, tally: tally?.quantity ?? 0 }).toEqual({ cases: 0, tally: 0 })
    expect((await readLedger(orders[A]))!.released).toBe(true)
  })

  it('an approval killed at its refund insert leaves the case undecided (one transaction), never approved without a refund; decided again, it refunds once and the money is released', async () => {
    const A = fresh('asa')
    const { orders } = await pickedUpGroupBuy(cloud, { [A]: 3 }, { priceFen: 1990 })
    const asked = await request(A, orders[A], 2)
    expect(asked.ok).toBe(true)
    const killed = await dieAt(cloud, { collection: 'refunds' }, () => cloud.call('afterSales', DEMO.leader, { action: 'decide', caseId: asked.data.caseId, approve: true }))
    expect(killed.died).toBe(true)
    expect((await readDoc('afterSalesCases', asked.data.caseId))!.status).toBe('PENDING')
    expect(await readAll('refunds', { orderId: orders[A] })).toEqual([])
    // The leader's screen still shows it pending: they decide it again.
    expect((await cloud.call('afterSales', DEMO.leader, { action: 'decide', caseId: asked.data.caseId, approve: true })).ok).toBe(true)
    await settle(3)
    await processDueRefunds(database(), Date.now() + MIN)
    await settle(1)
    const later = Date.now() + 3 * DAY
    await releaseDue(database(), later)
    expect({
      refunds: (await readAll('refunds', { orderId: orders[A] })).map((r) => r.amountFen),
      paidBack: cloud.pay.refundedFor(orders[A]),
      released: (await readLedger(orders[A]))!.released,
    }).toEqual({ refunds: [3980], paidBack: 3980, released: true })
  })

  it('REFUSED: the same cut approval decided again by the leader, then by an admin: one refund', async () => {
    const A = fresh('asb')
    const { orders } = await pickedUpGroupBuy(cloud, { [A]: 3 }, { priceFen: 1990 })
    const asked = await request(A, orders[A], 2)
    expect((await dieAt(cloud, { collection: 'refunds' }, () => cloud.call('afterSales', DEMO.leader, { action: 'decide', caseId: asked.data.caseId, approve: true }))).died).toBe(true)
    const again = await cloud.call('afterSales', DEMO.leader, { action: 'decide', caseId: asked.data.caseId, approve: true })
    const twice = await cloud.call('afterSales', DEMO.admin, { action: 'decide', caseId: asked.data.caseId, approve: true })
    expect([again.ok, twice.ok]).toEqual([true, true])
    await settle(2)
    await processDueRefunds(database(), Date.now() + MIN)
    await settle(1)
    expect({ refunds: (await readAll('refunds', { orderId: orders[A] })).map((r) => r.amountFen), paidBack: cloud.pay.refundedFor(orders[A]), count: cloud.pay.refundCountFor(orders[A]) }).toEqual({ refunds: [3980], paidBack: 3980, count: 1 })
  })

  it('a rejection killed at its tally write decides nothing (one transaction): decided again, the units go back and the resident may ask again', async () => {
    const A = fresh('asj')
    const { orders } = await pickedUpGroupBuy(cloud, { [A]: 2 }, { priceFen: 1990 })
    const asked = await request(A, orders[A], 2)
    expect(asked.ok).toBe(true)
    const killed = await dieAt(cloud, { collection: 'afterSalesTallies' }, () => cloud.call('afterSales', DEMO.leader, { action: 'decide', caseId: asked.data.caseId, approve: false }))
    expect(killed.died).toBe(true)
    const retried = await cloud.call('afterSales', DEMO.leader, { action: 'decide', caseId: asked.data.caseId, approve: false })
    expect(retried.ok).toBe(true)
    await settle(2)
    const tally = await readDoc('afterSalesTallies', orders[A])
    const second = await request(A, orders[A], 1)
    expect({ tally: tally?.quantity, second: second.ok ? 'ok' : second.error?.code }).toEqual({ tally: 0, second: 'ok' })
  })
})

// ─── Joins and holds (server/group-buys/join-flow.ts, server/vouchers/book.ts, order-flow.ts releaseUnpaid) ───

describe('join holds', () => {
  it('REFUSED: a goods join killed after its stock, before its quota: the stock comes back once the discrepancy stood still', async () => {
    const A = fresh('js')
    const gb = await createGroupBuy(cloud, { stock: 10, limitPerUser: 2, minParticipants: 5 })
    const killed = await dieAt(cloud, { collection: 'participations', match: gb }, () => cloud.call('groupBuy', A, { action: 'join', groupBuyId: gb, quantity: 2, requestId: newRequestId('audc') }))
    expect(killed.died).toBe(true)
    expect((await readDoc('groupBuys', gb))).toMatchObject({ stockLeft: 8, reservedQuantity: 2 })
    const now = Date.now()
    for (const t of [now, now + quietMs() + 1]) for (let i = 0; i < 4; i++) await healGroupBuyCounters(database(), t)
    expect((await readDoc('groupBuys', gb))).toMatchObject({ stockLeft: 10, reservedQuantity: 0, soldQuantity: 0 })
  })

  it('BUG (fixed): a goods join killed after its quota, before its order — the client’s retry (same requestId) and any new join were refused for good; the counter heal gave the stock back but not the quota (quota-heal.ts)', async () => {
    const A = fresh('jq')
    const gb = await createGroupBuy(cloud, { stock: 10, limitPerUser: 2, minParticipants: 5 })
    const requestId = newRequestId('audc')
    const killed = await dieAt(cloud, { collection: 'orders', match: gb }, () => cloud.call('groupBuy', A, { action: 'join', groupBuyId: gb, quantity: 2, requestId }))
    expect(killed.died).toBe(true)
    const now = Date.now()
    for (const t of [now, now + quietMs() + 1]) for (let i = 0; i < 4; i++) await healGroupBuyCounters(database(), t)
    await settle(2)
    expect((await readDoc('groupBuys', gb))).toMatchObject({ stockLeft: 10, reservedQuantity: 0 })
    const retry = await cloud.call('groupBuy', A, { action: 'join', groupBuyId: gb, quantity: 2, requestId })
    const part = await readDoc('participations', participationIdFor(gb, A))
    expect({ retry: retry.ok ? 'ok' : retry.error?.code, heldQuota: part?.quantity }).toEqual({ retry: 'ok', heldQuota: 2 })
    expect(await readAll('orders', { groupBuyId: gb, openid: A })).toHaveLength(1)
  })

  it('REFUSED: the quota heal racing a live join of the same person — its correction is refused once the join took its quota, so the person cannot pass the limit', async () => {
    const A = fresh('jr')
    const gb = await createGroupBuy(cloud, { stock: 10, limitPerUser: 3, minParticipants: 5 })
    // A leak to heal: A's join cut between its quota and its order (1 unit).
    expect((await dieAt(cloud, { collection: 'orders', match: gb }, () => cloud.call('groupBuy', A, { action: 'join', groupBuyId: gb, quantity: 1, requestId: newRequestId('audc') }))).died).toBe(true)
    const partId = participationIdFor(gb, A)
    expect((await readDoc('participations', partId))!.quantity).toBe(1)
    const plan = await planQuotaHeal(database(), gb)
    expect(plan).toEqual([{ partId, from: 1, to: 0 }])
    // A's next join takes its quota (2) after the heal read, before its correction is written; its order is not written yet.
    expect(await reserveQuota(database(), gb, A, 2, 3, { orderId: fresh('live'), at: Date.now() })).toBe('TAKEN')
    expect(await applyQuotaHeal(database(), plan)).toBe(0)
    // 1 leaked + 2 of the live join: nothing was lowered under the live join.
    expect((await readDoc('participations', partId))!.quantity).toBe(3)
    // With the live join's order written, the heal may still give back the 1 leaked unit, never the join's 2.
    const at = Date.now()
    await database().collection('orders').add({ data: { _id: fresh('race'), openid: A, groupBuyId: gb, quantity: 2, status: 'PENDING_PAYMENT', createdAt: at, requestId: 'race', priceFen: 1000, amountFen: 2000, expiresAt: at + DAY } })
    expect(await applyQuotaHeal(database(), await planQuotaHeal(database(), gb))).toBe(1)
    expect((await readDoc('participations', partId))!.quantity).toBe(2)
    const third = await cloud.call('groupBuy', A, { action: 'join', groupBuyId: gb, quantity: 2, requestId: newRequestId('audc') })
    expect(third.ok ? 'ok' : third.error?.code).toBe('GROUP_BUY.LIMIT_EXCEEDED')
  })

  it('REFUSED: a live join landing just before or just after the counter heal’s write on the group (quota taken, order not yet) — its quota is never lowered', async () => {
    const A = fresh('jw')
    const gb = await createGroupBuy(cloud, { stock: 10, limitPerUser: 5, minParticipants: 5 })
    expect((await dieAt(cloud, { collection: 'orders', match: gb }, () => cloud.call('groupBuy', A, { action: 'join', groupBuyId: gb, quantity: 1, requestId: newRequestId('audc') }))).died).toBe(true)
    const partId = participationIdFor(gb, A)
    const now = Date.now()
    for (let i = 0; i < 4; i++) await healGroupBuyCounters(database(), now)
    // At the fix, A's next join takes stock and quota (2), its order not written yet: just before the heal's write on
    // the group's counters (the write is refused: the counters moved), or just after it (the quotas the heal read
    // before its write no longer match: each correction is refused).
    const real = database()
    const liveJoin = async () => {
      expect(await reserveStock(real, gb, 2, Date.now())).toBe('RESERVED')
      expect(await reserveQuota(real, gb, A, 2, 5, { orderId: fresh('live'), at: Date.now() })).toBe('TAKEN')
    }
    const around = (when: 'before' | 'after') => {
      let raced = false
      const racing = Object.create(real) as DB.Database
      racing.collection = ((name: string) => {
        const c = real.collection(name)
        if (name !== 'groupBuys') return c
        return Object.assign(Object.create(c), {
          where: (cond: Record<string, unknown>) => {
            const q = c.where(cond)
            if (!JSON.stringify(cond).includes('reservedQuantity')) return q
            return Object.assign(Object.create(q), {
              update: async (u: unknown) => {
                if (raced) return q.update(u as never)
                raced = true
                if (when === 'before') await liveJoin()
                const res = await q.update(u as never)
                if (when === 'after') await liveJoin()
                return res
              },
            })
          },
        })
      }) as never
      return { racing, raced: () => raced }
    }
    const before = around('before')
    await healGroupBuyCounters(before.racing, now + quietMs() + 1)
    expect(before.raced()).toBe(true)
    expect((await readDoc('participations', partId))!.quantity).toBe(3)
    // The live join's order lands; the leaked unit is still there, and the heal starts over.
    const at = Date.now()
    await database().collection('orders').add({ data: { _id: fresh('live'), openid: A, groupBuyId: gb, quantity: 2, status: 'PENDING_PAYMENT', createdAt: at, requestId: 'live', priceFen: 1000, amountFen: 2000, expiresAt: at + DAY } })
    const later = now + quietMs() + 10
    for (let i = 0; i < 4; i++) await healGroupBuyCounters(database(), later)
    const after = around('after')
    await healGroupBuyCounters(after.racing, later + quietMs() + 1)
    expect(after.raced()).toBe(true)
    // The group's stock leak was healed; A's quota: 1 leaked + 2 + 2 of the join after the write, which has no order
    // yet — nothing of it was lowered.
    expect((await readDoc('participations', partId))!.quantity).toBe(5)
  })

  it('REFUSED: the quota heal keeps what live orders hold (paid or awaiting payment) and gives back only what no live order holds', async () => {
    const A = fresh('jk')
    const B = fresh('jk')
    const gb = await createGroupBuy(cloud, { stock: 20, limitPerUser: 2, minParticipants: 5 })
    // A bought the limit; B let one hold expire (given back), bought one and holds one more awaiting payment.
    await paid(A, gb, 2)
    const bHold = await cloud.call<{ orderId: string }>('groupBuy', B, { action: 'join', groupBuyId: gb, quantity: 1, requestId: newRequestId('audc') })
    expect(bHold.ok).toBe(true)
    expect((await cloud.call('order', B, { action: 'cancel', orderId: bHold.data.orderId })).ok).toBe(true)
    await paid(B, gb, 1)
    expect((await cloud.call('groupBuy', B, { action: 'join', groupBuyId: gb, quantity: 1, requestId: newRequestId('audc') })).ok).toBe(true)
    // A leak from a third person to set the heal off.
    const C = fresh('jk')
    expect((await dieAt(cloud, { collection: 'orders', match: gb }, () => cloud.call('groupBuy', C, { action: 'join', groupBuyId: gb, quantity: 2, requestId: newRequestId('audc') }))).died).toBe(true)
    expect(await applyQuotaHeal(database(), await planQuotaHeal(database(), gb))).toBe(1)
    const quotas = await Promise.all([A, B, C].map(async (who) => (await readDoc('participations', participationIdFor(gb, who)))!.quantity))
    expect(quotas).toEqual([2, 2, 0])
    for (const who of [A, B]) {
      const again = await cloud.call('groupBuy', who, { action: 'join', groupBuyId: gb, quantity: 1, requestId: newRequestId('audc') })
      expect(again.ok ? 'ok' : again.error?.code).toBe('GROUP_BUY.LIMIT_EXCEEDED')
    }
  })

  // Services (#25): the slot's places are a third hold, with no heal.
  const slotLeft = async (groupBuyId: string) => (await readAll('serviceSlots', { groupBuyId }))[0].left as number
  const book = (openid: string, groupBuyId: string) => cloud.call<{ orderId: string }>('groupBuy', openid, { action: 'join', groupBuyId, quantity: 1, requestId: newRequestId('audc'), slotIndex: 0 })

  it('REFUSED: a slot whose places match its bookings (a hold, a paid voucher, a cancelled one) is left alone by the heal', async () => {
    const { groupBuyId } = await publishService(cloud, [4], { minParticipants: 1 })
    expect((await book(fresh('vh'), groupBuyId)).ok).toBe(true)
    const paidOne = await book(fresh('vh'), groupBuyId)
    expect((await cloud.pay.pay(paidOne.data.orderId)).ok).toBe(true)
    const cancelled = fresh('vh')
    const toCancel = await book(cancelled, groupBuyId)
    expect((await cloud.pay.pay(toCancel.data.orderId)).ok).toBe(true)
    expect((await cloud.call('voucher', cancelled, { action: 'cancel', orderId: toCancel.data.orderId })).ok).toBe(true)
    const before = await slotLeft(groupBuyId)
    expect(before).toBe(2)
    const now = Date.now()
    for (const t of [now, now + quietMs() + 1]) for (let i = 0; i < 4; i++) await healGroupBuyCounters(database(), t)
    expect(await slotLeft(groupBuyId)).toBe(before)
  })

  it('a service booking killed after its slot place, before its stock: the counter heal gives the place back once the gap stood still (before, it was lost for good)', async () => {
    const { groupBuyId } = await publishService(cloud, [2], { minParticipants: 1 })
    const killed = await dieAt(cloud, { collection: 'groupBuys', match: groupBuyId }, () => book(fresh('vb'), groupBuyId))
    expect(killed.died).toBe(true)
    const now = Date.now()
    for (const t of [now, now + quietMs() + 1]) for (let i = 0; i < 4; i++) await healGroupBuyCounters(database(), t)
    await settle(2)
    expect(await readAll('orders', { groupBuyId })).toEqual([])
    const b1 = await book(fresh('vb'), groupBuyId)
    const b2 = await book(fresh('vb'), groupBuyId)
    expect({ left: (await slotLeft(groupBuyId)) + (b1.ok ? 1 : 0) + (b2.ok ? 1 : 0), b1: b1.ok, b2: b2.ok ? 'ok' : b2.error?.code }).toEqual({ left: 2, b1: true, b2: 'ok' })
  })

  it('an unpaid service booking’s expiry killed after EXPIRED and its stock, before its slot place: the counter heal gives the place back once the gap stood still (before, never)', async () => {
    const { groupBuyId } = await publishService(cloud, [1], { minParticipants: 1 })
    const booked = await book(fresh('ve'), groupBuyId)
    expect(booked.ok).toBe(true)
    expect(await slotLeft(groupBuyId)).toBe(0)
    await database().collection('orders').doc(booked.data.orderId).update({ data: { expiresAt: Date.now() - 1 } })
    const killed = await dieAt(cloud, { collection: 'serviceSlots' }, () => expireUnpaidOrders(database(), Date.now()))
    expect(killed.died).toBe(true)
    expect((await readDoc('orders', booked.data.orderId))!.status).toBe('EXPIRED')
    await settle(3)
    // Seen once, then again once the gap stood still past quietMs(): healed.
    const now = Date.now()
    for (const t of [now, now + quietMs() + 1]) for (let i = 0; i < 4; i++) await healGroupBuyCounters(database(), t)
    const gb = (await readDoc('groupBuys', groupBuyId))!
    expect({ stockLeft: gb.stockLeft, reserved: gb.reservedQuantity, slotLeft: await slotLeft(groupBuyId) }).toEqual({ stockLeft: 1, reserved: 0, slotLeft: 1 })
  })
})


// ─── 截团 (cloudfunctions/groupBuy close) ─────────────────────────────────────────────────────────────────────

describe('截团', () => {
  it('REFUSED: a close killed after the end moved to now, before the status: settle ends and winds it up, each order refunded once', async () => {
    const gb = await createGroupBuy(cloud, { minParticipants: 5, limitPerUser: 3 })
    const buyers = [fresh('cl'), fresh('cl')]
    const orderIds = [await paid(buyers[0], gb, 1), await paid(buyers[1], gb, 2)]
    const killed = await dieAt(cloud, { collection: 'groupBuys', match: gb, nth: 2 }, () => cloud.call('groupBuy', DEMO.leader, { action: 'close', groupBuyId: gb }))
    expect(killed.died).toBe(true)
    expect((await readDoc('groupBuys', gb))!.status).toBe('OPEN')
    await settle(3)
    await processDueRefunds(database(), Date.now() + MIN)
    await settle(1)
    expect((await readDoc('groupBuys', gb))!.status).toBe('FAILED')
    for (const [i, id] of orderIds.entries()) {
      expect({ status: (await readDoc('orders', id))!.status, paidBack: cloud.pay.refundedFor(id), count: cloud.pay.refundCountFor(id) }).toEqual({ status: 'REFUNDED', paidBack: (i + 1) * 1000, count: 1 })
    }
  })
})
