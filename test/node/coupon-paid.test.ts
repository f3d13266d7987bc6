/**
 * Issue #4, paid coupons: a resident buys a coupon through the same WeChat Pay path as an order. The purchase
 * holds one of the campaign's coupons and the buyer's limit until paid; the payment callback issues it with its
 * code exactly once; an unpaid hold expires on the settle timer and frees its slot; money arriving after that
 * goes back exactly once; forged notices change nothing.
 */
import type { CouponClaimOutput, CouponClaimPendingPayment, CouponOutputs } from '@shared/contracts/coupon'
import { decideRedeem } from '@shared/domain/coupon'
import { refundIdFor } from '@server/ids'
import { DEMO, errorCode, expectOk, startHarness, type Harness } from './support/pickup-coupon'

jest.setTimeout(120_000)

let h: Harness
const DAY = 86_400_000
const PRICE = 990

beforeAll(async () => {
  h = await startHarness()
})
afterAll(() => h.cloud.close())

const savedWindow = process.env.PAYMENT_WINDOW_MS
afterEach(() => {
  if (savedWindow === undefined) delete process.env.PAYMENT_WINDOW_MS
  else process.env.PAYMENT_WINDOW_MS = savedWindow
})

type Doc = Record<string, any> // eslint-disable-line @typescript-eslint/no-explicit-any

let seq = 0
async function paidCampaign(terms: Partial<{ total: number; limitPerUser: number }> = {}) {
  const now = Date.now()
  const { campaignId } = expectOk(
    await h.call<CouponOutputs['createCampaign']>('coupon', DEMO.merchant, {
      action: 'createCampaign', title: `9.9 元抵 20 元券 ${++seq}`, valueFen: 2000, priceFen: PRICE, total: terms.total ?? 10, limitPerUser: terms.limitPerUser ?? 1,
      validFrom: now - 60_000, validTo: now + DAY, pickupPointIds: [h.pointId],
    }),
  )
  return campaignId
}

const claim = (openid: string, campaignId: string, requestId: string) => h.call<CouponClaimOutput>('coupon', openid, { action: 'claim', campaignId, requestId })

async function buy(openid: string, campaignId: string, requestId = `buy-${openid}-${campaignId}`): Promise<CouponClaimPendingPayment> {
  const got = expectOk(await claim(openid, campaignId, requestId))
  if (got.status !== 'PENDING_PAYMENT') throw new Error(`expected a held purchase, got ${got.status}`)
  return got
}

async function doc(collection: string, id: string): Promise<Doc | null> {
  const res = (await h.db().collection(collection).where({ _id: id }).limit(1).get()) as unknown as { data: Doc[] }
  return res.data[0] ?? null
}

const coupon = async (id: string) => (await doc('coupons', id))!
const campaignIssued = async (id: string) => (await doc('couponCampaigns', id))!.issued as number

async function mine(openid: string) {
  return expectOk(await h.call<CouponOutputs['listMine']>('coupon', openid, { action: 'listMine' })).items
}

async function listed(openid: string, campaignId: string) {
  return expectOk(await h.call<CouponOutputs['listCampaigns']>('coupon', openid, { action: 'listCampaigns' })).items.find((c) => c.campaignId === campaignId)!
}

/** Time passing for refunds waiting out their backoff: make every pending retry due now. */
async function letRefundBackoffPass(): Promise<void> {
  const _ = h.db().command
  await h.db().collection('refunds').where({ status: 'PENDING', nextAttemptAt: _.gt(0) }).update({ data: { nextAttemptAt: 0 } })
}

