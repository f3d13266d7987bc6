/**
 * Audit of #23's first payer (commit 83efb74, server/group-buys/first-payer.ts): the order whose join made the buyer's
 * participation is counted without reading it. `paidParticipants` decides 成团; `paidOrders` on the participation feeds
 * the counter heal, the end decision, the voucher cancel and the roll-over cancel. Each test tries to get a buyer
 * counted twice (or never), or 成团 reached or missed wrongly, and compares the group's counter with the heal's
 * recount (participations with a paid order) and with the buyers who really hold a live paid order.
 */
import { joinGroupBuy } from '@server/group-buys/join-flow'
import { healGroupBuyCounters } from '@server/group-buys/heal-counters'
import { applyQuotaHeal, planQuotaHeal } from '@server/group-buys/quota-heal'
import { endGroupBuy, expireUnpaidOrders, windUpGroupBuy } from '@server/group-buys/wind-up'
import { processRollOvers } from '@server/group-buys/roll-over'
import type { GroupBuyDoc } from '@server/group-buys/model'
import { participationIdFor } from '@server/ids'
import { applyPayment } from '@server/payments/payment-flow'
import { JOIN_RUNS_AT_MOST_MS } from '@server/group-buys/first-payer'
import { createGroupBuy, database, idMaker, join, newRequestId, readAll, readDoc, testCloudForThisFile, type Doc } from './support/cloud'
import { dieAt, quietCrashLogs } from './support/crash'
import { racingAt } from './support/tx-race'
import { publishService } from './support/merchant'

jest.setTimeout(300_000)
const cloud = testCloudForThisFile()
const fresh = idMaker('afp')
quietCrashLogs()

const LIVE_PAID = ['PAID', 'READY_FOR_PICKUP', 'PICKED_UP']

async function pay(orderId: string): Promise<void> {
  const paid = await cloud.pay.pay(orderId)
  expect(paid.ok).toBe(true)
}

async function joined(openid: string, gb: string, extra: Record<string, unknown> = {}, quantity = 1): Promise<string> {
  const r = await cloud.call<{ orderId: string }>('groupBuy', openid, { action: 'join', groupBuyId: gb, quantity, requestId: newRequestId('afp'), ...extra })
  if (!r.ok) throw new Error(`join: ${r.error?.code} ${r.error?.message}`)
  return r.data.orderId
}

/**
 * The group's counter; what the counter heal recounts it to (participations with a paid order); the buyers who really
 * hold a live paid order there; and the status.
 */
async function participants(gb: string): Promise<{ counted: number; recounted: number; buyers: number; status: string }> {
  const g = (await readDoc('groupBuys', gb))!
  const parts = await readAll('participations', { groupBuyId: gb })
  const orders = await readAll('orders', { groupBuyId: gb })
  const buyers = new Set(orders.filter((o: Doc) => LIVE_PAID.includes(o.status)).map((o: Doc) => o.openid)).size
  return { counted: g.paidParticipants, recounted: parts.filter((p: Doc) => (p.paidOrders ?? 0) > 0).length, buyers, status: g.status }
}

/** A database on which the join's order insert first lets `meanwhile` run to its end (its participation already made). */
function pausedAtOrderInsert(meanwhile: () => Promise<void>): DB.Database {
  const real = database()
  let raced = false
  const racing = Object.create(real) as DB.Database
  racing.collection = ((name: string) => {
    const c = real.collection(name)
    if (name !== 'orders') return c
    return Object.assign(Object.create(c), {
      add: async (o: unknown) => {
        if (!raced) {
          raced = true
          await meanwhile()
        }
        return c.add(o as Parameters<typeof c.add>[0])
      },
    })
  }) as DB.Database['collection']
  return racing
}


