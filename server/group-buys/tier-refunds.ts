import { tierDifferenceFen, tierReached } from '@shared/domain/price-tiers'
import type { GroupBuyDoc } from '@server/group-buys/model'
import { servedQuantityOf, type OrderDoc } from '@server/orders/model'
import { tierRefundIdFor } from '@server/ids'
import { readOrdersInJoinOrder } from '@server/group-buys/join-order'
import { addNotice } from '@server/messages/notices'
import { requestPartialRefund } from '@server/payments/refunds'

/** Orders whose payment counts toward the tier (paid and not given back). */
const PAID: readonly string[] = ['PAID', 'READY_FOR_PICKUP', 'PICKED_UP']

/** An order paid by the group buy's end: late payments are served or refunded as before and never move the tier. */
function paidByEnd(o: OrderDoc, gb: Pick<GroupBuyDoc, 'endAt'>): boolean {
  return PAID.includes(o.status) && o.paidAt !== null && o.paidAt <= gb.endAt
}

/**
 * The final price of a tiered group buy ending 成团: the tier reached by the units paid by its end. Called just
 * before the one conditional write that decides 成团, which stores it; null for a group buy without tiers.
 */
export async function finalPriceAtEnd(db: DB.Database, gb: GroupBuyDoc): Promise<number | null> {
  if (!gb.priceTiers || gb.priceTiers.length < 2) return null
  const orders = await readOrdersInJoinOrder(db, gb._id)
  const paidQuantity = orders.filter((o) => paidByEnd(o, gb)).reduce((s, o) => s + o.quantity, 0)
  return tierReached(gb.priceTiers, paidQuantity).priceFen
}

const fen = (v: number) => (v / 100).toFixed(2)

/**
 * Give every order paid by the end its 阶梯价 difference back, once: the order first records what it paid and
 * what it gets back (priceFen becomes the final price, so later shortage / after-sales refunds are per unit of
 * what was kept, and a full refund gives back only the rest), then the partial refund under the order's own
 * tier refund id. Both writes repeat harmlessly, so a wind-up pass that stopped halfway simply runs again.
 */
export async function refundTierDifferences(db: DB.Database, gb: GroupBuyDoc, now: number): Promise<number> {
  const final = gb.finalPriceFen
  if (typeof final !== 'number' || final >= gb.priceFen) return 0
  let requested = 0
  for (const o of await readOrdersInJoinOrder(db, gb._id)) {
    if (!paidByEnd(o, gb)) continue
    const paidPrice = o.paidPriceFen ?? o.priceFen
    // On the units the order still keeps: a shortage refund already gave the others back at the price paid (the
    // sign-off waits for this wind-up, so only a sign-off from before that rule can have come first).
    const back = tierDifferenceFen(paidPrice, final, servedQuantityOf(o))
    if (back <= 0) continue
    await db.collection('orders').doc(o._id).update({ data: { paidPriceFen: paidPrice, priceFen: final, tierRefundFen: back } })
    const created = await requestPartialRefund(db, o, { refundId: tierRefundIdFor(o._id), amountFen: back, reason: '阶梯价退差价' }, now)
    if (created) requested++
    await addNotice(db, `tier_${o._id}`, {
      openid: o.openid,
      kind: 'TIER_REFUNDED',
      title: '阶梯价已退差价',
      body: `「${gb.title}」最终成交价 ¥${fen(final)}，已退差价 ¥${fen(back)}`,
      page: `pages/resident/order/index?orderId=${o._id}`,
    }, now)
  }
  return requested
}
