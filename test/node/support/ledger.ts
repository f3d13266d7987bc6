import type { BalanceView, LedgerEntryView } from '@shared/contracts/ledger'
import { PARTIES, type Party, type Shares } from '@shared/domain/ledger'
import { processDueRefunds, requestPartialRefund } from '@server/payments/refunds'
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
 * A partial refund (after-sales) through the refunds module: requested under its own refund number, then worked
 * by processDueRefunds, which has WeChat Pay refund it and calls the ledger's hook on confirmation.
 */
export async function partialRefund(orderId: string, amountFen: number, refundId = `ra${newRequestId('r').replace(/-/g, '')}`.slice(0, 32)): Promise<string> {
  const order = (await readDoc('orders', orderId))!
  await requestPartialRefund(database(), order as never, { refundId, amountFen, reason: '售后退款' }, Date.now())
  await processDueRefunds(database(), Date.now())
  const doc = await readDoc('refunds', refundId)
  if (doc?.status !== 'DONE') throw new Error(`refund not done: ${doc?.lastError}`)
  return refundId
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
