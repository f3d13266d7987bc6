/**
 * The newer money features (vouchers, roll-over, paid coupons) attacked, from this stop's audit. Two holes it found
 * are fixed (a full refund is asked in one transaction with the order's status, server/payments/refunds.ts
 * refundOrder): a voucher redeemed between the expiry sweep's (or a failed group's wind-up's) read and its refund was
 * refunded as well; a rolled-over order's cancel cut between its move and its refund left it REFUNDING with no
 * refund. The "REFUSED" attacks were already stopped and stay as regression tests.
 */
import { participationIdFor } from '@server/ids'
import type { GroupBuyDoc } from '@server/group-buys/model'
import type { OrderDoc } from '@server/orders/model'
import { processDueRefunds } from '@server/payments/refunds'
import { cancelVoucher, refundExpiredVouchers } from '@server/vouchers/changes'
import { endGroupBuy, windUpGroupBuy } from '@server/group-buys/wind-up'
import { cancelRolledOver } from '@server/group-buys/roll-over'
import { armCrash, disarmCrash } from '@server/crash-points'
import { createGroupBuy, database, DEMO, newRequestId, readAll, readDoc, testCloudForThisFile, type Reply } from './support/cloud'
import { publishService } from './support/merchant'

jest.setTimeout(300_000)

const cloud = testCloudForThisFile()

beforeAll(() => {
  process.env.AFTER_SALES_WINDOW_MS = '0'
})
afterAll(() => {
  delete process.env.AFTER_SALES_WINDOW_MS
})

/**
 * A database whose `nth` transaction (`runTransaction`) first runs `before`, once: another request's commit landing
 * just before the flow's decisive transaction, or (when `before` throws) the instance dying there.
 */
function beforeTransaction(db: DB.Database, before: () => Promise<void>, nth = 1): DB.Database {
  let seen = 0
  return new Proxy(db, {
    get(target, key) {
      const v = Reflect.get(target, key)
      if (key === 'runTransaction' && typeof v === 'function') {
        return async (...args: unknown[]) => {
          if (++seen === nth) await before()
          return (v as (...a: unknown[]) => unknown).apply(target, args)
        }
      }
      return typeof v === 'function' ? v.bind(target) : v
    },
  }) as DB.Database
}

async function paidVoucher(openid: string, groupBuyId: string, slotIndex = 0): Promise<{ orderId: string; code: string }> {
  const res = await cloud.call<{ orderId: string }>('groupBuy', openid, { action: 'join', groupBuyId, quantity: 1, requestId: newRequestId('aud'), slotIndex })
  if (!res.ok) throw new Error(`book: ${res.error?.code} ${res.error?.message}`)
  expect((await cloud.pay.pay(res.data.orderId)).ok).toBe(true)
  const order = await cloud.call<{ order: { voucher: { code: string } | null; status: string } }>('order', openid, { action: 'get', orderId: res.data.orderId })
  expect(order.data.order.status).toBe('PAID')
  return { orderId: res.data.orderId, code: order.data.order.voucher!.code }
}

const redeem = (code: string) => cloud.call('voucher', DEMO.merchant, { action: 'redeem', code })
const refundsOf = (orderId: string) => readAll('refunds', { orderId })
const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0)

