/**
 * Merchant-side privacy, attacked (this stop's audit): what a brand merchant could try to learn who one resident is,
 * or single one out, through insight, feedback, coupon campaigns, supply and after-sales. Three holes it found are
 * fixed: the repeat rate over a handful of buyers (it said whether two purchases were one person's), a member-level
 * campaign for one member (exact counts told when they used it), a rating carrying its order id (joined to a
 * ledger line). The "REFUSED" attacks were already stopped and stay as regression tests. Not changed: the sales
 * cells themselves are exact (docs/api.md: a merchant's own sales, as its ledger has them line by line).
 */
import { K_ANONYMITY_MIN } from '@shared/domain/insight'
import { audienceSize as exactSize } from '@server/insight/audience'
import { pickedUpGroupBuy, pickedUpSupplyRound } from './support/after-pickup'
import { must, database, DEMO, newRequestId, testCloudForThisFile, type Doc } from './support/cloud'
import { createProduct, groupBuyFromOffer, paidOrder, publishOffer } from './support/merchant'
import { chinaToday, newMerchant, newPoint } from './support/insight'

jest.setTimeout(300_000)

const cloud = testCloudForThisFile()
const DAY = 86_400_000

async function consentingResident(openid: string, pointId: string): Promise<void> {
  await must(cloud.call('user', openid, { action: 'choosePickupPoint', pickupPointId: pointId }), 'choosePickupPoint')
  await must(cloud.call('user', openid, { action: 'setMarketingConsent', consent: true }), 'setMarketingConsent')
}

const dashboard = (merchant: string) => cloud.call<Doc>('insight', merchant, { action: 'dashboard', ...chinaToday() })

async function campaignOf(merchant: string, campaignId: string): Promise<Doc> {
  const res = await must<{ items: Doc[] }>(cloud.call('coupon', merchant, { action: 'listMyCampaigns' }), 'listMyCampaigns')
  return res.items.find((c) => c.campaignId === campaignId)!
}

describe('sales dashboard', () => {
  it('the repeat rate over one day would say whether two purchases (of two products) were made by one resident: over fewer than ten buyers a merchant is told none', async () => {
    // Merchant 1: one resident buys product X and product Y today.
    const M1 = await newMerchant(cloud, 'audit-dash-merchant-2')
    const X1 = await groupBuyFromOffer(cloud, DEMO.leader, await publishOffer(cloud, await createProduct(cloud, { merchantId: M1, name: '审计X1', category: '审计类目' }), M1))
    const Y1 = await groupBuyFromOffer(cloud, DEMO.leader, await publishOffer(cloud, await createProduct(cloud, { merchantId: M1, name: '审计Y1', category: '审计类目' }), M1))
    await paidOrder(cloud, 'audit-repeat-same', X1, 1)
    await paidOrder(cloud, 'audit-repeat-same', Y1, 1)
    // Merchant 2: the same sales, by two different residents.
    const M2 = await newMerchant(cloud, 'audit-dash-merchant-3')
    const X2 = await groupBuyFromOffer(cloud, DEMO.leader, await publishOffer(cloud, await createProduct(cloud, { merchantId: M2, name: '审计X2', category: '审计类目' }), M2))
    const Y2 = await groupBuyFromOffer(cloud, DEMO.leader, await publishOffer(cloud, await createProduct(cloud, { merchantId: M2, name: '审计Y2', category: '审计类目' }), M2))
    await paidOrder(cloud, 'audit-repeat-a', X2, 1)
    await paidOrder(cloud, 'audit-repeat-b', Y2, 1)

    const [d1, d2] = [await must(dashboard(M1), 'dashboard 1'), await must(dashboard(M2), 'dashboard 2')]
    // Same days/points/products sums; the rate alone tells "one person bought both" (1) from "two people" (0).
    expect((d1.days as Doc[]).map((r) => r.orders)).toEqual((d2.days as Doc[]).map((r) => r.orders))
    // The rate alone told "one person bought both" (1) from "two people" (0); now neither is told.
    expect([d1.repeatRate, d2.repeatRate]).toEqual([null, null])
  })
})

