import type { BalanceView, LedgerEntryView } from '@shared/contracts/ledger'
import { PARTIES, type Party, type Shares } from '@shared/domain/ledger'
import { bookRefund } from '@server/ledger/ledger-flow'
import { DEMO, database, join, newRequestId, readAll, readDoc, type TestCloud } from './cloud'

/** A 帮卖 group buy as createFromOffer will write it (that action lands with #9): the offer's terms fixed on it. */
export async function offerGroupBuy(cloud: TestCloud, terms: { priceFen: number; supplyPriceFen: number; commissionBp: number; stock?: number; minParticipants?: number }): Promise<string> {
  const now = Date.now()
  const _id = `gboffer-${newRequestId('g')}`
  await database().collection('groupBuys').add({
    data: {
      _id, title: '帮卖测试品', description: '', images: [], unit: '份', priceFen: terms.priceFen, originalPriceFen: null, stock: terms.stock ?? 100,
      stockLeft: terms.stock ?? 100, reservedQuantity: 0, soldQuantity: 0, minParticipants: terms.minParticipants ?? 1, paidParticipants: 0, limitPerUser: 10,
      startAt: now - 1000, endAt: now + 3600_000, pickupPointId: cloud.pickupPointId, creatorOpenid: DEMO.leader, creatorRole: 'leader', status: 'OPEN',
      createdAt: now, succeededAt: null, settledAt: 0, arrivedAt: null,
      offerId: 'offer-test', merchantId: DEMO.merchant, supplyPriceFen: terms.supplyPriceFen, commissionBp: terms.commissionBp,
    },
  })
  return _id
}

/** Time passes until the group buy has ended, and settle closes it (a supply group buy arrives only after). */
export async function closeGroupBuy(cloud: TestCloud, groupBuyId: string): Promise<void> {
  await database().collection('groupBuys').doc(groupBuyId).update({ data: { endAt: Date.now() - 1000 } })
  await cloud.fireTimer('settle')
  const gb = await readDoc('groupBuys', groupBuyId)
  if (gb?.status !== 'CLOSED') throw new Error(`group buy not closed: ${gb?.status}`)
}

/** Join and pay; returns the order id. */
export async function paidOrder(cloud: TestCloud, openid: string, groupBuyId: string, quantity: number): Promise<string> {
  const res = await join(cloud, openid, groupBuyId, quantity)
  if (!res.ok) throw new Error(`join: ${res.error?.code} ${res.error?.message}`)
  const paid = await cloud.pay.pay(res.data.orderId)
  if (!paid.ok) throw new Error(`pay: ${paid.reason}`)
  return res.data.orderId
}

/** The goods arrive (the leader signs off) and the resident's code is verified at the counter. */
export async function pickUp(cloud: TestCloud, openid: string, groupBuyId: string, orderId: string) {
  const arrived = await cloud.call('groupBuy', DEMO.leader, { action: 'markArrived', groupBuyId })
  if (!arrived.ok) throw new Error(`markArrived: ${arrived.error?.code}`)
  const order = await cloud.call<{ order: { pickupCode: string | null } }>('order', openid, { action: 'get', orderId })
  const code = order.data.order.pickupCode
  if (!code) throw new Error('no pickup code')
  return cloud.call('pickup', DEMO.clerk, { action: 'verify', code })
}

/**
 * A partial refund as the generalised refunds (#9, lead) will do it: WeChat Pay refunds r under its own refund
 * number, and the confirmation is booked by the same function processDueRefunds calls.
 */
export async function partialRefund(cloud: TestCloud, orderId: string, amountFen: number, refundId = `rp${newRequestId('r').replace(/-/g, '')}`.slice(0, 32)) {
  const order = (await readDoc('orders', orderId))!
  const res = await cloud.pay.api().refund({ out_trade_no: orderId, out_refund_no: refundId, refund_fee: amountFen, total_fee: order.amountFen })
  if (res.resultCode !== 'SUCCESS') throw new Error(`sim refund refused: ${JSON.stringify(res)}`)
  const doc = { _id: refundId, kind: 'order', orderId, openid: order.openid, groupBuyId: order.groupBuyId, amountFen, reason: '缺货退款', status: 'DONE', attempts: 1, nextAttemptAt: 0, lastError: null, createdAt: Date.now(), doneAt: Date.now() }
  await database().collection('refunds').add({ data: doc })
  await database().collection('orders').doc(orderId).update({ data: { refundedFen: database().command.inc(amountFen) } })
  return bookRefund(database(), doc as never, Date.now())
}

export async function orderEntries(cloud: TestCloud, orderId: string): Promise<LedgerEntryView[]> {
  const res = await cloud.call<{ items: LedgerEntryView[] }>('ledger', DEMO.admin, { action: 'orderEntries', orderId })
  if (!res.ok) throw new Error(`orderEntries: ${res.error?.code}`)
  return res.data.items
}

/** Each party's net share of an order, summed from its entries. */
export function netByParty(entries: readonly Pick<LedgerEntryView, 'party' | 'amountFen'>[]): Shares {
  const out = Object.fromEntries(PARTIES.map((p) => [p, 0])) as Shares
  for (const e of entries) out[e.party as Party] += e.amountFen
  return out
}

export async function balanceOf(cloud: TestCloud, openid: string, as?: 'leader' | 'merchant' | 'store'): Promise<BalanceView> {
  const res = await cloud.call<BalanceView>('ledger', openid, { action: 'balance', ...(as ? { as } : {}) })
  if (!res.ok) throw new Error(`balance: ${res.error?.code}`)
  return res.data
}

/** Every entry of one account, straight from the collection. */
export function accountEntries(account: string) {
  return readAll<{ amountFen: number; state: string; kind: string }>('ledgerEntries', { account })
}