describe('buying a coupon', () => {
  it('buy → pay → ISSUED with a code → the clerk redeems it once', async () => {
    const campaignId = await paidCampaign()
    const held = await buy(DEMO.residents[0], campaignId)
    expect(held).toMatchObject({ status: 'PENDING_PAYMENT', amountFen: PRICE })
    expect(held.couponId).toMatch(/^c[0-9a-f]{31}$/) // ≤ 32 chars, and never an order id (those start with o)
    expect(held.payment.package).toBe(`prepay_id=sim_${held.couponId}`)
    expect(held.expiresAt).toBeGreaterThan(Date.now())

    // Held, not yet usable: no code exists, it is not among my coupons, but it counts against quantity and limit.
    expect(await coupon(held.couponId)).toMatchObject({ status: 'PENDING_PAYMENT', code: null })
    expect((await mine(DEMO.residents[0])).find((c) => c.couponId === held.couponId)).toBeUndefined()
    expect(await listed(DEMO.residents[0], campaignId)).toMatchObject({ remaining: 9, claimedByMe: 1 })
    expect(errorCode(await claim(DEMO.residents[0], campaignId, 'second-purchase-1'))).toBe('COUPON.LIMIT_EXCEEDED')
    // A retried tap (same requestId) reopens the same purchase and takes nothing more.
    const again = await buy(DEMO.residents[0], campaignId)
    expect(again).toMatchObject({ couponId: held.couponId, amountFen: PRICE, expiresAt: held.expiresAt })
    expect(await campaignIssued(campaignId)).toBe(1)

    expect((await h.cloud.pay.pay(held.couponId)).ok).toBe(true)
    const issued = await coupon(held.couponId)
    expect(issued).toMatchObject({ status: 'ISSUED', amountFen: PRICE })
    expect(issued.code).toMatch(/^\d{12}$/)
    expect(typeof issued.paidAt).toBe('number')
    expect(await h.count('couponCodes', { couponId: held.couponId })).toBe(1)
    const shown = (await mine(DEMO.residents[0])).find((c) => c.couponId === held.couponId)!
    expect(shown).toMatchObject({ status: 'ISSUED', code: issued.code, qrContent: `LLT-COUPON:${issued.code}`, valueFen: 2000 })
    // Replaying the purchase after payment answers with the issued coupon.
    expect(expectOk(await claim(DEMO.residents[0], campaignId, `buy-${DEMO.residents[0]}-${campaignId}`))).toEqual({ couponId: held.couponId, status: 'ISSUED', code: issued.code, qrContent: `LLT-COUPON:${issued.code}` })

    const redeemed = expectOk(await h.call<CouponOutputs['redeem']>('coupon', DEMO.clerk, { action: 'redeem', code: issued.code }))
    expect(redeemed).toMatchObject({ couponId: held.couponId, valueFen: 2000, status: 'REDEEMED' })
    expect(errorCode(await h.call('coupon', DEMO.clerk, { action: 'redeem', code: issued.code }))).toBe('COUPON.ALREADY_REDEEMED')
    expect(await campaignIssued(campaignId)).toBe(1)
  })

  it('an unpaid coupon is no coupon at the counter', () => {
    const c = { validFrom: 10, validTo: 20, pickupPointIds: ['p1'] }
    for (const status of ['PENDING_PAYMENT', 'EXPIRED', 'REFUNDING', 'REFUNDED'] as const) expect(decideRedeem({ ...c, status }, 'p1', 15)).toBe('COUPON.NOT_FOUND')
    expect(decideRedeem({ ...c, status: 'ISSUED' }, 'p1', 15)).toBeNull()
  })

  it('replayed payment notices (sequential and concurrent) change nothing', async () => {
    const campaignId = await paidCampaign()
    const held = await buy(DEMO.residents[1], campaignId)
    await h.cloud.pay.pay(held.couponId)
    const first = await coupon(held.couponId)
    const delivered = await Promise.all(Array.from({ length: 10 }, () => h.cloud.pay.notify(held.couponId)))
    expect(delivered.every(Boolean)).toBe(true)
    for (let i = 0; i < 3; i++) await h.cloud.pay.notify(held.couponId)
    expect(await coupon(held.couponId)).toEqual(first)
    expect(await h.count('couponCodes', { couponId: held.couponId })).toBe(1)
    expect(await campaignIssued(campaignId)).toBe(1)
    expect(await h.count('refunds', { orderId: held.couponId })).toBe(0)
  })

  it('50 concurrent buyers (each tapping twice) for 20 paid coupons: exactly 20 held, limits hold, each issued once paid', async () => {
    const campaignId = await paidCampaign({ total: 20, limitPerUser: 1 })
    const people = Array.from({ length: 50 }, (_, i) => `buyer-${i}`)
    const replies = await Promise.all(people.flatMap((p) => [claim(p, campaignId, `a-${p}-${campaignId}`), claim(p, campaignId, `b-${p}-${campaignId}`)]))
    const wins = replies.filter((r) => r.ok).map((r) => expectOk(r) as CouponClaimPendingPayment)
    expect(wins).toHaveLength(20)
    expect(wins.every((w) => w.status === 'PENDING_PAYMENT' && w.amountFen === PRICE)).toBe(true)
    expect(replies.filter((r) => !r.ok).map(errorCode).every((c) => c === 'COUPON.SOLD_OUT' || c === 'COUPON.LIMIT_EXCEEDED')).toBe(true)

    expect(await h.count('coupons', { campaignId })).toBe(20)
    expect(await campaignIssued(campaignId)).toBe(20)
    const res = (await h.db().collection('coupons').where({ campaignId }).limit(100).get()) as unknown as { data: Doc[] }
    expect(new Set(res.data.map((c) => c.openid)).size).toBe(20)
    expect(errorCode(await claim('late-buyer', campaignId, `late-buyer-${campaignId}`))).toBe('COUPON.SOLD_OUT')

    await Promise.all(wins.map((w) => h.cloud.pay.pay(w.couponId)))
    const after = (await h.db().collection('coupons').where({ campaignId }).limit(100).get()) as unknown as { data: Doc[] }
    expect(after.data.every((c) => c.status === 'ISSUED')).toBe(true)
    expect(new Set(after.data.map((c) => c.code)).size).toBe(20)
    expect(await campaignIssued(campaignId)).toBe(20)
  })
})