describe('vouchers', () => {
  it('过期退 racing a redemption: a voucher redeemed after the sweep read it is not refunded (the refund is asked with the status, in one transaction)', async () => {
    const { groupBuyId } = await publishService(cloud, [3])
    const { orderId, code } = await paidVoucher('aud-exp-race-1', groupBuyId)
    const before = (await readDoc<OrderDoc>('orders', orderId))!
    // settle's tick at the voucher's expiry reads it still PAID; a redemption begun just before expiry commits
    // between that read and the refund request.
    let redeemed: Reply | null = null
    const db = beforeTransaction(database(), async () => {
      redeemed = await redeem(code)
    })
    await refundExpiredVouchers(db, before.voucherExpiresAt! + 1)
    expect(redeemed!.ok).toBe(true)
    // The refund runs at that tick's clock (settle's step 4).
    await processDueRefunds(database(), before.voucherExpiresAt! + 2)
    await cloud.fireTimer('settle')

    const after = (await readDoc<OrderDoc>('orders', orderId))!
    expect(after.status).toBe('PICKED_UP')
    // The rule: a voucher is never both redeemed and refunded.
    expect(cloud.pay.refundedFor(orderId)).toBe(0)
    expect(after.refundedFen ?? 0).toBe(0)
    expect(await refundsOf(orderId)).toEqual([])
  })

  it('a failed service group’s wind-up racing a redemption: the redeemed voucher is not refunded', async () => {
    const { groupBuyId } = await publishService(cloud, [3], { minParticipants: 2 })
    const { orderId, code } = await paidVoucher('aud-fail-race-1', groupBuyId)
    await database().collection('groupBuys').doc(groupBuyId).update({ data: { endAt: Date.now() - 1000 } })
    const gb = (await readDoc<GroupBuyDoc>('groupBuys', groupBuyId))!
    expect(await endGroupBuy(database(), gb, Date.now())).toBe('FAILED')
    const failed = (await readDoc<GroupBuyDoc>('groupBuys', groupBuyId))!
    let redeemed: Reply | null = null
    const db = beforeTransaction(database(), async () => {
      redeemed = await redeem(code)
    })
    await windUpGroupBuy(db, failed, Date.now())
    expect(redeemed!.ok).toBe(true)
    await processDueRefunds(database(), Date.now())
    await cloud.fireTimer('settle')
    expect((await readDoc<OrderDoc>('orders', orderId))!.status).toBe('PICKED_UP')
    expect(cloud.pay.refundedFor(orderId)).toBe(0)
  })

  it('REFUSED: redeem racing 随时退 (cancel) — exactly one wins; refunded iff cancelled, once', async () => {
    const { groupBuyId } = await publishService(cloud, [10])
    const vouchers = await Promise.all(Array.from({ length: 6 }, (_, i) => paidVoucher(`aud-rc-${i}`, groupBuyId)))
    await Promise.all(vouchers.map((v, i) => Promise.all([
      redeem(v.code), redeem(v.code),
      cloud.call('voucher', `aud-rc-${i}`, { action: 'cancel', orderId: v.orderId }),
      cloud.call('voucher', `aud-rc-${i}`, { action: 'cancel', orderId: v.orderId }),
    ])))
    await processDueRefunds(database(), Date.now())
    await cloud.fireTimer('settle')
    await cloud.fireTimer('settle')
    for (const v of vouchers) {
      const o = (await readDoc<OrderDoc>('orders', v.orderId))!
      if (o.status === 'PICKED_UP') {
        expect(o.voucherCancelledAt ?? null).toBeNull()
        expect(cloud.pay.refundedFor(v.orderId)).toBe(0)
      } else {
        expect(o.status).toBe('REFUNDED')
        expect(cloud.pay.refundCountFor(v.orderId)).toBe(1)
        expect(cloud.pay.refundedFor(v.orderId)).toBe(8800)
      }
    }
  })

  it('REFUSED: cancel ×3 concurrently with 过期退 sweeps and settles — one refund of the amount', async () => {
    const { groupBuyId } = await publishService(cloud, [5])
    const { orderId } = await paidVoucher('aud-cx-1', groupBuyId)
    await Promise.all([
      ...Array.from({ length: 3 }, () => cloud.call('voucher', 'aud-cx-1', { action: 'cancel', orderId })),
      refundExpiredVouchers(database(), Date.now() + 10 * 3600_000),
      cloud.fireTimer('settle'),
      cloud.fireTimer('settle'),
    ])
    await processDueRefunds(database(), Date.now() + 11 * 3600_000)
    await cloud.fireTimer('settle')
    expect(cloud.pay.refundCountFor(orderId)).toBe(1)
    expect(cloud.pay.refundedFor(orderId)).toBe(8800)
    expect(await refundsOf(orderId)).toHaveLength(1)
  })
})

describe('vouchers, crash', () => {
  it('REFUSED: 随时退 cut off between its mark and its refund request — settle’s sweep refunds it once; it no longer redeems', async () => {
    const { groupBuyId } = await publishService(cloud, [2])
    const { orderId, code } = await paidVoucher('aud-cx-crash', groupBuyId)
    // The mark is the first transaction, the refund's the second.
    const dying = beforeTransaction(database(), async () => {
      throw new Error('instance killed (function timeout)')
    }, 2)
    await expect(cancelVoucher(dying, 'aud-cx-crash', orderId, Date.now())).rejects.toThrow('instance killed')
    expect((await redeem(code)).ok).toBe(false)
    await cloud.fireTimer('settle')
    await processDueRefunds(database(), Date.now() + 3600_000)
    await cloud.fireTimer('settle')
    expect(cloud.pay.refundCountFor(orderId)).toBe(1)
    expect(cloud.pay.refundedFor(orderId)).toBe(8800)
    expect((await readDoc<OrderDoc>('orders', orderId))!.status).toBe('REFUNDED')
  })
})

