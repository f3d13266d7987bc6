import { allocateCode, drawDigits } from '@server/codes'
import type { CouponClaimIssued, CouponOutputs } from '@shared/contracts/coupon'
import { couponCodeFromScan, decideRedeem, isCouponCodeFormat } from '@shared/domain/coupon'
import { DEMO, errorCode, expectOk, startHarness, type Harness } from './support/pickup-coupon'

jest.setTimeout(120_000)

let h: Harness
const clerkB = 'test-coupon-clerk-b'
const DAY = 86_400_000

beforeAll(async () => {
  h = await startHarness()
  expectOk(await h.call('admin', DEMO.admin, { action: 'grantRole', openid: clerkB, role: 'clerk', pickupPointId: h.pointId }))
})
afterAll(() => h.cloud.close())

let seq = 0
async function campaign(terms: Partial<{ total: number; limitPerUser: number; validFrom: number; validTo: number; pickupPointIds: string[] }> = {}) {
  const now = Date.now()
  const { campaignId } = expectOk(
    await h.call<CouponOutputs['createCampaign']>('coupon', DEMO.merchant, {
      action: 'createCampaign', title: `测试券 ${++seq}`, valueFen: 500, priceFen: 0, total: terms.total ?? 10, limitPerUser: terms.limitPerUser ?? 1,
      validFrom: terms.validFrom ?? now - 60_000, validTo: terms.validTo ?? now + DAY, pickupPointIds: terms.pickupPointIds ?? [h.pointId],
    }),
  )
  return campaignId
}

/** Free campaigns only (see coupon-paid.test.ts for bought coupons). */
const claim = (openid: string, campaignId: string, requestId: string) => h.call<CouponClaimIssued>('coupon', openid, { action: 'claim', campaignId, requestId })

async function claimedCode(openid: string = DEMO.residents[0], terms: Parameters<typeof campaign>[0] = {}) {
  const campaignId = await campaign(terms)
  const { couponId, code } = expectOk(await claim(openid, campaignId, `req-${campaignId}`))
  return { campaignId, couponId, code }
}

async function mine(openid: string) {
  return expectOk(await h.call<CouponOutputs['listMine']>('coupon', openid, { action: 'listMine' })).items
}

describe('coupon rules (pure)', () => {
  it('redeem: used, then where, then when', () => {
    const c = { status: 'ISSUED' as const, validFrom: 10, validTo: 20, pickupPointIds: ['p1'] }
    expect(decideRedeem({ ...c, status: 'REDEEMED' }, 'p2', 30)).toBe('COUPON.ALREADY_REDEEMED')
    expect(decideRedeem(c, 'p2', 15)).toBe('COUPON.NOT_VALID_HERE')
    expect(decideRedeem(c, 'p1', 9)).toBe('COUPON.EXPIRED')
    expect(decideRedeem(c, 'p1', 20)).toBe('COUPON.EXPIRED')
    expect(decideRedeem(c, 'p1', 15)).toBeNull()
  })
  it('a scanned QR or a typed code gives the code; anything else nothing', () => {
    expect(couponCodeFromScan('LLT-COUPON:012345678901')).toBe('012345678901')
    expect(couponCodeFromScan(' 012345678901 ')).toBe('012345678901')
    expect(couponCodeFromScan('LLT-COUPON:1234')).toBeNull()
  })
  it('100,000 generated coupon codes are 12 digits and distinct', async () => {
    const taken = new Set<string>()
    const reserve = async (code: string) => (taken.has(code) ? false : (taken.add(code), true))
    for (let i = 0; i < 100_000; i++) expect(isCouponCodeFormat(await allocateCode(() => drawDigits(12), reserve))).toBe(true)
    expect(taken.size).toBe(100_000)
  })
})