/** A failed group (ended, decided FAILED, wound up) holding `openid`'s paid ROLL_OVER order; `next` open beside it. */
async function heldForNext(title: string, openid: string, nextTerms: { minParticipants: number; limitPerUser?: number }): Promise<{ held: string; failing: string; next: string }> {
  const failing = await createGroupBuy(cloud, { title, priceFen: 1000, minParticipants: 3, limitPerUser: 5 })
  const next = await createGroupBuy(cloud, { title, priceFen: 1000, minParticipants: nextTerms.minParticipants, limitPerUser: nextTerms.limitPerUser ?? 5, stock: 20 })
  const held = await joined(openid, failing, { onFail: 'ROLL_OVER' })
  await pay(held)
  return { held, failing, next }
}

/** End `failing` and wind it up (its ROLL_OVER orders held), without moving anything yet. */
async function failAndHold(failing: string): Promise<void> {
  await database().collection('groupBuys').doc(failing).update({ data: { endAt: Date.now() - 1000 } })
  const gb = (await readDoc<GroupBuyDoc>('groupBuys', failing))!
  expect(await endGroupBuy(database(), gb, Date.now())).toBe('FAILED')
  await windUpGroupBuy(database(), (await readDoc<GroupBuyDoc>('groupBuys', failing))!, Date.now())
}

describe('the join’s window between its participation and its order', () => {
  it('BUG (fixed): a second order of the buyer paid while the first join is between its participation insert and its order insert — the count waits for the first order (it would have been written marked after its mark was taken off: the buyer counted twice, 成团 at 2 on one buyer)', async () => {
    const gb = await createGroupBuy(cloud, { stock: 10, limitPerUser: 3, minParticipants: 2 })
    const A = fresh('window')
    let second = ''
    // The first join made the participation (madeBy = its order); before its order is written, a twin join of the
    // same buyer (another instance) finds the participation, writes its order, and the buyer pays it. That count reads
    // the participation and must take the mark off the first order — which does not exist yet: it does not go on.
    const racing = pausedAtOrderInsert(async () => {
      second = await joined(A, gb)
      expect((await cloud.pay.pay(second, { deliver: false })).ok).toBe(true)
      await expect(applyPayment(database(), second, Date.now())).rejects.toThrow(/RUN_AGAIN/)
    })
    const first = await joinGroupBuy(racing, A, { groupBuyId: gb, quantity: 1, requestId: newRequestId('afp') }, Date.now())
    expect(first.ok).toBe(true)
    const firstId = (first as { data: { orderId: string } }).data.orderId
    expect(await readDoc('orders', second)).toMatchObject({ status: 'PENDING_PAYMENT' })
    expect(await participants(gb)).toMatchObject({ counted: 0, recounted: 0 })
    // WeChat Pay sends the notice again: now the first order is there, and its mark is taken off.
    expect(await cloud.pay.notify(second)).toBe(true)
    expect((await readDoc('orders', firstId))!.madeParticipation).toBe(false)
    await pay(firstId)
    expect((await readDoc('participations', participationIdFor(gb, A)))!.paidOrders).toBe(2)
    expect(await participants(gb)).toEqual({ counted: 1, recounted: 1, buyers: 1, status: 'OPEN' })
  })

  it('BUG (fixed): an order rolled over into the group while the buyer’s own first join there is between its participation insert and its order insert — the move waits for a later tick (it would have counted the buyer twice, 成团 at 2 on one buyer)', async () => {
    const A = fresh('rollwin')
    const { held, failing, next } = await heldForNext('首单审计 窗口橙', A, { minParticipants: 2 })
    await failAndHold(failing)
    // The buyer joins the next group; between its participation insert and its order insert, settle tries to move the
    // held order in: the move would count the buyer first and take the mark off an order not written yet — it waits.
    const racing = pausedAtOrderInsert(async () => {
      expect((await processRollOvers(database(), Date.now())).moved).toBe(0)
      expect(await readDoc('orders', held)).toMatchObject({ groupBuyId: failing, status: 'PAID' })
    })
    const own = await joinGroupBuy(racing, A, { groupBuyId: next, quantity: 1, requestId: newRequestId('afp') }, Date.now())
    expect(own.ok).toBe(true)
    const ownId = (own as { data: { orderId: string } }).data.orderId
    // The next tick moves it, and takes the mark off the buyer's own order, now written.
    expect((await processRollOvers(database(), Date.now())).moved).toBe(1)
    expect((await readDoc('orders', ownId))!.madeParticipation).toBe(false)
    expect(await participants(next)).toMatchObject({ counted: 1, recounted: 1 })
    await pay(ownId)
    expect(await participants(next)).toEqual({ counted: 1, recounted: 1, buyers: 1, status: 'OPEN' })
  })
})

