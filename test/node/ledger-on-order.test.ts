/**
 * #23: an order's ledger position lives on the order. The payment's transaction and the hand-over's transaction
 * already write the order, so the sale and the pickup no longer read or write a document of their own. The attacks:
 * a refund booked while the counter hands the order over (the tier volume and the split must stay exact), and the
 * one-off move of positions stored the old way (run twice, or over an order that has one already). And a short
 * sign-off, which readies order by order, still writes where to collect on each order.
 */
import { ledgerOf, type LedgerOrderDoc } from '@server/ledger/model'
import { copyRidingSales, DEMO, atTheSeam, createGroupBuy, database, readAll, readDoc, readLedger, testCloudForThisFile, unbookLedger, type Doc } from './support/cloud'
import { closeGroupBuy, offerGroupBuy, paidOrder, partialRefund } from './support/ledger'

jest.setTimeout(120_000)
const cloud = testCloudForThisFile()

/** The collections a call touches at the database seam, inside a transaction and outside. */
async function touched<T>(fn: () => Promise<T>): Promise<{ result: T; inTx: Set<string>; all: Set<string> }> {
  const { result, calls } = await atTheSeam(cloud, fn)
  const named = calls.filter((c) => c.collection)
  return { result, inTx: new Set(named.filter((c) => c.inTransaction).map((c) => c.collection)), all: new Set(named.map((c) => c.collection)) }
}

async function codeOf(orderId: string): Promise<string> {
  return (await readDoc<{ pickupCode: string }>('orders', orderId))!.pickupCode
}

async function mismatchesOf(orderId: string): Promise<string[]> {
  const res = await cloud.call<{ mismatches: Array<{ orderId: string | null; kind: string }> }>('admin', DEMO.admin, { action: 'reconcile' })
  return res.data.mismatches.filter((m) => m.orderId === orderId).map((m) => m.kind)
}

it('the payment books the sale on the order, and the hand-over books the pickup there: no ledger document of its own', async () => {
  // A 帮卖 sale (a leader's own group buy adds nothing to the tier volume: money-rules.test.ts).
  const groupBuyId = await offerGroupBuy(cloud, { minParticipants: 1, priceFen: 2000, supplyPriceFen: 1000, commissionBp: 1000 })
  const paying = await touched(() => paidOrder(cloud, 'lo-one', groupBuyId, 2))
  const orderId = paying.result
  expect(paying.all.has('ledgerOrders')).toBe(false)
  const lo = (await readLedger<Omit<LedgerOrderDoc, '_id'>>(orderId))!
  expect(lo).toMatchObject({ amountFen: 4000, quantity: 2, released: false, pickedUpAt: null, refundedFen: 0 })
  const frozen = Object.values(lo.position.frozen).reduce((s, x) => s + x, 0)
  expect(frozen).toBe(4000)
  // Its four entries ride on the order (saleDueAt) until settle copies them — exactly what the position says (#23).
  expect((await readDoc<Doc>('orders', orderId))!.saleDueAt).toBeGreaterThan(0)
  expect(await readAll('ledgerEntries', { orderId })).toEqual([])
  await copyRidingSales()
  expect((await readDoc<Doc>('orders', orderId))!.saleDueAt).toBe(0)
  expect((await readAll('ledgerEntries', { orderId, kind: 'SALE' })).reduce((s, e) => s + (e.amountFen as number), 0)).toBe(4000)
  // The books ride on the order but never reach its owner's view: no shares, no accounts, no terms.
  const view = (await cloud.call<{ order: Doc }>('order', 'lo-one', { action: 'get', orderId })).data.order
  expect(view.orderId).toBe(orderId)
  for (const word of ['ledger', 'accounts', 'terms', 'position', DEMO.leader]) expect(JSON.stringify(view)).not.toContain(word)

  await closeGroupBuy(cloud, groupBuyId)
  expect((await cloud.call('groupBuy', DEMO.leader, { action: 'markArrived', groupBuyId })).ok).toBe(true)
  const code = await codeOf(orderId)
  const handing = await touched(() => cloud.call('pickup', DEMO.clerk, { action: 'verify', code }))
  expect(handing.result.ok).toBe(true)
  // The hand-over's transaction: the order (status, ledger pickup, shipping mark, its audit line and points entry —
  // settle copies those, #23) and the member's balance (the 待提货 number is a count).
  expect([...handing.inTx].sort()).toEqual(['members', 'orders'])
  expect(handing.all.has('ledgerOrders')).toBe(false)
  const order = (await readDoc<Doc>('orders', orderId))!
  expect(ledgerOf(order as never)).toMatchObject({ _id: orderId, pickedUpAt: order.pickedUpAt, tierFen: 4000 })
  expect(await mismatchesOf(orderId)).toEqual([])
})

