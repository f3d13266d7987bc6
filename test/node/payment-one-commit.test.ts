/**
 * #23: a fresh payment books its ledger sale inside its count's transaction, and a payment nothing follows is
 * finished there too (with the mark of its 成团 message, queued by settle). The attacks on that: another path got
 * there between PENDING_PAYMENT → PAID and the count — settle's ledger catch-up booked the sale (a keyed write the
 * transaction finds taken), or the payment that won 成团 queued the 成团 message for every PAID order. The payment
 * must still be counted once, booked once and finished, never counted twice or left half done.
 */
import { moveOrder } from '@server/orders/moves'
import { bookSale } from '@server/ledger/ledger-flow'
import { finishPayment, notifySucceeded } from '@server/payments/payment-flow'
import { participationIdFor } from '@server/ids'
import { copyRidingSales, createGroupBuy, database, join, readAll, readDoc, readLedger, testCloudForThisFile, type Doc } from './support/cloud'

jest.setTimeout(60_000)
const cloud = testCloudForThisFile()

/**
 * A resident joins and pays, and the payment is left as the ordinary steps leave it when cut off right after
 * PENDING_PAYMENT → PAID (nothing else written). Since #23 the usual payment makes that move inside its count's
 * transaction, so only a payment whose transaction found a keyed write taken goes this way; the state is made here
 * by the orders room's own move, as those steps make it.
 */
async function paidOnly(groupBuyId: string, openid: string): Promise<Doc> {
  const joined = await join(cloud, openid, groupBuyId, 1)
  expect(joined.ok).toBe(true)
  const orderId = joined.data.orderId as string
  expect((await cloud.pay.pay(orderId, { deliver: false })).ok).toBe(true)
  const now = Date.now()
  expect(await moveOrder(database(), orderId, 'PENDING_PAYMENT', 'PAID', { paidAt: now, transactionId: `by-hand-${orderId}`, paymentFinishedAt: 0, paidIn: groupBuyId })).toBe(true)
  const order = (await readDoc('orders', orderId))!
  expect({ status: order.status, countedAt: order.countedAt ?? null, booked: !!(await readLedger(orderId)) }).toEqual({ status: 'PAID', countedAt: null, booked: false })
  return order
}

async function counts(groupBuyId: string, orderId: string, openid: string) {
  // The sales' entries as settle keeps them: copied off their orders (#23, server/ledger/sale-entries.ts).
  await copyRidingSales()
  const gb = (await readDoc('groupBuys', groupBuyId))!
  const order = (await readDoc('orders', orderId))!
  return {
    paidParticipants: gb.paidParticipants, soldQuantity: gb.soldQuantity, paidOrders: (await readDoc('participations', participationIdFor(groupBuyId, openid)))!.paidOrders,
    sales: (await readAll('ledgerEntries', { orderId, kind: 'SALE' })).length, booked: !!(await readLedger(orderId)),
    counted: order.countedAt > 0, finished: order.paymentFinishedAt > 0,
  }
}

it('a sale settle’s catch-up booked between the PAID move and the count: counted once, booked once, finished', async () => {
  const groupBuyId = await createGroupBuy(cloud, { minParticipants: 3 })
  const order = await paidOnly(groupBuyId, 'one-commit-a')
  // settle's catch-up finds a PAID order without a sale and books it, while the payment is still in flight …
  expect(await bookSale(database(), order._id, Date.now())).toBe('BOOKED')
  await copyRidingSales()
  const entries = (await readAll('ledgerEntries', { orderId: order._id, kind: 'SALE' })).length
  expect(entries).toBeGreaterThan(0)
  // … then the in-flight payment goes on as the call that moved it to PAID: its transaction finds the sale on the order.
  expect(await finishPayment(database(), order as never, Date.now(), { justPaid: true })).toBe('PAID')
  const after = await counts(groupBuyId, order._id, order.openid)
  expect(after).toEqual({ paidParticipants: 1, soldQuantity: 1, paidOrders: 1, sales: entries, booked: true, counted: true, finished: true })
  // A replay (a re-sent notice, settle) changes nothing.
  expect(await finishPayment(database(), (await readDoc('orders', order._id)) as never, Date.now())).toBe('PAID')
  expect(await counts(groupBuyId, order._id, order.openid)).toEqual(after)
})

it('a 成团 message the threshold’s payer queued for this PAID order first: one message, counted once, sale booked, finished', async () => {
  const groupBuyId = await createGroupBuy(cloud, { minParticipants: 1 })
  const first = await join(cloud, 'one-commit-first', groupBuyId, 1)
  expect((await cloud.pay.pay(first.data.orderId as string)).ok).toBe(true)
  expect((await readDoc('groupBuys', groupBuyId))!.status).toBe('SUCCEEDED')
  const late = await paidOnly(groupBuyId, 'one-commit-late')
  // The threshold's payer tells every PAID order (this one, not counted yet, among them).
  await notifySucceeded(database(), (await readDoc('groupBuys', groupBuyId)) as never, Date.now())
  expect(await readDoc('outbox', `succeeded_${late._id}`)).not.toBeNull()
  expect(await finishPayment(database(), late as never, Date.now(), { justPaid: true })).toBe('PAID')
  expect(await counts(groupBuyId, late._id, late.openid)).toEqual({ paidParticipants: 2, soldQuantity: 2, paidOrders: 1, sales: expect.any(Number), booked: true, counted: true, finished: true })
  expect((await readAll('outbox', { toOpenid: late.openid })).length).toBe(1)
  // Its in-app notice comes with settle's next run (#23), once.
  await cloud.fireTimer('settle')
  expect((await readAll('notices', { openid: late.openid })).length).toBe(1)
})

it('an ordinary payment into a group that has succeeded is counted, booked, told and finished in one transaction', async () => {
  const groupBuyId = await createGroupBuy(cloud, { minParticipants: 1 })
  const first = await join(cloud, 'one-commit-b1', groupBuyId, 1)
  expect((await cloud.pay.pay(first.data.orderId as string)).ok).toBe(true)
  const second = await join(cloud, 'one-commit-b2', groupBuyId, 1)
  const orderId = second.data.orderId as string
  expect((await cloud.pay.pay(orderId)).ok).toBe(true)
  const order = (await readDoc('orders', orderId))!
  // One write set countedAt, paymentFinishedAt and the 成团 message's mark: the same transaction.
  expect({ status: order.status, finishedWithCount: order.paymentFinishedAt === order.countedAt && order.countedAt > 0, toldWithCount: order.succeededDueAt === order.countedAt }).toEqual({ status: 'PAID', finishedWithCount: true, toldWithCount: true })
  // settle's next run queues the message (#23: the mark, not an outbox insert, in the payment) and its notice.
  await cloud.fireTimer('settle')
  expect((await readDoc('outbox', `succeeded_${orderId}`))!.template).toBe('GROUP_SUCCEEDED')
  expect(await readDoc('notices', `succeeded_${orderId}`)).not.toBeNull()
  expect(await readLedger(orderId)).not.toBeNull()
})