describe('refunds that give the participation back', () => {
  it('BUG (fixed; not from 83efb74): a rolled-over order cancelled (its participation given back) and the buyer’s own order paid — paidParticipants keeps the cancelled count and adds the new one: 成团 at 2 on one buyer', async () => {
    const A = fresh('cancelroll')
    const { held, failing, next } = await heldForNext('首单审计 取消橙', A, { minParticipants: 2 })
    // The buyer's own order in the next group: its join made the participation there (marked).
    const own = await joined(A, next)
    expect((await readDoc('orders', own))!.madeParticipation).toBe(true)
    await failAndHold(failing)
    await processRollOvers(database(), Date.now())
    expect(await readDoc('orders', held)).toMatchObject({ groupBuyId: next, status: 'PAID' })
    // The move counted the buyer and took the mark off their own order.
    expect((await readDoc('orders', own))!.madeParticipation).toBe(false)
    expect(await participants(next)).toEqual({ counted: 1, recounted: 1, buyers: 1, status: 'OPEN' })
    // The resident cancels the rolled-over order: the refund's transaction gives the participation back (paidOrders 0)
    // but leaves the group's paidParticipants at 1.
    const cancelled = await cloud.call('order', A, { action: 'cancel', orderId: held })
    expect(cancelled.ok).toBe(true)
    expect((await readDoc('participations', participationIdFor(next, A)))!.paidOrders).toBe(0)
    // The buyer holds no live paid order here any more: the counter should say so (it stays 1 until the counter heal).
    expect(await participants(next)).toEqual({ counted: 0, recounted: 0, buyers: 0, status: 'OPEN' })
    // Their own order paid: read from the participation (0 paid) → a new paid participant, on top of the stale 1.
    await pay(own)
    expect(await participants(next)).toEqual({ counted: 1, recounted: 1, buyers: 1, status: 'OPEN' })
  })

  it('REFUSED: 随时退 (voucher cancel) of the marked booking, of the second booking, then a new booking paid — the counter follows the buyers with a live paid booking throughout', async () => {
    const { groupBuyId: gb } = await publishService(cloud, [10], { limitPerUser: 3, minParticipants: 5 })
    const A = fresh('svcA')
    const B = fresh('svcB')
    const C = fresh('svcC')
    const book = (who: string) => joined(who, gb, { slotIndex: 0 })
    const cancel = async (who: string, orderId: string) => {
      const r = await cloud.call('voucher', who, { action: 'cancel', orderId })
      expect(r.ok).toBe(true)
    }
    // A: two bookings paid at once (the marked one unread, the other read from the participation). B: one booking.
    const [a1, a2] = [await book(A), await book(A)]
    expect((await readDoc('orders', a1))!.madeParticipation).toBe(true)
    expect((await readDoc('orders', a2))!.madeParticipation).toBeUndefined()
    const b1 = await book(B)
    await Promise.all([pay(a2), pay(a1), pay(b1)])
    expect(await participants(gb)).toEqual({ counted: 2, recounted: 2, buyers: 2, status: 'OPEN' })
    // A cancels one booking: still a paid participant. Then the other: no longer one.
    await cancel(A, a1)
    expect(await participants(gb)).toEqual({ counted: 2, recounted: 2, buyers: 2, status: 'OPEN' })
    await cancel(A, a2)
    expect(await participants(gb)).toEqual({ counted: 1, recounted: 1, buyers: 1, status: 'OPEN' })
    // A books again (the participation exists: not marked) and pays: a paid participant again, once.
    const a3 = await book(A)
    expect((await readDoc('orders', a3))!.madeParticipation).toBeUndefined()
    await pay(a3)
    expect(await participants(gb)).toEqual({ counted: 2, recounted: 2, buyers: 2, status: 'OPEN' })
    // C: the marked booking paid first (unread), cancelled, then C's second booking paid — counted once again.
    const c1 = await book(C)
    const c2 = await book(C)
    await pay(c1)
    expect(await participants(gb)).toMatchObject({ counted: 3, recounted: 3, buyers: 3 })
    await cancel(C, c1)
    expect(await participants(gb)).toMatchObject({ counted: 2, recounted: 2, buyers: 2 })
    await pay(c2)
    expect(await participants(gb)).toEqual({ counted: 3, recounted: 3, buyers: 3, status: 'OPEN' })
    for (const [who, n] of [[A, 1], [B, 1], [C, 1]] as const) expect((await readDoc('participations', participationIdFor(gb, who)))!.paidOrders).toBe(n)
    await healGroupBuyCounters(database(), Date.now())
    expect((await participants(gb)).counted).toBe(3)
  })
})