describe('coupon campaigns', () => {
  it('a member-level campaign (minLevel, no audience) for fewer than ten members is refused like an audience; over ten its counts move in steps of ten', async () => {
    const M = await newMerchant(cloud, 'audit-level-merchant')
    const gold = 'audit-level-gold'
    // ¥2000 picked up = 2000 lifetime points = 金卡 (level 2): the only one.
    await pickedUpGroupBuy(cloud, { [gold]: 1 }, { priceFen: 200_000 })
    expect((await must<Doc>(cloud.call('member', gold, { action: 'me' }), 'member.me')).level).toBe(2)
    await cloud.call('user', gold, { action: 'setMarketingConsent', consent: true })
    // The same criterion as an audience is refused: fewer than 10.
    expect((await cloud.call('insight', M, { action: 'audienceSize', audience: { minLevel: 2 } })).error?.code).toBe('AUDIENCE.TOO_SMALL')

    const now = Date.now()
    const goldCampaign = () => cloud.call<{ campaignId: string }>('coupon', M, {
      action: 'createCampaign', title: '金卡专享', valueFen: 500, priceFen: 0, total: 100, limitPerUser: 1, validFrom: now - 1000, validTo: now + DAY,
      pickupPointIds: [cloud.pickupPointId], minLevel: 2,
    })
    // A campaign for the one 金卡 member: refused as the audience is (before, it was made, and its exact counts told
    // when that member claimed and used it).
    expect((await goldCampaign()).error?.code).toBe('AUDIENCE.TOO_SMALL')
    // Ten more reach 金卡: it is made, and the one member's claim and use do not move what the merchant sees.
    for (let i = 0; i < 10; i++) await database().collection('members').doc(`audit-level-gold-${i}`).set({ data: { points: 0, lifetimePoints: 2000, unrecoveredPoints: 0, version: 1, updatedAt: now } })
    const made = await goldCampaign()
    expect(made.ok).toBe(true)
    const before = await campaignOf(M, made.data.campaignId)
    expect((await must<Doc>(cloud.call('coupon', gold, { action: 'claim', campaignId: made.data.campaignId, requestId: newRequestId() }), 'claim')).status).toBe('ISSUED')
    const code = (await must<{ items: Doc[] }>(cloud.call('coupon', gold, { action: 'listMine' }), 'listMine')).items.find((c) => c.campaignId === made.data.campaignId)!.code
    await must(cloud.call('coupon', DEMO.clerk, { action: 'redeem', code }), 'redeem')
    const after = await campaignOf(M, made.data.campaignId)
    expect({ issued: after.issued - before.issued, redeemed: after.redeemed - before.redeemed }).toEqual({ issued: 0, redeemed: 0 })
  })
})

describe('ratings shown to the merchant', () => {
  it('a rating in feedback.forProduct names no order and no instant, so it joins no ledger line (跟团号, pay time) or pick-list row', async () => {
    const buyer = 'audit-rating-linker'
    const r = await pickedUpSupplyRound(cloud, { [buyer]: 1, 'audit-rating-other': 4 })
    await must(cloud.call('feedback', buyer, { action: 'rate', orderId: r.orders[buyer], stars: 1, text: '再也不买了' }), 'rate')
    const rating = (await must<Doc>(cloud.call('feedback', DEMO.merchant, { action: 'forProduct', productId: r.productId }), 'forProduct')).ratings.items[0]
    // The ledger lines of the merchant name the same order, with its 跟团号.
    const lines: Doc[] = []
    for (let cursor: string | undefined, i = 0; i < 20; i++) {
      const page = await must<{ items: Doc[]; nextCursor: string | null }>(cloud.call('ledger', DEMO.merchant, { action: 'entries', ...(cursor ? { cursor } : {}) }), 'entries')
      lines.push(...page.items)
      if (!page.nextCursor) break
      cursor = page.nextCursor
    }
    expect(rating.orderId).toBeUndefined()
    expect(rating.createdAt).toBeUndefined()
    expect(rating.ratedOn % DAY).toBe(16 * 3600_000) // a China midnight (16:00 UTC)
    const joined = lines.find((l) => l.orderId === rating.orderId || l.createdAt === rating.ratedOn)
    const pick = (await must<{ items: Doc[] }>(cloud.call('groupBuy', DEMO.merchant, { action: 'pickList', groupBuyId: r.groupBuyId }), 'pickList')).items
    const row = joined ? pick.find((p) => p.seq === joined.seq) : undefined
    // What the join gives the merchant: "跟团号 n, 1 unit, paid at t, wrote '再也不买了'".
    expect({ joined: !!joined, quantity: row?.quantity }).toEqual({ joined: false, quantity: undefined })
  })
})