describe('the payment window', () => {
  it('an unpaid purchase expires on the settle timer and frees its quantity and the buyer\'s limit, once', async () => {
    process.env.PAYMENT_WINDOW_MS = '300'
    const campaignId = await paidCampaign({ total: 1, limitPerUser: 1 })
    const held = await buy('slow-buyer', campaignId)
    expect(errorCode(await claim('other-buyer', campaignId, `other-${campaignId}`))).toBe('COUPON.SOLD_OUT')

    // Before its window passes the timer leaves it alone.
    await h.cloud.fireTimer('settle')
    expect((await coupon(held.couponId)).status).toBe('PENDING_PAYMENT')

    await new Promise((r) => setTimeout(r, 400))
    await Promise.all([h.cloud.fireTimer('settle'), h.cloud.fireTimer('settle')])
    await h.cloud.fireTimer('settle')
    expect((await coupon(held.couponId)).status).toBe('EXPIRED')
    expect(await campaignIssued(campaignId)).toBe(0)
    expect(await listed('slow-buyer', campaignId)).toMatchObject({ remaining: 1, claimedByMe: 0 })
    expect(await h.count('couponCodes', { couponId: held.couponId })).toBe(0)

    // Resuming the expired purchase is refused; a new one is a new hold, and the slot is for sale again.
    expect(errorCode(await claim('slow-buyer', campaignId, `buy-slow-buyer-${campaignId}`))).toBe('COUPON.NOT_PAYABLE')
    process.env.PAYMENT_WINDOW_MS = String(15 * 60_000)
    const other = await buy('other-buyer', campaignId, `other-${campaignId}`)
    await h.cloud.fireTimer('settle')
    expect(await campaignIssued(campaignId)).toBe(1)
    expect((await coupon(other.couponId)).status).toBe('PENDING_PAYMENT')
  })

  it('at expiry the purchase\'s trade is closed (paying is refused); one paid meanwhile is issued, not refunded', async () => {
    process.env.PAYMENT_WINDOW_MS = '200'
    const campaignId = await paidCampaign({ total: 2, limitPerUser: 1 })
    const unpaid = await buy('close-buyer', campaignId)
    const racing = await buy('race-buyer', campaignId)
    expect((await h.cloud.pay.pay(racing.couponId, { deliver: false })).ok).toBe(true) // its notice is still on the way
    await new Promise((r) => setTimeout(r, 300))
    const [a, b] = (await Promise.all([h.cloud.fireTimer('settle'), h.cloud.fireTimer('settle')])) as Array<{ data: Doc }>
    expect(a.data.expiredCoupons + b.data.expiredCoupons).toBe(1)

    expect(h.cloud.pay.tradeState(unpaid.couponId)).toBe('CLOSED')
    expect(await h.cloud.pay.pay(unpaid.couponId)).toMatchObject({ ok: false })
    expect(await coupon(unpaid.couponId)).toMatchObject({ status: 'EXPIRED', code: null })

    const issued = await coupon(racing.couponId)
    expect(issued).toMatchObject({ status: 'ISSUED' })
    expect(issued.code).toMatch(/^\d{12}$/)
    // Replays of the notice and the timer: the same code, one slot, no refund.
    await h.cloud.pay.notify(racing.couponId)
    await h.cloud.fireTimer('settle')
    expect(await coupon(racing.couponId)).toMatchObject({ status: 'ISSUED', code: issued.code })
    expect(await campaignIssued(campaignId)).toBe(1)
    expect(h.cloud.pay.refundedFor(racing.couponId) + h.cloud.pay.refundedFor(unpaid.couponId)).toBe(0)
  })

  it('a payment after the hold expired (WeChat Pay could not be told to close it) is refunded exactly once, even when the first refund fails', async () => {
    process.env.PAYMENT_WINDOW_MS = '200'
    const campaignId = await paidCampaign({ total: 1, limitPerUser: 1 })
    const held = await buy('late-payer', campaignId)
    await new Promise((r) => setTimeout(r, 300))
    h.cloud.pay.failNextCloses(1) // closeOrder answers SYSTEMERROR: the hold is released anyway, the trade stays payable
    await h.cloud.fireTimer('settle')
    expect(h.cloud.pay.tradeState(held.couponId)).toBe('NOTPAY')
    expect((await coupon(held.couponId)).status).toBe('EXPIRED')
    process.env.PAYMENT_WINDOW_MS = String(15 * 60_000)
    const next = await buy('next-buyer', campaignId)

    // The resident completes the pay sheet anyway: the coupon is not revived, the money goes back.
    expect((await h.cloud.pay.pay(held.couponId)).ok).toBe(true)
    expect(await coupon(held.couponId)).toMatchObject({ status: 'REFUNDING', code: null })
    const refundId = refundIdFor(held.couponId)
    expect(refundId).toMatch(/^rc/)
    expect(await doc('refunds', refundId)).toMatchObject({ kind: 'coupon', orderId: held.couponId, campaignId, amountFen: PRICE, status: 'PENDING' })

    h.cloud.pay.failNextRefunds(1)
    const callsBefore = h.cloud.pay.refundCalls
    await h.cloud.fireTimer('settle')
    expect(h.cloud.pay.refundCalls - callsBefore).toBe(1)
    expect(h.cloud.pay.refundedFor(held.couponId)).toBe(0)
    expect((await doc('refunds', refundId))!.lastError).toBeTruthy()
    // Not retried before its backoff…
    await h.cloud.fireTimer('settle')
    expect(h.cloud.pay.refundCalls - callsBefore).toBe(1)
    // …then it goes through.
    await letRefundBackoffPass()
    await h.cloud.fireTimer('settle')
    expect(h.cloud.pay.refundedFor(held.couponId)).toBe(PRICE)
    expect(h.cloud.pay.refundCountFor(held.couponId)).toBe(1)
    const refunded = await coupon(held.couponId)
    expect(refunded.status).toBe('REFUNDED')
    expect(typeof refunded.refundedAt).toBe('number')
    expect(await h.count('outbox', { _id: `refunded_${held.couponId}`, toOpenid: 'late-payer' })).toBe(1)

    // Replayed notices and further timer runs pay nobody anything more, and take nothing from the next buyer.
    const calls = h.cloud.pay.refundCalls
    for (let i = 0; i < 3; i++) await h.cloud.pay.notify(held.couponId)
    for (let i = 0; i < 3; i++) {
      await letRefundBackoffPass()
      await h.cloud.fireTimer('settle')
    }
    expect(h.cloud.pay.refundCalls).toBe(calls)
    expect(h.cloud.pay.refundCountFor(held.couponId)).toBe(1)
    expect(h.cloud.pay.refundedFor(held.couponId)).toBe(PRICE)
    expect(await h.count('refunds', { orderId: held.couponId })).toBe(1)
    expect((await coupon(held.couponId)).status).toBe('REFUNDED')
    expect(await campaignIssued(campaignId)).toBe(1)
    expect((await coupon(next.couponId)).status).toBe('PENDING_PAYMENT')
  })
})