describe('roll-over', () => {
  async function paid(openid: string, groupBuyId: string, quantity: number, onFail?: 'ROLL_OVER'): Promise<string> {
    const res = await cloud.call<{ orderId: string }>('groupBuy', openid, { action: 'join', groupBuyId, quantity, requestId: newRequestId(), ...(onFail ? { onFail } : {}) })
    if (!res.ok) throw new Error(`join: ${res.error?.code}`)
    expect((await cloud.pay.pay(res.data.orderId)).ok).toBe(true)
    return res.data.orderId
  }
  async function endAndSettle(groupBuyId: string) {
    await database().collection('groupBuys').doc(groupBuyId).update({ data: { endAt: Date.now() - 1 } })
    await cloud.fireTimer('settle')
    await cloud.fireTimer('settle')
  }

  it('a rolled-over order’s cancel cut off anywhere loses nothing: before its transaction nothing moved, after it the refund is there for settle', async () => {
    const failing = await createGroupBuy(cloud, { title: '审计保留 A', priceFen: 1000, minParticipants: 3, limitPerUser: 5 })
    const next = await createGroupBuy(cloud, { title: '审计保留 A', priceFen: 1000, minParticipants: 3, limitPerUser: 5, stock: 20 })
    const orderId = await paid('aud-roll-1', failing, 2, 'ROLL_OVER')
    await endAndSettle(failing)
    const moved = (await readDoc<OrderDoc>('orders', orderId))!
    expect(moved).toMatchObject({ status: 'PAID', groupBuyId: next })
    // The instance dies just before the transaction that asks the refund and moves the order: nothing moved.
    const dying = beforeTransaction(database(), async () => {
      throw new Error('instance killed (function timeout)')
    })
    await expect(cancelRolledOver(dying, moved, Date.now())).rejects.toThrow('instance killed')
    expect((await readDoc<OrderDoc>('orders', orderId))!.status).toBe('PAID')
    expect(await refundsOf(orderId)).toEqual([])
    // The resident taps again; this time the instance dies right after that transaction (before it was: between
    // the move to REFUNDING and the refund's insert, which left the order REFUNDING with no refund for ever).
    armCrash('refund:after-request')
    await expect(cancelRolledOver(database(), moved, Date.now())).rejects.toThrow()
    expect(disarmCrash()).toBe(true)
    expect((await readDoc<OrderDoc>('orders', orderId))!.status).toBe('REFUNDING')
    // The buyer's participation in the next group gave the order back in that same transaction (before, it was
    // given back after it: this cut left the buyer counted as a paid participant and their units held).
    expect(await readDoc('participations', participationIdFor(next, 'aud-roll-1'))).toMatchObject({ paidOrders: 0, quantity: 0 })
    // The resident does not tap again; time passes, settle runs.
    for (let i = 0; i < 3; i++) await cloud.fireTimer('settle')
    await processDueRefunds(database(), Date.now() + 3600_000)
    expect(cloud.pay.refundedFor(orderId)).toBe(2000)
    expect((await readDoc<OrderDoc>('orders', orderId))!.status).toBe('REFUNDED')
    // The units went back to the next group's stock with the move, once.
    expect((await readDoc<GroupBuyDoc>('groupBuys', next))!).toMatchObject({ soldQuantity: 0, stockLeft: 20 })
  })

  it('REFUSED: roll-over, cancel twice at once, then the old and new groups’ wind-ups re-run — refunds sum to the amount, once each', async () => {
    const failing = await createGroupBuy(cloud, { title: '审计保留 B', priceFen: 1000, minParticipants: 3, limitPerUser: 5 })
    const next = await createGroupBuy(cloud, { title: '审计保留 B', priceFen: 800, minParticipants: 3, limitPerUser: 5, stock: 20 })
    const orderId = await paid('aud-roll-2', failing, 2, 'ROLL_OVER')
    await endAndSettle(failing)
    expect((await readDoc<OrderDoc>('orders', orderId))!.groupBuyId).toBe(next)
    await Promise.all([
      cloud.call('order', 'aud-roll-2', { action: 'cancel', orderId }),
      cloud.call('order', 'aud-roll-2', { action: 'cancel', orderId }),
    ])
    // The old group's wind-up again (as a re-run would), and the new group fails too.
    await windUpGroupBuy(database(), (await readDoc<GroupBuyDoc>('groupBuys', failing))!, Date.now())
    await endAndSettle(next)
    await processDueRefunds(database(), Date.now() + 3600_000)
    await cloud.fireTimer('settle')
    const refunds = await refundsOf(orderId)
    expect(sum(refunds.map((r) => r.amountFen))).toBe(2000)
    expect(cloud.pay.refundedFor(orderId)).toBe(2000)
    expect((await readDoc<OrderDoc>('orders', orderId))).toMatchObject({ status: 'REFUNDED', refundedFen: 2000 })
    expect(await readDoc('groupBuys', next)).toMatchObject({ soldQuantity: 0 })
  })

  it('REFUSED: rolled over into a group that then fails again — refunded once (what is left), never held again', async () => {
    const failing = await createGroupBuy(cloud, { title: '审计保留 C', priceFen: 1000, minParticipants: 3, limitPerUser: 5 })
    const next = await createGroupBuy(cloud, { title: '审计保留 C', priceFen: 900, minParticipants: 3, limitPerUser: 5, stock: 20 })
    const orderId = await paid('aud-roll-3', failing, 1, 'ROLL_OVER')
    await endAndSettle(failing)
    expect((await readDoc<OrderDoc>('orders', orderId))!.groupBuyId).toBe(next)
    await createGroupBuy(cloud, { title: '审计保留 C', priceFen: 800, minParticipants: 3, limitPerUser: 5, stock: 20 })
    await endAndSettle(next)
    await processDueRefunds(database(), Date.now() + 3600_000)
    await cloud.fireTimer('settle')
    const o = (await readDoc<OrderDoc>('orders', orderId))!
    expect(o.groupBuyId).toBe(next)
    expect(o.status).toBe('REFUNDED')
    expect(cloud.pay.refundedFor(orderId)).toBe(1000)
    expect(sum((await refundsOf(orderId)).map((r) => r.amountFen))).toBe(1000)
  })
})