// ---------------------------------------------------------------------------------------------------------------
// REFUSED (attacks correctly stopped)
// ---------------------------------------------------------------------------------------------------------------

const audienceSize = (merchant: string, audience: Doc) => cloud.call<{ size: number }>('insight', merchant, { action: 'audienceSize', audience })

function targetedCampaign(merchant: string, audience: Doc, terms: { title: string; total?: number }) {
  const now = Date.now()
  return cloud.call<{ campaignId: string; notified: number }>('coupon', merchant, {
    action: 'createCampaign', title: terms.title, valueFen: 500, priceFen: 0, total: terms.total ?? 100, limitPerUser: 1, validFrom: now - 1000, validTo: now + DAY,
    pickupPointIds: [cloud.pickupPointId], audience,
  })
}

async function storedCampaign(campaignId: string): Promise<Doc> {
  const res = (await database().collection('couponCampaigns').where({ _id: campaignId }).limit(1).get()) as unknown as { data: Doc[] }
  return res.data[0]
}

/** Every page of a merchant's ledger entries. */
async function allEntries(merchant: string): Promise<Doc[]> {
  const lines: Doc[] = []
  for (let cursor: string | undefined, i = 0; i < 50; i++) {
    const page = await must<{ items: Doc[]; nextCursor: string | null }>(cloud.call('ledger', merchant, { action: 'entries', ...(cursor ? { cursor } : {}) }), 'entries')
    lines.push(...page.items)
    if (!page.nextCursor) break
    cursor = page.nextCursor
  }
  return lines
}