it('a refund confirmed while the counter hands the order over: booked once each, the tier volume and the split exact', async () => {
  for (let round = 0; round < 4; round++) {
    const groupBuyId = await offerGroupBuy(cloud, { minParticipants: 1, priceFen: 1500, supplyPriceFen: 700, commissionBp: 1000 })
    const orderId = await paidOrder(cloud, `lo-race-${round}`, groupBuyId, 2)
    await closeGroupBuy(cloud, groupBuyId)
    expect((await cloud.call('groupBuy', DEMO.leader, { action: 'markArrived', groupBuyId })).ok).toBe(true)
    const code = await codeOf(orderId)
    const [verified] = await Promise.all([cloud.call('pickup', DEMO.clerk, { action: 'verify', code }), partialRefund(orderId, 700)])
    expect(verified.ok).toBe(true)
    const lo = (await readLedger<Omit<LedgerOrderDoc, '_id'>>(orderId))!
    expect(lo.refundedFen).toBe(700)
    expect(lo.refundIds).toHaveLength(1)
    expect(lo.pickedUpAt).toBeGreaterThan(0)
    // Picked up and refunded in the same month: what counts toward the leader's tier is what the order kept.
    expect(lo.tierFen).toBe(3000 - 700)
    expect(await mismatchesOf(orderId)).toEqual([])
  }
})

describe('admin.migrateLedgerOrders: positions stored the old way move onto their orders, once', () => {
  it('copies each, overwrites none, answers nothing new the second time, and is the admin’s alone', async () => {
    const groupBuyId = await createGroupBuy(cloud, { minParticipants: 1, priceFen: 1200 })
    const legacy = await paidOrder(cloud, 'lo-mig-a', groupBuyId, 1)
    const current = await paidOrder(cloud, 'lo-mig-b', groupBuyId, 1)
    // As an environment from before #23 holds it: the position in ledgerOrders, none on the order.
    const stored = (await readLedger<Doc>(legacy))!
    await database().collection('ledgerOrders').add({ data: { _id: legacy, ...stored } })
    await unbookLedger(legacy)
    // A stale copy of an order that has its position on the order already must not overwrite it.
    const kept = (await readLedger<Doc>(current))!
    await database().collection('ledgerOrders').add({ data: { _id: current, ...kept, refundedFen: 999 } })

    expect((await cloud.call('admin', DEMO.leader, { action: 'migrateLedgerOrders' })).error?.code).toBe('AUTH.FORBIDDEN')
    expect(await readLedger(legacy)).toBeNull()

    const first = await cloud.call<{ scanned: number; moved: number; nextCursor: string | null }>('admin', DEMO.admin, { action: 'migrateLedgerOrders' })
    expect(first.data).toEqual({ scanned: 2, moved: 1, nextCursor: null })
    expect(await readLedger(legacy)).toEqual(stored)
    expect(await readLedger(current)).toEqual(kept)
    const again = await cloud.call<{ moved: number }>('admin', DEMO.admin, { action: 'migrateLedgerOrders' })
    expect(again.data.moved).toBe(0)
    expect(await mismatchesOf(legacy)).toEqual([])
  })
})

it('a short sign-off readies order by order and still writes where to collect on each: its pickup-code page reads the order alone', async () => {
  const groupBuyId = await createGroupBuy(cloud, { minParticipants: 1, priceFen: 1000 })
  const a = await paidOrder(cloud, 'lo-short-a', groupBuyId, 2)
  const b = await paidOrder(cloud, 'lo-short-b', groupBuyId, 2)
  expect((await cloud.call('groupBuy', DEMO.leader, { action: 'markArrived', groupBuyId, receivedQuantity: 3 })).ok).toBe(true)
  for (const [openid, orderId] of [['lo-short-a', a], ['lo-short-b', b]] as const) {
    const stored = (await readDoc<Doc>('orders', orderId))!
    expect(stored.status).toBe('READY_FOR_PICKUP')
    expect(stored.readyBatch).toBeUndefined()
    expect((stored.pickup as { place: { pickupPointId: string } | null }).place?.pickupPointId).toBe(cloud.pickupPointId)
    const before = cloud.db.stats.operations
    const page = await cloud.call<{ order: Doc }>('order', openid, { action: 'get', orderId })
    expect(cloud.db.stats.operations - before).toBe(1)
    expect(page.data.order.pickupCode).toBe(stored.pickupCode)
  }
})