describe('forged payment notices', () => {
  it('change nothing: an unpaid purchase stays held, free coupons and unknown ids are ignored', async () => {
    const campaignId = await paidCampaign()
    const held = await buy(DEMO.residents[2], campaignId)
    const forged = { outTradeNo: held.couponId, returnCode: 'SUCCESS', resultCode: 'SUCCESS', totalFee: PRICE, transactionId: '4200000000' }
    expect(await h.cloud.invoke('payCallback', forged, null)).toEqual({ errcode: 0, errmsg: 'OK' })
    await h.cloud.invoke('payCallback', forged, DEMO.residents[2])
    expect(await coupon(held.couponId)).toMatchObject({ status: 'PENDING_PAYMENT', code: null, paidAt: null })
    expect(await h.count('couponCodes', { couponId: held.couponId })).toBe(0)

    // A free coupon never had a trade; an unknown coupon id is acknowledged and ignored.
    const now = Date.now()
    const free = expectOk(await h.call<CouponOutputs['createCampaign']>('coupon', DEMO.merchant, { action: 'createCampaign', title: '免费券', valueFen: 100, priceFen: 0, total: 5, limitPerUser: 1, validFrom: now, validTo: now + DAY, pickupPointIds: [h.pointId] }))
    const freeCoupon = expectOk(await claim(DEMO.residents[2], free.campaignId, `free-${free.campaignId}`))
    const before = await coupon(freeCoupon.couponId)
    await h.cloud.invoke('payCallback', { ...forged, outTradeNo: freeCoupon.couponId }, null)
    expect(await coupon(freeCoupon.couponId)).toEqual(before)
    expect(await h.cloud.invoke('payCallback', { ...forged, outTradeNo: 'c-does-not-exist' }, null)).toEqual({ errcode: 0, errmsg: 'OK' })
    expect(await h.count('refunds', { orderId: held.couponId })).toBe(0)

    // The genuine payment still goes through afterwards.
    await h.cloud.pay.pay(held.couponId)
    expect((await coupon(held.couponId)).status).toBe('ISSUED')
  })
})