describe('crashes, expiry, the end, erasure', () => {
  it('REFUSED: a first join killed between its participation insert and its order insert, the quota heal, then its retry (same requestId) and a new join paid at once — counted once; the participation’s mark names an order that never existed', async () => {
    const gb = await createGroupBuy(cloud, { stock: 10, limitPerUser: 2, minParticipants: 2 })
    const A = fresh('crash')
    const requestId = newRequestId('afp')
    const killed = await dieAt(cloud, { collection: 'orders', match: gb }, () => join(cloud, A, gb, 1, requestId))
    expect(killed.died).toBe(true)
    const partId = participationIdFor(gb, A)
    const ghost = (await readDoc('participations', partId))!
    expect(ghost).toMatchObject({ quantity: 1, paidOrders: 0 })
    expect(await readDoc('orders', ghost.madeBy)).toBeNull()
    // The quota heal gives the cut join's unit back (no live join: applied directly).
    expect(await applyQuotaHeal(database(), await planQuotaHeal(database(), gb))).toBe(1)
    expect((await readDoc('participations', partId))!.quantity).toBe(0)
    // The retry lands on the same order id; neither it nor the new join made the participation: no mark.
    const retried = await join(cloud, A, gb, 1, requestId)
    expect(retried.ok).toBe(true)
    expect(retried.data.orderId).toBe(ghost.madeBy)
    const other = await joined(A, gb)
    for (const id of [retried.data.orderId, other]) expect((await readDoc('orders', id))!.madeParticipation).toBeUndefined()
    await Promise.all([pay(other), pay(retried.data.orderId)])
    expect(await participants(gb)).toEqual({ counted: 1, recounted: 1, buyers: 1, status: 'OPEN' })
    expect((await readDoc('participations', partId))!).toMatchObject({ paidOrders: 2, quantity: 2 })
  })

  it('REFUSED: a join killed after its participation, then a NEW join (another requestId) paid — once longer than a join runs, its count “takes the mark off” an order that does not exist (updates nothing) and counts the buyer once', async () => {
    const gb = await createGroupBuy(cloud, { stock: 10, limitPerUser: 3, minParticipants: 2 })
    const A = fresh('crash2')
    expect((await dieAt(cloud, { collection: 'orders', match: gb }, () => join(cloud, A, gb, 1, newRequestId('afp')))).died).toBe(true)
    const partId = participationIdFor(gb, A)
    const ghostId = (await readDoc('participations', partId))!.madeBy as string
    const [x, y] = [await joined(A, gb), await joined(A, gb)]
    // The cut join's order may still be on its way: the count waits (as long as a join can run), then goes on.
    expect((await cloud.pay.pay(x, { deliver: false })).ok).toBe(true)
    await database().collection('participations').doc(partId).update({ data: { madeAt: Date.now() - JOIN_RUNS_AT_MOST_MS - 1 } })
    expect(await cloud.pay.notify(x)).toBe(true)
    expect(await readDoc('orders', ghostId)).toBeNull()
    expect((await readDoc('participations', partId))!.madeBy).toBeUndefined()
    await pay(y)
    expect(await participants(gb)).toEqual({ counted: 1, recounted: 1, buyers: 1, status: 'OPEN' })
  })

  it('REFUSED: paid at expiry (the notice lost, the expiry sweep finds it paid) for the marked order; a marked order that expired unpaid, then the buyer’s next orders paid — each buyer counted once', async () => {
    const gb = await createGroupBuy(cloud, { stock: 20, limitPerUser: 3, minParticipants: 5 })
    const A = fresh('expA')
    const C = fresh('expC')
    const a1 = await joined(A, gb)
    const c1 = await joined(C, gb)
    expect((await cloud.pay.pay(a1, { deliver: false })).ok).toBe(true)
    const past = Date.now() - 1000
    for (const id of [a1, c1]) await database().collection('orders').doc(id).update({ data: { expiresAt: past } })
    const swept = await expireUnpaidOrders(database(), Date.now())
    expect(swept.paidAtExpiry).toBeGreaterThanOrEqual(1)
    expect(await readDoc('orders', a1)).toMatchObject({ status: 'PAID' })
    expect(await readDoc('orders', c1)).toMatchObject({ status: 'EXPIRED' })
    expect(await participants(gb)).toMatchObject({ counted: 1, recounted: 1, buyers: 1 })
    // A's second order; C's next orders (the participation still names the expired order).
    const a2 = await joined(A, gb)
    const [c2, c3] = [await joined(C, gb), await joined(C, gb)]
    expect((await readDoc('participations', participationIdFor(gb, C)))!.madeBy).toBe(c1)
    await Promise.all([pay(a2), pay(c3), pay(c2)])
    expect((await readDoc('orders', c1))!.madeParticipation).toBe(false)
    expect(await participants(gb)).toEqual({ counted: 2, recounted: 2, buyers: 2, status: 'OPEN' })
  })

  it('REFUSED: the marked order paid after its group ended FAILED (countedAfterEnd) — not counted into the decided group, refunded; the group keeps what it ended with', async () => {
    const gb = await createGroupBuy(cloud, { stock: 10, limitPerUser: 3, minParticipants: 2 })
    const A = fresh('lateA')
    const B = fresh('lateB')
    const a1 = await joined(A, gb)
    const b1 = await joined(B, gb)
    await pay(b1)
    await database().collection('groupBuys').doc(gb).update({ data: { endAt: Date.now() - 1000 } })
    expect(await endGroupBuy(database(), (await readDoc<GroupBuyDoc>('groupBuys', gb))!, Date.now())).toBe('FAILED')
    // A's payment arrives now, before the wind-up cancels the hold.
    expect((await cloud.pay.pay(a1, { deliver: false })).ok).toBe(true)
    expect(await applyPayment(database(), a1, Date.now())).toBe('REFUNDING')
    const g = (await readDoc('groupBuys', gb))!
    expect(g).toMatchObject({ status: 'FAILED', paidParticipants: 1 })
    expect(await readDoc('orders', a1)).toMatchObject({ status: 'REFUNDING', countedAfterEnd: true })
    // A re-sent notice changes nothing.
    expect(await applyPayment(database(), a1, Date.now())).not.toBe('PAID')
    expect((await readDoc('groupBuys', gb))!).toMatchObject({ status: 'FAILED', paidParticipants: 1 })
  })

  it('REFUSED: the buyer erased (deleteMe) between their marked join and its payment, then back under the same openid with a new order paid — the late payment is refunded, the new one counts the buyer once', async () => {
    const gb = await createGroupBuy(cloud, { stock: 10, limitPerUser: 3, minParticipants: 3 })
    const A = fresh('erase')
    const B = fresh('eraseB')
    const a1 = await joined(A, gb)
    await pay(await joined(B, gb))
    expect((await cloud.call('user', A, { action: 'deleteMe', confirm: true })).ok).toBe(true)
    expect(await readDoc('orders', a1)).toMatchObject({ status: 'CANCELLED' })
    // The pay sheet was still open: the money arrives and goes back.
    await pay(a1)
    expect((await readDoc('orders', a1))!.status).toMatch(/REFUND/)
    expect(await participants(gb)).toMatchObject({ counted: 1, recounted: 1, buyers: 1 })
    // The same WeChat user comes back: the participation (kept, re-linked) is found under the same id — not made.
    const a2 = await joined(A, gb)
    expect((await readDoc('orders', a2))!.madeParticipation).toBeUndefined()
    await pay(a2)
    expect(await participants(gb)).toEqual({ counted: 2, recounted: 2, buyers: 2, status: 'OPEN' })
  })
})