const csvOf = async (url: string): Promise<string> => {
  expect(url).toMatch(/^https?:\/\//)
  return (await fetch(url)).text()
}

describe('REFUSED: singling one resident out with an audience', () => {
  it('REFUSED: a targeted campaign (or audience size) for one person is AUDIENCE.TOO_SMALL, and nothing is created', async () => {
    const M = await newMerchant(cloud, 'audit-one-merchant')
    const point = await newPoint(cloud, '审计单人小区')
    await consentingResident('audit-one-target', point)
    const audience = { pickupPointIds: [point] }

    expect(await exactSize(database(), audience, Date.now())).toBe(1)
    const sized = await audienceSize(M, audience)
    expect(sized).toMatchObject({ ok: false, error: { code: 'AUDIENCE.TOO_SMALL' } })
    expect(sized.data).toBeUndefined()
    expect(JSON.stringify(sized)).not.toMatch(/\b1\b/)

    const before = await must<{ items: Doc[] }>(cloud.call('coupon', M, { action: 'listMyCampaigns' }), 'listMyCampaigns')
    const made = await targetedCampaign(M, audience, { title: '只给一个人' })
    expect(made).toMatchObject({ ok: false, error: { code: 'AUDIENCE.TOO_SMALL' } })
    expect(made.data).toBeUndefined()
    const after = await must<{ items: Doc[] }>(cloud.call('coupon', M, { action: 'listMyCampaigns' }), 'listMyCampaigns')
    expect(after.items).toEqual(before.items)
    expect(after.items.map((c) => c.title)).not.toContain('只给一个人')
    // Nobody was told anything either.
    const notices = (await database().collection('notices').where({ openid: 'audit-one-target', kind: 'MARKETING' }).limit(10).get()) as unknown as { data: Doc[] }
    expect(notices.data).toHaveLength(0)
  })

  it('REFUSED: two audiences differing by one consenting resident (minOrders / category) answer the same, before and after that person buys', async () => {
    const M = await newMerchant(cloud, 'audit-diff-merchant')
    const point = await newPoint(cloud, '审计差分小区')
    const A = Array.from({ length: K_ANONYMITY_MIN }, (_, i) => `audit-diff-a-${String(i + 1).padStart(2, '0')}`)
    const T = 'audit-diff-target'
    for (const r of [...A, T]) await consentingResident(r, point)
    const C = '审计差分类目'
    const C2 = '审计单人类目'
    const gbC = await groupBuyFromOffer(cloud, DEMO.leader, await publishOffer(cloud, await createProduct(cloud, { merchantId: M, name: '审计差分米', category: C }), M))
    const gbC2 = await groupBuyFromOffer(cloud, DEMO.leader, await publishOffer(cloud, await createProduct(cloud, { merchantId: M, name: '审计单人油', category: C2 }), M))
    // The ten each bought twice.
    for (const r of A) {
      await paidOrder(cloud, r, gbC, 1)
      await paidOrder(cloud, r, gbC, 1)
    }
    const everyone = { pickupPointIds: [point] }
    const buyers = { pickupPointIds: [point], boughtCategories: [C] }
    const twice = { pickupPointIds: [point], boughtCategories: [C], minOrders: 2 }
    const sizes = async () => [await audienceSize(M, everyone), await audienceSize(M, buyers), await audienceSize(M, twice)]
    const exact = async () => [await exactSize(database(), everyone, Date.now()), await exactSize(database(), buyers, Date.now()), await exactSize(database(), twice, Date.now())]
    const ten = { ok: true, data: { size: 10 } }

    // Everyone and buyers differ by T alone; the merchant is told the same for both.
    expect(await exact()).toEqual([11, 10, 10])
    expect(await sizes()).toEqual([ten, ten, ten])
    // T buys once: now buyers and twice differ by T alone.
    await paidOrder(cloud, T, gbC, 1)
    expect(await exact()).toEqual([11, 11, 10])
    expect(await sizes()).toEqual([ten, ten, ten])
    // T buys again: twice moves by T.
    await paidOrder(cloud, T, gbC, 1)
    expect(await exact()).toEqual([11, 11, 11])
    expect(await sizes()).toEqual([ten, ten, ten])
    // An audience that is T alone is refused with no number, however it is drawn.
    await paidOrder(cloud, T, gbC2, 1)
    await paidOrder(cloud, T, gbC2, 1)
    for (const alone of [{ boughtCategories: [C2], minOrders: 2 }, { boughtCategories: [C2] }, { pickupPointIds: [point], minOrders: 3 }]) {
      expect(await exactSize(database(), alone, Date.now())).toBe(1)
      const res = await audienceSize(M, alone)
      expect(res).toMatchObject({ ok: false, error: { code: 'AUDIENCE.TOO_SMALL' } })
      expect(res.data).toBeUndefined()
    }
    expect((await targetedCampaign(M, { boughtCategories: [C2], minOrders: 2 }, { title: '审计单人券' })).error?.code).toBe('AUDIENCE.TOO_SMALL')
    // And the wider ones still answer what they did.
    expect(await sizes()).toEqual([ten, ten, ten])
  })

  it('REFUSED: a targeted campaign of total 1 claimed by one resident does not move the merchant\'s issued/redeemed', async () => {
    const M = await newMerchant(cloud, 'audit-total1-merchant')
    const point = await newPoint(cloud, '审计限量小区')
    const residents = Array.from({ length: K_ANONYMITY_MIN + 1 }, (_, i) => `audit-total1-${String(i + 1).padStart(2, '0')}`)
    for (const r of residents) await consentingResident(r, point)
    const made = await must(targetedCampaign(M, { pickupPointIds: [point] }, { title: '审计唯一券', total: 1 }), 'createCampaign')
    // 11 were told; the merchant is told a multiple of 10.
    expect(made.notified % 10).toBe(0)
    expect(made.notified).toBe(10)
    const shown = async () => {
      const c = await campaignOf(M, made.campaignId)
      return { total: c.total, issued: c.issued, redeemed: c.redeemed }
    }
    expect(await shown()).toEqual({ total: 1, issued: 0, redeemed: 0 })

    const claimer = residents[4]
    expect((await must<Doc>(cloud.call('coupon', claimer, { action: 'claim', campaignId: made.campaignId, requestId: newRequestId() }), 'claim')).status).toBe('ISSUED')
    expect((await storedCampaign(made.campaignId)).issued).toBe(1) // what is stored stays exact
    expect(await shown()).toEqual({ total: 1, issued: 0, redeemed: 0 })

    const code = (await must<{ items: Doc[] }>(cloud.call('coupon', claimer, { action: 'listMine' }), 'listMine')).items.find((c) => c.campaignId === made.campaignId)!.code
    await must(cloud.call('coupon', DEMO.clerk, { action: 'redeem', code }), 'redeem')
    const redeemed = (await database().collection('coupons').where({ campaignId: made.campaignId, status: 'REDEEMED' }).count()) as unknown as { total: number }
    expect(redeemed.total).toBe(1)
    expect(await shown()).toEqual({ total: 1, issued: 0, redeemed: 0 })
  })
})

describe('REFUSED: what a merchant is shown names no resident', () => {
  it('REFUSED: dashboard, feedback, campaigns, pick list (json + csv), purchase orders (json + csv), after-sales inbox, offers, ledger: no openid, name, phone or note', async () => {
    const R = 'audit-scan-resident-q7'
    const contact = { name: '蒋审计', phone: '13955519073', note: '9号楼808室' }
    const phoneTail = contact.phone.slice(-4)
    await must(cloud.call('user', R, { action: 'setContact', ...contact }), 'setContact')
    const round = await pickedUpSupplyRound(cloud, { [R]: 2, 'audit-scan-other': 1 })
    const orderId = round.orders[R]
    await must(cloud.call('feedback', R, { action: 'rate', orderId, stars: 2, tags: [], text: '有点小' }), 'rate')
    await must(cloud.call('afterSales', R, { action: 'request', orderId, quantity: 1, reason: 'QUALITY', text: '坏了一个', requestId: newRequestId('as') }), 'afterSales.request')

    const M = DEMO.merchant
    const pickJson = await must<{ items: Doc[] }>(cloud.call('groupBuy', M, { action: 'pickList', groupBuyId: round.groupBuyId }), 'pickList json')
    const pickCsv = await must<{ items: Doc[]; tempFileURL: string }>(cloud.call('groupBuy', M, { action: 'pickList', groupBuyId: round.groupBuyId, format: 'csv' }), 'pickList csv')
    const poJson = await must<{ items: Doc[] }>(cloud.call('supply', M, { action: 'purchaseOrders', offerId: round.offerId }), 'purchaseOrders json')
    const poCsv = await must<{ items: Doc[]; tempFileURL: string }>(cloud.call('supply', M, { action: 'purchaseOrders', offerId: round.offerId, format: 'csv' }), 'purchaseOrders csv')
    const inbox = await must<{ items: Doc[] }>(cloud.call('afterSales', M, { action: 'listForMe' }), 'listForMe')
    const forProduct = await must<Doc>(cloud.call('feedback', M, { action: 'forProduct', productId: round.productId }), 'forProduct')
    const replies: Record<string, unknown> = {
      dashboard: await must(dashboard(M), 'dashboard'),
      forProduct,
      lastRound: await must(cloud.call('feedback', M, { action: 'lastRound', productId: round.productId }), 'lastRound'),
      myProducts: await must(cloud.call('feedback', M, { action: 'myProducts' }), 'myProducts'),
      campaigns: await must(cloud.call('coupon', M, { action: 'listMyCampaigns' }), 'listMyCampaigns'),
      pickJson,
      pickCsv: await csvOf(pickCsv.tempFileURL),
      poJson,
      poCsv: await csvOf(poCsv.tempFileURL),
      inbox,
      offers: await must(cloud.call('supply', M, { action: 'listMine' }), 'supply.listMine'),
      ledger: await allEntries(M),
    }
    // The replies are about this resident's purchase (so a leak would be in them).
    expect(pickJson.items.map((i) => i.quantity).sort()).toEqual([1, 2])
    expect((replies.pickCsv as string).split('\r\n')[0]).not.toContain('收货人')
    expect(inbox.items.some((c) => c.orderId === orderId && c.text === '坏了一个')).toBe(true)
    expect((forProduct.ratings.items as Doc[]).some((r) => r.text === '有点小')).toBe(true)
    expect((replies.ledger as Doc[]).some((l) => l.orderId === orderId)).toBe(true)

    const leaks = (text: string) => [
      ...[R, contact.name, contact.phone, contact.note].filter((s) => text.includes(s)),
      ...(new RegExp(`(?<!\\d)${phoneTail}(?!\\d)`).test(text) ? [phoneTail] : []),
    ]
    const found = Object.entries(replies).map(([what, reply]) => [what, leaks(typeof reply === 'string' ? reply : JSON.stringify(reply))])
    expect(found.filter(([, l]) => l.length > 0)).toEqual([])

    // The leader of the point does see the 收货人 on the same list (so the scan finds it where it is).
    const leaderPick = await must<{ items: Doc[]; tempFileURL: string }>(cloud.call('groupBuy', DEMO.leader, { action: 'pickList', groupBuyId: round.groupBuyId, format: 'csv' }), 'leader pickList')
    expect(leaks(JSON.stringify(leaderPick.items))).toEqual([contact.name, contact.note, phoneTail])
    expect(await csvOf(leaderPick.tempFileURL)).toContain(contact.name)
  })
})

describe('REFUSED: a merchant and the 接龙 list', () => {
  it('REFUSED: a merchant who opens its own group buy at a point (and so is its creator) still gets no 收货人 on its 接龙 list or pick list', async () => {
    const M = await newMerchant(cloud, 'audit-own-gb-merchant')
    const R = 'audit-own-gb-resident'
    const contact = { name: '韩收货', phone: '13955524061', note: '3号楼301' }
    await must(cloud.call('user', R, { action: 'setContact', ...contact }), 'setContact')
    const now = Date.now()
    const { groupBuyId } = await must<{ groupBuyId: string }>(cloud.call('groupBuy', M, {
      action: 'create', title: '商家自开团', priceFen: 1990, stock: 20, minParticipants: 1, limitPerUser: 5, startAt: now - 1000, endAt: now + DAY, pickupPointId: cloud.pickupPointId,
    }), 'groupBuy.create')
    await paidOrder(cloud, R, groupBuyId, 2)

    const parts = await must<{ items: Doc[] }>(cloud.call('groupBuy', M, { action: 'participants', groupBuyId }), 'participants')
    expect(parts.items.map((i) => ({ seq: i.seq, quantity: i.quantity, contact: i.contact }))).toEqual([{ seq: 1, quantity: 2, contact: null }])
    const pick = await must<{ items: Doc[]; tempFileURL: string }>(cloud.call('groupBuy', M, { action: 'pickList', groupBuyId, format: 'csv' }), 'pickList')
    expect(pick.items.map((i) => ({ seq: i.seq, quantity: i.quantity, contact: i.contact }))).toEqual([{ seq: 1, quantity: 2, contact: null }])
    const csv = await csvOf(pick.tempFileURL)
    expect(csv.split('\r\n')[0]).not.toContain('收货人')
    for (const text of [JSON.stringify(parts), JSON.stringify(pick), csv]) {
      for (const s of [R, contact.name, contact.phone, contact.note, '4061']) expect(text).not.toContain(s)
    }
    // The point's leader, on the same group buy, is shown the 收货人.
    const leaderParts = await must<{ items: Doc[] }>(cloud.call('groupBuy', DEMO.leader, { action: 'participants', groupBuyId }), 'leader participants')
    expect(leaderParts.items[0].contact).toEqual({ name: contact.name, phoneTail: '4061', note: contact.note })
  })

  it('REFUSED: a merchant calling participants on another leader\'s group buy is AUTH.FORBIDDEN', async () => {
    const M = await newMerchant(cloud, 'audit-parts-merchant')
    const R = 'audit-parts-resident'
    await must(cloud.call('user', R, { action: 'setContact', name: '钟接龙', phone: '13955530582' }), 'setContact')
    // The leader's own group buy, and the leader's 帮卖 group buy of this very merchant's offer.
    const now = Date.now()
    const own = await must<{ groupBuyId: string }>(cloud.call('groupBuy', DEMO.leader, {
      action: 'create', title: '团长自己的团', priceFen: 990, stock: 20, minParticipants: 1, limitPerUser: 5, startAt: now - 1000, endAt: now + DAY, pickupPointId: cloud.pickupPointId,
    }), 'groupBuy.create')
    const sold = await groupBuyFromOffer(cloud, DEMO.leader, await publishOffer(cloud, await createProduct(cloud, { merchantId: M, name: '审计接龙品' }), M))
    for (const groupBuyId of [own.groupBuyId, sold]) {
      await paidOrder(cloud, R, groupBuyId, 1)
      const res = await cloud.call('groupBuy', M, { action: 'participants', groupBuyId })
      expect(res).toMatchObject({ ok: false, error: { code: 'AUTH.FORBIDDEN' } })
      expect(res.data).toBeUndefined()
      expect(JSON.stringify(res)).not.toContain('钟接龙')
      // The leader gets the list (with the 收货人) for the same call.
      const leader = await must<{ items: Doc[] }>(cloud.call('groupBuy', DEMO.leader, { action: 'participants', groupBuyId }), 'leader participants')
      expect(leader.items.map((i) => i.contact?.name)).toEqual(['钟接龙'])
    }
  })
})
