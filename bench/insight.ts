import { chinaDayNumber } from '@shared/domain/calendar'
import { addBuyerDay, addRefund, addSale, type BuyerDays, type RefundsByDay, type SalesByDay } from '@shared/domain/insight'
import { checkRollups } from '@server/insight/rollups'
import { participationIdFor } from '@server/ids'
import type { LocalCloud } from '../local-cloud/host'
import { percentile } from './crowd'

type Reply = { ok: boolean; data?: Record<string, unknown>; error?: { code: string } }
const DAY = 86_400_000
const MERCHANT = 'demo-merchant'

/**
 * Issue #13's dashboard at scale. Ten of the merchant's group buys (supply group buys at both seeded points) and
 * the seeded leader's own group buys; orders are written through the SDK as the functions would store them,
 * paid over the last 30 days, with a confirmed refund for every 20th, and the group buys' day rollups (#23) moved
 * by the increments the payment's and the refund's transactions make, and each buyer's participation by the count's
 * (`paidOrders`, and `paidDays`, the repeat rate's rollup). At the end each of the merchant's group buys' rollups is
 * compared with its recount from the orders and refunds (server/insight/rollups.ts).
 *
 * Two growths are timed: the collection growing around the merchant (their 1k orders among 1k → 100k), which
 * indexed aggregation must not feel, and the merchant's own range growing 1k → 100k orders, which any
 * aggregation must read (reported, for what the database does per order).
 */