describe('coupon campaigns', () => {
  it('the seeded merchant campaign is listed at the first pickup point and can be claimed', async () => {
    const list = expectOk(await h.call<CouponOutputs['listCampaigns']>('coupon', DEMO.residents[0], { action: 'listCampaigns', pickupPointId: h.pointId })).items
    const seeded = list.find((c) => c.title.includes('满 30 减 5'))!
    expect(seeded).toMatchObject({ valueFen: 500, priceFen: 0, total: 100, remaining: 100, claimedByMe: 0, pickupPointIds: [h.pointId] })
    const other = expectOk(await h.call<CouponOutputs['listCampaigns']>('coupon', DEMO.residents[0], { action: 'listCampaigns', pickupPointId: h.otherPointId })).items
    expect(other.find((c) => c.campaignId === seeded.campaignId)).toBeUndefined()

    const got = expectOk(await claim(DEMO.residents[0], seeded.campaignId, 'seeded-claim-1'))
    expect(got.code).toMatch(/^\d{12}$/)
    expect(got.qrContent).toBe(`LLT-COUPON:${got.code}`)
    // A retried tap (same requestId) answers with the same coupon and takes no second one.
    expect(expectOk(await claim(DEMO.residents[0], seeded.campaignId, 'seeded-claim-1'))).toEqual(got)
    const after = expectOk(await h.call<CouponOutputs['listCampaigns']>('coupon', DEMO.residents[0], { action: 'listCampaigns' })).items.find((c) => c.campaignId === seeded.campaignId)!
    expect(after).toMatchObject({ remaining: 99, claimedByMe: 1 })
    expect((await mine(DEMO.residents[0])).find((c) => c.couponId === got.couponId)).toMatchObject({ code: got.code, status: 'ISSUED', title: seeded.title })
    // limitPerUser 1: a second, different claim is refused.
    expect(errorCode(await claim(DEMO.residents[0], seeded.campaignId, 'seeded-claim-2'))).toBe('COUPON.LIMIT_EXCEEDED')
  })

  it('100 coupons, 500 residents claiming at once (twice each, limit 1): exactly 100 issued, nobody holds two', async () => {
    const campaignId = await campaign({ total: 100, limitPerUser: 1 })
    const people = Array.from({ length: 500 }, (_, i) => `crowd-${i}`)
    const replies = await Promise.all(people.flatMap((p) => [claim(p, campaignId, `a-${p}`), claim(p, campaignId, `b-${p}`)]))
    const wins = replies.filter((r) => r.ok).map((r) => expectOk(r))
    expect(wins).toHaveLength(100)
    const refusals = replies.filter((r) => !r.ok).map(errorCode)
    expect(refusals.every((c) => c === 'COUPON.SOLD_OUT' || c === 'COUPON.LIMIT_EXCEEDED')).toBe(true)
    expect(new Set(wins.map((w) => w.code)).size).toBe(100)

    expect(await h.count('coupons', { campaignId })).toBe(100)
    const perPerson = new Map<string, number>()
    const res = (await h.db().collection('coupons').where({ campaignId }).limit(1000).get()) as unknown as { data: { openid: string }[] }
    for (const c of res.data) perPerson.set(c.openid, (perPerson.get(c.openid) ?? 0) + 1)
    expect(Math.max(...perPerson.values())).toBe(1)
    const listed = expectOk(await h.call<CouponOutputs['listCampaigns']>('coupon', 'crowd-0', { action: 'listCampaigns' })).items.find((c) => c.campaignId === campaignId)!
    expect(listed.remaining).toBe(0)
    expect(errorCode(await claim('late-comer', campaignId, 'late-comer-1'))).toBe('COUPON.SOLD_OUT')
  })

  it('one resident tapping 10 times at once (limit 2) gets exactly 2 coupons', async () => {
    const campaignId = await campaign({ total: 50, limitPerUser: 2 })
    const replies = await Promise.all(Array.from({ length: 10 }, (_, i) => claim(DEMO.residents[1], campaignId, `tap-${campaignId}-${i}`)))
    expect(replies.filter((r) => r.ok)).toHaveLength(2)
    expect(replies.filter((r) => errorCode(r) === 'COUPON.LIMIT_EXCEEDED')).toHaveLength(8)
    expect((await mine(DEMO.residents[1])).filter((c) => c.campaignId === campaignId)).toHaveLength(2)
  })

  it('only merchants create campaigns, at pickup points that exist, with sane terms', async () => {
    const now = Date.now()
    const base = { action: 'createCampaign', title: '券', valueFen: 100, priceFen: 0, total: 5, limitPerUser: 1, validFrom: now, validTo: now + DAY, pickupPointIds: [h.pointId] }
    const before = await h.count('couponCampaigns')
    expect(errorCode(await h.call('coupon', DEMO.residents[0], base))).toBe('AUTH.FORBIDDEN')
    expect(errorCode(await h.call('coupon', DEMO.clerk, base))).toBe('AUTH.FORBIDDEN')
    expect(errorCode(await h.call('coupon', DEMO.merchant, { ...base, pickupPointIds: ['no-such-point'] }))).toBe('PICKUP_POINT.NOT_FOUND')
    expect(errorCode(await h.call('coupon', DEMO.merchant, { ...base, priceFen: -1 }))).toBe('INPUT.INVALID')
    expect(errorCode(await h.call('coupon', DEMO.merchant, { ...base, validTo: now - DAY }))).toBe('INPUT.INVALID')
    expect(errorCode(await h.call('coupon', DEMO.merchant, { ...base, total: 0 }))).toBe('INPUT.INVALID')
    expect(errorCode(await h.call('coupon', DEMO.merchant, { ...base, limitPerUser: 6 }))).toBe('INPUT.INVALID')
    expect(errorCode(await h.call('coupon', DEMO.merchant, { ...base, issued: 5 }))).toBe('INPUT.INVALID')
    expect(await h.count('couponCampaigns')).toBe(before)
  })
})