describe('a participation whose mark names an order elsewhere', () => {
  it('REFUSED: a requestId reused for another group (refused INPUT_INVALID after that group’s participation was made, naming the first group’s order) — each group still counts the buyer once', async () => {
    const g1 = await createGroupBuy(cloud, { stock: 10, limitPerUser: 3, minParticipants: 2 })
    const g2 = await createGroupBuy(cloud, { stock: 10, limitPerUser: 3, minParticipants: 2 })
    const A = fresh('reuse')
    const requestId = newRequestId('afp')
    const x = await join(cloud, A, g1, 1, requestId)
    expect(x.ok).toBe(true)
    const reused = await join(cloud, A, g2, 1, requestId)
    expect(reused.ok ? 'ok' : reused.error?.code).toBe('INPUT.INVALID')
    // g2's participation was made by the refused join and names g1's order; its hold was given back.
    expect(await readDoc('participations', participationIdFor(g2, A))).toMatchObject({ madeBy: x.data.orderId, quantity: 0, paidOrders: 0 })
    expect((await readDoc('groupBuys', g2))!).toMatchObject({ stockLeft: 10, reservedQuantity: 0 })
    const y = await joined(A, g2)
    expect((await readDoc('orders', y))!.madeParticipation).toBeUndefined()
    await pay(y)
    // The count in g2 took the mark off g1's order (a write across groups): g1's order is then counted from its participation.
    expect((await readDoc('orders', x.data.orderId))!.madeParticipation).toBe(false)
    const x2 = await joined(A, g1)
    await Promise.all([pay(x.data.orderId), pay(x2)])
    expect(await participants(g1)).toEqual({ counted: 1, recounted: 1, buyers: 1, status: 'OPEN' })
    expect(await participants(g2)).toEqual({ counted: 1, recounted: 1, buyers: 1, status: 'OPEN' })
  })
})