export async function dashboardAtScale(cloud: LocalCloud): Promise<{ mine1kOf1k: number; mine1kOf100k: number; mine100k: number; check: { salesFen: number; expectedFen: number; rollupEqualsRecount: boolean; recountedOrders: number } }> {
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  const db = require('wx-server-sdk').database() as DB.Database
  const me = (await cloud.invoke('user', { action: 'me' }, 'demo-leader')) as { data: { boundPickupPointId: string } }
  const point = me.data.boundPickupPointId
  const list = (await cloud.invoke('groupBuy', { action: 'list', pickupPointId: point }, 'demo-leader')) as { data: { items: Array<{ groupBuyId: string; merchantId: string | null }> } }
  // The seed's own 帮卖 group buy is the merchant's too: the "others" are only group buys of nobody's supply.
  const others = list.data.items.filter((g) => g.merchantId !== MERCHANT).map((g) => g.groupBuyId)
  if (others.length === 0) throw new Error('bench: the seed has no group buy outside the merchant to fill')

  // The merchant's offers and group buys (stored shapes; the supply flow itself is tested in test/node).
  const now = Date.now()
  for (const o of ['bench-offer-1', 'bench-offer-2']) {
    await db.collection('offers').add({ data: { _id: o, productId: `p-${o}`, merchantId: MERCHANT, product: { name: o, unit: '盒', spec: '', category: '水果', description: '', images: [] }, createdAt: now } })
  }
  const mine: string[] = []
  for (let i = 0; i < 10; i++) {
    const res = (await cloud.invoke('groupBuy', { action: 'create', title: `帮卖 ${i}`, priceFen: 1990, stock: 1_000_000, minParticipants: 1, limitPerUser: 999, startAt: now - 1000, endAt: now + DAY, pickupPointId: point }, 'demo-leader')) as { data: { groupBuyId: string } }
    const id = res.data.groupBuyId
    await db.collection('groupBuys').doc(id).update({ data: { merchantId: MERCHANT, offerId: i % 2 ? 'bench-offer-1' : 'bench-offer-2', startAt: now - 40 * DAY } })
    mine.push(id)
  }

  let seq = 0
  let expectedFen = 0
  const rollups: Record<string, { sales: SalesByDay; refunds: RefundsByDay }> = {}
  // The buyers' participations: made by their join, then moved by each payment's count (paidOrders, paidDays).
  const parts = new Map<string, { groupBuyId: string; openid: string; quantity: number; paidOrders: number; paidDays: BuyerDays }>()
  const madeParts = new Set<string>()
  async function fill(groupBuyIds: string[], count: number, countsForMerchant: boolean) {
    for (let i = 0; i < count; i += 500) {
      const writes: unknown[] = []
      for (let k = i; k < Math.min(count, i + 500); k++) {
        const n = seq++
        const paidAt = now - (n % 30) * DAY - 3600_000
        const quantity = 1 + (n % 3)
        if (countsForMerchant) expectedFen += quantity * 1990
        const orderId = `dash${n}`
        const groupBuyId = groupBuyIds[n % groupBuyIds.length]
        const refunded = n % 20 === 0
        const openid = `buyer-${n % 3000}`
        writes.push(db.collection('orders').add({
          data: {
            _id: orderId, openid, requestId: `r${n}`, groupBuyId, paidIn: groupBuyId, pickupPointId: point, title: '压测', quantity,
            priceFen: 1990, amountFen: quantity * 1990, status: 'PICKED_UP', createdAt: paidAt - 60_000, expiresAt: paidAt + 900_000, paidAt, transactionId: `t${n}`, countedAt: paidAt,
            readyAt: paidAt, pickedUpAt: paidAt, refundedAt: refunded ? paidAt + 1000 : null, pickupCode: null, pickupExpiresAt: null, nickname: null,
            ...(refunded ? { refundIds: [`rs${n}`], refundedFen: 1990 } : {}),
          },
        }))
        // What the payment's count transaction (and the refund's) add to the group buy's day rollups.
        const partId = participationIdFor(groupBuyId, openid)
        const part = parts.get(partId) ?? parts.set(partId, { groupBuyId, openid, quantity: 0, paidOrders: 0, paidDays: {} }).get(partId)!
        part.quantity += quantity
        part.paidOrders += 1
        addBuyerDay(part.paidDays, chinaDayNumber(paidAt))
        const r = (rollups[groupBuyId] ??= { sales: {}, refunds: {} })
        addSale(r.sales, chinaDayNumber(paidAt), quantity, quantity * 1990)
        if (refunded) {
          addRefund(r.refunds, chinaDayNumber(paidAt + 1000), 1990)
          writes.push(db.collection('refunds').add({
            data: { _id: `rs${n}`, kind: 'order', orderId, openid, groupBuyId, amountFen: 1990, totalFen: quantity * 1990, partial: true, reason: 'bench', status: 'DONE', attempts: 1, nextAttemptAt: paidAt, lastError: null, createdAt: paidAt, doneAt: paidAt + 1000, appliedAt: paidAt + 1000 },
          }))
        }
      }
      await Promise.all(writes)
    }
    // The increments, summed per group buy (the same paths the transactions move, one update per group buy).
    const _ = db.command
    for (const [groupBuyId, r] of Object.entries(rollups)) {
      const data: Record<string, unknown> = {}
      for (const [day, d] of Object.entries(r.sales)) for (const [f, v] of Object.entries(d)) data[`salesByDay.${day}.${f}`] = _.inc(v)
      for (const [day, fen] of Object.entries(r.refunds)) data[`refundsByDay.${day}`] = _.inc(fen)
      await db.collection('groupBuys').doc(groupBuyId).update({ data })
      delete rollups[groupBuyId]
    }
    // The participations: the join's insert the first time, then the counts' increments (summed per participation).
    const entries = [...parts.entries()]
    for (let i = 0; i < entries.length; i += 500) {
      await Promise.all(entries.slice(i, i + 500).map(([id, p]) => {
        if (!madeParts.has(id)) return db.collection('participations').add({ data: { _id: id, ...p } })
        const data: Record<string, unknown> = { quantity: _.inc(p.quantity), paidOrders: _.inc(p.paidOrders) }
        for (const [day, count] of Object.entries(p.paidDays)) data[`paidDays.${day}`] = _.inc(count)
        return db.collection('participations').doc(id).update({ data })
      }))
    }
    for (const id of parts.keys()) madeParts.add(id)
    parts.clear()
  }

  const time = async (runs = 20) => {
    const event = { action: 'dashboard', from: now - 30 * DAY, to: now + 3600_000 }
    const first = (await cloud.invoke('insight', event, MERCHANT)) as Reply
    if (!first.ok) throw new Error(`dashboard: ${first.error?.code}`)
    const times: number[] = []
    for (let i = 0; i < runs; i++) {
      const t = performance.now()
      await cloud.invoke('insight', event, MERCHANT)
      times.push(performance.now() - t)
    }
    times.sort((a, b) => a - b)
    return { p50: percentile(times, 50), reply: first }
  }

  await fill(mine, 1_000, true)
  const a = await time()
  await fill(others, 99_000, false)
  const b = await time()
  await fill(mine, 99_000, true)
  const c = await time(5)
  const days = (c.reply.data as { days: Array<{ salesFen: number }> }).days
  // The rollups proved: each of the merchant's group buys' stored rollups against a recount of its orders and refunds.
  let rollupEqualsRecount = true
  let recountedOrders = 0
  for (const id of mine) {
    const r = await checkRollups(db, id)
    rollupEqualsRecount &&= r.equal
    recountedOrders += Object.values(r.recount.sales).reduce((n, d) => n + d.orders, 0)
  }
  return { mine1kOf1k: a.p50, mine1kOf100k: b.p50, mine100k: c.p50, check: { salesFen: days.reduce((s, d) => s + d.salesFen, 0), expectedFen, rollupEqualsRecount, recountedOrders } }
}
