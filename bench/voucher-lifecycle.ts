import { randomBytes } from 'crypto'
import type { LocalCloud } from '../local-cloud/host'
import { opCounter } from './op-count'

type Reply = { ok: boolean; data?: Record<string, unknown>; error?: { code: string } }

export interface VoucherLifecycleResult {
  vouchers: number
  redeemed: number
  /** Database operations per redeemed voucher, publish share → book → pay → order page → redeem → settle. */
  opsPerRedeemedVoucher: number
  byStep: Record<string, number>
}

/**
 * #25: a service sold as vouchers, counted like section 7's goods order (cost's opCounter, bench/op-count.ts): the
 * merchant publishes a service group buy (its operations shared by the vouchers), residents book a slot one at a
 * time and pay, open their order page (the voucher), the provider redeems each code, and a settle tick runs.
 */
export async function redeemedVoucherLifecycle(cloud: LocalCloud, vouchers = 20): Promise<VoucherLifecycleResult> {
  await cloud.fireTimer('settle')
  const ops = opCounter(cloud)
  const me = (await cloud.invoke('user', { action: 'me' }, 'demo-leader')) as Reply
  const pointId = String(me.data?.boundPickupPointId)
  const listed = (await cloud.invoke('catalog', { action: 'listMine' }, 'demo-merchant')) as Reply
  const image = ((listed.data?.items as { images: string[] }[] | undefined) ?? [])[0]?.images[0]
  if (!image) throw new Error('bench: the demo merchant has no product photo to reuse')
  const product = (await cloud.invoke('catalog', {
    action: 'createProduct', kind: 'SERVICE', name: '生命周期：宠物洗护', unit: '次', category: '宠物护理', images: [image], supplyPriceFen: 3000, suggestedPriceFen: 6900,
    durationMinutes: 60, servingPointIds: [pointId],
  }, 'demo-merchant')) as Reply
  if (!product.ok) throw new Error(`createProduct failed: ${JSON.stringify(product.error)}`)
  const start = Date.now() + 3600_000
  const published = (await ops.count('publish (shared)', () => cloud.invoke('voucher', {
    action: 'publish', productId: product.data?.productId, pickupPointId: pointId, priceFen: 5900,
    slots: [{ startAt: start, endAt: start + 3600_000, capacity: vouchers }],
  }, 'demo-merchant'))) as Reply
  if (!published.ok) throw new Error(`publish failed: ${JSON.stringify(published.error)}`)
  const groupBuyId = String(published.data?.groupBuyId)
  const codes: string[] = []
  for (let i = 0; i < vouchers; i++) {
    const openid = `life-voucher-${i}`
    const booked = (await ops.count('book (join a slot)', () => cloud.invoke('groupBuy', { action: 'join', groupBuyId, quantity: 1, slotIndex: 0, requestId: randomBytes(8).toString('hex') }, openid))) as Reply
    if (!booked.ok) throw new Error(`book failed: ${JSON.stringify(booked.error)}`)
    const orderId = String(booked.data?.orderId)
    const paid = await ops.count('pay (+ voucher issued)', () => cloud.pay.pay(orderId))
    if (!paid.ok) throw new Error(`pay failed: ${paid.reason}`)
    const got = (await ops.count('order page (the voucher)', () => cloud.invoke('order', { action: 'get', orderId }, openid))) as Reply
    const code = (got.data?.order as { voucher?: { code?: string } } | undefined)?.voucher?.code
    if (!code) throw new Error('bench: no voucher code after payment')
    codes.push(code)
  }
  let redeemed = 0
  for (const code of codes) {
    const r = (await ops.count('redeem', () => cloud.invoke('voucher', { action: 'redeem', code }, 'demo-merchant'))) as Reply
    if (r.ok) redeemed++
  }
  await ops.count('settle after redemption', () => cloud.fireTimer('settle'))
  if (process.env.BENCH_TRACE === '1') ops.printTrace(redeemed)
  return { vouchers, redeemed, opsPerRedeemedVoucher: ops.totalPerOrder(redeemed), byStep: ops.perOrder(redeemed) }
}