describe('roll-over racing the marked order’s payment', () => {
  it('REFUSED: the roll-over commits between the marked order’s count reading itself and its writes — the count is retried, reads the participation, and does not count the buyer again', async () => {
    const A = fresh('rr1')
    const { held, failing, next } = await heldForNext('首单审计 交错橙一', A, { minParticipants: 2 })
    const own = await joined(A, next)
    expect((await readDoc('orders', own))!.madeParticipation).toBe(true)
    await failAndHold(failing)
    expect((await cloud.pay.pay(own, { deliver: false })).ok).toBe(true)
    const race = racingAt({ collection: 'orders', id: own }, async () => {
      await processRollOvers(database(), Date.now())
    })
    expect(await applyPayment(race.db, own, Date.now())).toBe('PAID')
    expect(race.attempts()).toBeGreaterThanOrEqual(2)
    expect(await readDoc('orders', held)).toMatchObject({ groupBuyId: next, status: 'PAID' })
    expect(await participants(next)).toEqual({ counted: 1, recounted: 1, buyers: 1, status: 'OPEN' })
    expect((await readDoc('participations', participationIdFor(next, A)))!.paidOrders).toBe(2)
  })

  it('REFUSED: the marked order’s payment (unread) commits between the roll-over reading the participation and its writes — the move is retried and does not count the buyer again', async () => {
    const A = fresh('rr2')
    const { held, failing, next } = await heldForNext('首单审计 交错橙二', A, { minParticipants: 2 })
    const own = await joined(A, next)
    await failAndHold(failing)
    const race = racingAt({ collection: 'participations', id: participationIdFor(next, A) }, () => pay(own))
    expect((await processRollOvers(race.db, Date.now())).moved).toBe(1)
    expect(race.attempts()).toBeGreaterThanOrEqual(2)
    expect(await readDoc('orders', held)).toMatchObject({ groupBuyId: next, status: 'PAID' })
    expect(await participants(next)).toEqual({ counted: 1, recounted: 1, buyers: 1, status: 'OPEN' })
  })
})