describe('paid coupons (购券)', () => {
  it('REFUSED: bought, expired and paid concurrently, then redeemed concurrently — issued and redeemed once, or refunded once, never both', async () => {
    const now = Date.now()
    const created = await cloud.call<{ campaignId: string }>('coupon', DEMO.merchant, {
      action: 'createCampaign', title: '审计 9.9 抵 20', valueFen: 2000, priceFen: 990, total: 20, limitPerUser: 1,
      validFrom: now - 60_000, validTo: now + 86_400_000, pickupPointIds: [cloud.pickupPointId],
    })
    expect(created.ok).toBe(true)
    const buyers = Array.from({ length: 5 }, (_, i) => `aud-cp-${i}`)
    const ids: string[] = []
    for (const b of buyers) {
      const got = await cloud.call<{ couponId: string; status: string }>('coupon', b, { action: 'claim', campaignId: created.data.campaignId, requestId: newRequestId('cp') })
      expect(got.data.status).toBe('PENDING_PAYMENT')
      ids.push(got.data.couponId)
      await database().collection('coupons').doc(got.data.couponId).update({ data: { expiresAt: Date.now() - 1 } })
    }
    await Promise.all([...ids.map((id) => cloud.pay.pay(id)), cloud.fireTimer('settle'), cloud.fireTimer('settle')])
    await cloud.fireTimer('settle')
    await processDueRefunds(database(), Date.now() + 3600_000)
    await cloud.fireTimer('settle')
    for (const id of ids) {
      const c = (await readDoc('coupons', id))!
      if (c.status === 'ISSUED') {
        const replies = await Promise.all(Array.from({ length: 4 }, () => cloud.call('coupon', DEMO.clerk, { action: 'redeem', code: c.code })))
        expect(replies.filter((r) => r.ok)).toHaveLength(1)
        expect(cloud.pay.refundedFor(id)).toBe(0)
      } else {
        expect(c.status).toBe('REFUNDED')
        expect(cloud.pay.refundCountFor(id)).toBe(1)
        expect(cloud.pay.refundedFor(id)).toBe(990)
      }
    }
    const campaign = (await readDoc('couponCampaigns', created.data.campaignId))!
    const live = (await Promise.all(ids.map((id) => readDoc('coupons', id)))).filter((c) => c!.status === 'ISSUED' || c!.status === 'REDEEMED')
    expect(campaign.issued).toBe(live.length)
  })
})
