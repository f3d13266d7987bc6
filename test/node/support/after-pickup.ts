import { must, DEMO, database, join, type TestCloud } from './cloud'
import { PNG_1PX } from './images'

/** An image the resident uploaded through the host (what the rating / after-sales sheets send as fileIDs). */
export async function uploadPhoto(cloud: TestCloud, openid: string, name: string): Promise<string> {
  const up = await fetch(`${cloud.url}/storage/upload?cloudPath=${encodeURIComponent(name)}`, { method: 'POST', headers: { 'X-WX-OPENID': openid }, body: new Uint8Array(PNG_1PX) })
  const body = (await up.json()) as { ok: boolean; data: { fileID: string } }
  if (!body.ok) throw new Error('upload failed')
  return body.data.fileID
}


export async function payAll(cloud: TestCloud, groupBuyId: string, buyers: Record<string, number>): Promise<Record<string, string>> {
  const orders: Record<string, string> = {}
  for (const [openid, quantity] of Object.entries(buyers)) {
    const res = await join(cloud, openid, groupBuyId, quantity)
    if (!res.ok) throw new Error(`join: ${res.error?.code}`)
    if (!(await cloud.pay.pay(res.data.orderId)).ok) throw new Error('pay failed')
    orders[openid] = res.data.orderId
  }
  return orders
}

/** The clerk hands over every order that is ready (by its pickup code). */
export async function pickUp(cloud: TestCloud, openid: string, orderId: string): Promise<void> {
  const order = await must(cloud.call<{ order: { pickupCode: string } }>('order', openid, { action: 'get', orderId }), 'order.get')
  await must(cloud.call('pickup', DEMO.clerk, { action: 'verify', code: order.order.pickupCode }), 'pickup.verify')
}

let seq = 0
/**
 * demo-leader's own group buy at the demo point: the buyers join and pay, the goods arrive, and those in
 * `pickers` (default all) pick up. Returns the group buy and each buyer's order.
 */
export async function pickedUpGroupBuy(
  cloud: TestCloud,
  buyers: Record<string, number>,
  opts: { priceFen?: number; pickers?: string[] } = {},
): Promise<{ groupBuyId: string; orders: Record<string, string> }> {
  const now = Date.now()
  const { groupBuyId } = await must(
    cloud.call<{ groupBuyId: string }>('groupBuy', DEMO.leader, {
      action: 'create', title: `提货后测试 ${++seq}`, priceFen: opts.priceFen ?? 1990, stock: 500, minParticipants: 1, limitPerUser: 10,
      startAt: now - 1000, endAt: now + 86_400_000, pickupPointId: cloud.pickupPointId,
    }),
    'groupBuy.create',
  )
  const orders = await payAll(cloud, groupBuyId, buyers)
  await must(cloud.call('groupBuy', DEMO.leader, { action: 'markArrived', groupBuyId }), 'markArrived')
  for (const openid of opts.pickers ?? Object.keys(buyers)) await pickUp(cloud, openid, orders[openid])
  return { groupBuyId, orders }
}

/** A 帮卖 round: the merchant's product and offer, demo-leader's group buy from it, paid, ended, arrived (short by `short`), picked up. */
export async function pickedUpSupplyRound(
  cloud: TestCloud,
  buyers: Record<string, number>,
  opts: { productId?: string; short?: number } = {},
): Promise<{ productId: string; offerId: string; groupBuyId: string; orders: Record<string, string> }> {
  const now = Date.now()
  const productId =
    opts.productId ??
    (await must(
      cloud.call<{ productId: string }>('catalog', DEMO.merchant, {
        action: 'createProduct', name: '阳山水蜜桃', unit: '箱', category: '水果', images: [await uploadPhoto(cloud, DEMO.merchant, `p/peach-${++seq}.png`)],
        supplyPriceFen: 1000, suggestedPriceFen: 2500,
      }),
      'createProduct',
    )).productId
  const { offerId } = await must(
    cloud.call<{ offerId: string }>('supply', DEMO.merchant, { action: 'publish', productId, stock: 100, commissionBp: 1000, minPriceFen: 1500, maxPriceFen: 2500, startAt: now - 1000, endAt: now + 7 * 86_400_000 }),
    'publish',
  )
  const { groupBuyId } = await must(
    cloud.call<{ groupBuyId: string }>('groupBuy', DEMO.leader, { action: 'createFromOffer', offerId, priceFen: 1990, stock: 50, minParticipants: 1, limitPerUser: 10 }),
    'createFromOffer',
  )
  const orders = await payAll(cloud, groupBuyId, buyers)
  await database().collection('groupBuys').doc(groupBuyId).update({ data: { endAt: Date.now() - 1 } })
  await cloud.fireTimer('settle')
  const paid = Object.values(buyers).reduce((a, b) => a + b, 0)
  await must(cloud.call('groupBuy', DEMO.leader, { action: 'markArrived', groupBuyId, receivedQuantity: paid - (opts.short ?? 0) }), 'markArrived')
  for (const [openid, orderId] of Object.entries(orders)) {
    const o = await must(cloud.call<{ order: { status: string } }>('order', openid, { action: 'get', orderId }), 'order.get')
    if (o.order.status === 'READY_FOR_PICKUP') await pickUp(cloud, openid, orderId)
  }
  return { productId, offerId, groupBuyId, orders }
}

/** demo-leader's own group buy at the demo point: the buyers join and pay, the goods arrive; nobody has picked up yet. */
export function arrivedGroupBuy(cloud: TestCloud, buyers: Record<string, number>): Promise<{ groupBuyId: string; orders: Record<string, string> }> {
  return pickedUpGroupBuy(cloud, buyers, { pickers: [] })
}