describe('a crowd', () => {
  it('REFUSED: many buyers — single orders, twin joins, second orders, held orders rolling in — all paid while the roll-overs run, at once: counter = recount = distinct paying buyers', async () => {
    const title = '首单审计 人群橙'
    const failing = await createGroupBuy(cloud, { title, priceFen: 1000, minParticipants: 100, limitPerUser: 5, stock: 200 })
    const next = await createGroupBuy(cloud, { title, priceFen: 1000, minParticipants: 100, limitPerUser: 5, stock: 300 })
    const rollers = Array.from({ length: 6 }, (_, i) => fresh(`roller${i}`))
    const others = Array.from({ length: 10 }, (_, i) => fresh(`crowd${i}`))
    for (const r of rollers) await pay(await joined(r, failing, { onFail: 'ROLL_OVER' }))
    const orders: string[] = []
    // Rollers: 0–2 orders of their own in the next group; others: one, two in turn, or two at once (twins).
    for (const [i, r] of rollers.entries()) for (let k = 0; k < i % 3; k++) orders.push(await joined(r, next))
    for (const [i, b] of others.entries()) {
      if (i % 3 === 0) orders.push(await joined(b, next))
      else if (i % 3 === 1) orders.push(await joined(b, next), await joined(b, next))
      else orders.push(...(await Promise.all([joined(b, next), joined(b, next)])))
    }
    await failAndHold(failing)
    // Every payment and two roll-over passes at once (a held order's move races its owner's marked payment).
    const shuffled = [...orders].sort(() => Math.random() - 0.5)
    const passes: Array<Promise<{ moved: number }>> = [processRollOvers(database(), Date.now()), processRollOvers(database(), Date.now())]
    await Promise.all([...shuffled.map((id) => pay(id)), ...passes])
    // Each held order moved once, by one of the two passes, while the payments ran.
    expect((await Promise.all(passes)).reduce((n, p) => n + p.moved, 0)).toBe(rollers.length)
    expect(await readAll('orders', { groupBuyId: failing, status: 'PAID' })).toHaveLength(0)
    const all = rollers.length + others.length
    expect(await participants(next)).toEqual({ counted: all, recounted: all, buyers: all, status: 'OPEN' })
    for (const b of [...rollers, ...others]) {
      const mine = (await readAll('orders', { groupBuyId: next, openid: b })).filter((o: Doc) => LIVE_PAID.includes(o.status)).length
      expect((await readDoc('participations', participationIdFor(next, b)))!.paidOrders).toBe(mine)
    }
    await healGroupBuyCounters(database(), Date.now())
    expect((await participants(next)).counted).toBe(all)
  })
})