describe('coupon.redeem', () => {
  it('20 concurrent redemptions of one coupon by two clerks: exactly one succeeds', async () => {
    const { code, couponId, campaignId } = await claimedCode()
    const replies = await Promise.all(Array.from({ length: 20 }, (_, i) => h.call<CouponOutputs['redeem']>('coupon', i % 2 ? DEMO.clerk : clerkB, { action: 'redeem', code })))
    const wins = replies.filter((r) => r.ok)
    expect(wins).toHaveLength(1)
    expect(expectOk(wins[0])).toMatchObject({ couponId, campaignId, valueFen: 500, status: 'REDEEMED' })
    expect(replies.filter((r) => errorCode(r) === 'COUPON.ALREADY_REDEEMED')).toHaveLength(19)
    expect((await mine(DEMO.residents[0])).find((c) => c.couponId === couponId)!.status).toBe('REDEEMED')
    expect(await h.count('verifications', { kind: 'coupon', code })).toBe(20)
    expect(await h.count('verifications', { kind: 'coupon', code, outcome: 'REDEEMED' })).toBe(1)
  })

  it('a clerk of a non-partner store, a leader and a resident are refused; the coupon stays usable; all audited', async () => {
    const { code, couponId } = await claimedCode(DEMO.residents[2])
    expect(errorCode(await h.call('coupon', DEMO.otherClerk, { action: 'redeem', code }))).toBe('COUPON.NOT_VALID_HERE')
    expect(errorCode(await h.call('coupon', DEMO.leader, { action: 'redeem', code }))).toBe('AUTH.FORBIDDEN')
    expect(errorCode(await h.call('coupon', DEMO.residents[2], { action: 'redeem', code }))).toBe('AUTH.FORBIDDEN')
    expect(errorCode(await h.call('coupon', DEMO.merchant, { action: 'redeem', code }))).toBe('AUTH.FORBIDDEN')
    expect((await mine(DEMO.residents[2])).find((c) => c.couponId === couponId)!.status).toBe('ISSUED')
    expect(await h.count('verifications', { kind: 'coupon', code })).toBe(4)
    expect(await h.count('verifications', { kind: 'coupon', code, outcome: 'COUPON.NOT_VALID_HERE', pickupPointId: h.otherPointId })).toBe(1)
    expect(expectOk(await h.call('coupon', DEMO.clerk, { action: 'redeem', code })).status).toBe('REDEEMED')
  })

  it('a coupon is accepted at every partner store of its campaign', async () => {
    const { code } = await claimedCode(DEMO.residents[1], { pickupPointIds: [h.pointId, h.otherPointId] })
    expect(expectOk(await h.call('coupon', DEMO.otherClerk, { action: 'redeem', code })).status).toBe('REDEEMED')
  })

  it('outside its validity a coupon is COUPON.EXPIRED (not yet valid, and after the end)', async () => {
    const now = Date.now()
    const early = await claimedCode(DEMO.residents[0], { validFrom: now + DAY, validTo: now + 2 * DAY })
    expect(errorCode(await h.call('coupon', DEMO.clerk, { action: 'redeem', code: early.code }))).toBe('COUPON.EXPIRED')
    const late = await claimedCode(DEMO.residents[0], { validFrom: now - DAY, validTo: Date.now() + 300 })
    await new Promise((r) => setTimeout(r, 350))
    expect(errorCode(await h.call('coupon', DEMO.clerk, { action: 'redeem', code: late.code }))).toBe('COUPON.EXPIRED')
    const statuses = (await mine(DEMO.residents[0])).filter((c) => c.couponId === early.couponId || c.couponId === late.couponId).map((c) => c.status)
    expect(statuses).toEqual(['ISSUED', 'ISSUED'])
    // And it can no longer be claimed either.
    expect(errorCode(await claim(DEMO.residents[1], late.campaignId, 'too-late-1'))).toBe('COUPON.NOT_OPEN')
  })

  it('an unknown code is COUPON.NOT_FOUND and audited', async () => {
    let code = drawDigits(12)
    while (await h.count('coupons', { code })) code = drawDigits(12)
    expect(errorCode(await h.call('coupon', DEMO.clerk, { action: 'redeem', code }))).toBe('COUPON.NOT_FOUND')
    expect(await h.count('verifications', { kind: 'coupon', code, outcome: 'COUPON.NOT_FOUND' })).toBe(1)
  })

  it('malformed input is INPUT.INVALID and writes nothing', async () => {
    const { code, campaignId } = await claimedCode(DEMO.residents[2])
    const counts = async () => [await h.count('verifications'), await h.count('coupons'), await h.count('couponClaims')]
    const before = await counts()
    const bad: [string, Record<string, unknown>][] = [
      [DEMO.clerk, { action: 'redeem' }],
      [DEMO.clerk, { action: 'redeem', code: code.slice(1) }],
      [DEMO.clerk, { action: 'redeem', code: Number(code) }],
      [DEMO.clerk, { action: 'redeem', code: `LLT-COUPON:${code}` }],
      [DEMO.clerk, { action: 'redeem', code, pickupPointId: h.pointId }],
      [DEMO.residents[0], { action: 'claim', campaignId }],
      [DEMO.residents[0], { action: 'claim', campaignId, requestId: 'short' }],
      [DEMO.residents[0], { action: 'claim', campaignId: { $ne: '' }, requestId: 'abcdefgh-1' }],
      [DEMO.residents[0], { action: 'claim', campaignId, requestId: 'abcdefgh-2', quantity: 5 }],
      [DEMO.residents[0], { action: 'listMine', cursor: 'not-a-cursor' }],
      [DEMO.residents[0], { action: 'listCampaigns', pickupPointId: ['a'] }],
    ]
    for (const [who, event] of bad) expect([JSON.stringify(event), errorCode(await h.call('coupon', who, event))]).toEqual([JSON.stringify(event), 'INPUT.INVALID'])
    expect(await counts()).toEqual(before)
  })
})
