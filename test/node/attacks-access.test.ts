/**
 * Roles and privacy, written as attacks against the local cloud (an audit of this stop). The first three found
 * holes, each fixed: an export (pick list with 收货人) signed for anyone who planted its id among a group buy's or
 * product's photos; a personal-data export naming staff by openid; a leader made a clerk at another point moved
 * there as leader. The "REFUSED" ones were already stopped and stay as regression tests.
 */
import type { OrderView } from '@shared/contracts/order'
import type { SlotView } from '@shared/contracts/voucher'
import { uploadPhoto } from './support/after-pickup'
import { pickupCodeOf, must, DEMO, createGroupBuy, database, newRequestId, readAll, readDoc, testCloudForThisFile, type Doc, type TestCloud } from './support/cloud'
import { PNG_1PX } from './support/images'
import { paidOrder } from './support/merchant'

jest.setTimeout(300_000)

const cloud = testCloudForThisFile()
const MIN = 60_000

const mentions = (value: unknown, text: string) => JSON.stringify(value).includes(text)


const codeOf = (openid: string, orderId: string) => pickupCodeOf(cloud, openid, orderId)

/** A demo-leader group buy at the demo point, paid by `openid`, goods arrived: the order id and its pickup code. */
async function readyOrder(openid: string, quantity = 1): Promise<{ groupBuyId: string; orderId: string; code: string }> {
  const groupBuyId = await createGroupBuy(cloud, { minParticipants: 1, limitPerUser: 5, stock: 50 })
  const orderId = await paidOrder(cloud, openid, groupBuyId, quantity)
  await must(cloud.call('groupBuy', DEMO.leader, { action: 'markArrived', groupBuyId }), 'markArrived')
  return { groupBuyId, orderId, code: await codeOf(openid, orderId) }
}

// ---------------------------------------------------------------------------------------------------------------
// Holes found by the audit, fixed
// ---------------------------------------------------------------------------------------------------------------

describe('exportMyData of a service (voucher) order names no other person', () => {
  let seq = 0
  async function upload(c: TestCloud, who: string): Promise<string> {
    const up = await fetch(`${c.url}/storage/upload?cloudPath=${encodeURIComponent(`products/audit-svc-${++seq}.png`)}`, { method: 'POST', headers: { 'X-WX-OPENID': who }, body: new Uint8Array(PNG_1PX) })
    return ((await up.json()) as { data: { fileID: string } }).data.fileID
  }

  it('the clerk who redeemed (redeemedBy) and the provider merchant (providerId) appear by their role, not their openid', async () => {
    const R = 'audit-svc-resident'
    const product = await must(cloud.call<{ productId: string }>('catalog', DEMO.merchant, {
      action: 'createProduct', kind: 'SERVICE', name: '审计保洁', unit: '次', category: '家政', images: [await upload(cloud, DEMO.merchant)],
      supplyPriceFen: 6000, suggestedPriceFen: 9900, durationMinutes: 60, servingPointIds: [cloud.pickupPointId],
    }), 'createProduct')
    const now = Date.now()
    const pub = await must(cloud.call<{ groupBuyId: string; slots: SlotView[] }>('voucher', DEMO.merchant, {
      action: 'publish', productId: product.productId, pickupPointId: cloud.pickupPointId, priceFen: 8800, slots: [{ startAt: now + 10 * MIN, endAt: now + 40 * MIN, capacity: 3 }],
    }), 'voucher.publish')
    const booked = await must(cloud.call<{ orderId: string }>('groupBuy', R, { action: 'join', groupBuyId: pub.groupBuyId, quantity: 1, requestId: newRequestId('svc'), slotIndex: 0 }), 'join')
    expect((await cloud.pay.pay(booked.orderId)).ok).toBe(true)
    const order = (await must(cloud.call<{ order: OrderView }>('order', R, { action: 'get', orderId: booked.orderId }), 'order.get')).order
    // The clerk of the serving store redeems it.
    await must(cloud.call('voucher', DEMO.clerk, { action: 'redeem', code: order.voucher!.code! }), 'voucher.redeem')

    const exported = await must(cloud.call<{ data: Doc }>('user', R, { action: 'exportMyData' }), 'exportMyData')
    const mine = (exported.data.orders as Doc[]).find((o) => o._id === booked.orderId)!
    expect(mine).toBeDefined()
    // Not the staff members' openids (stable identifiers of other people): their roles.
    expect({ redeemedBy: mine.redeemedBy, providerId: mine.providerId }).toEqual({ redeemedBy: '店员', providerId: '商家' })
    expect(mentions(exported.data, DEMO.clerk)).toBe(false)
    expect(mentions(exported.data, DEMO.merchant)).toBe(false)
  })
})

describe('exports are never signed by a view, and their paths cannot be guessed', () => {
  it('a merchant who plants the leader\'s pick-list CSV (with residents\' 收货人) among a group buy\'s images gets no URL for it, even knowing its exact id', async () => {
    const R = 'audit-csv-victim'
    await must(cloud.call('user', R, { action: 'setContact', name: '赵秘密', phone: '13900007777', note: '5号楼1203' }), 'setContact')
    const { groupBuyId } = await readyOrder(R)
    const leaderCsv = await must(cloud.call<{ fileID: string; tempFileURL: string }>('groupBuy', DEMO.leader, { action: 'pickList', groupBuyId, format: 'csv' }), 'pickList')
    // The leader's own export works, and holds the 收货人 (so the attack would be worth something).
    expect(await (await fetch(leaderCsv.tempFileURL)).text()).toContain('赵秘密')
    // Its path has a random folder: a time-stamped name alone could be found by trying every millisecond.
    expect(leaderCsv.fileID).toMatch(new RegExp(`/exports/picklists/[0-9a-f]{32}/${groupBuyId}-\\d+\\.csv$`))
    expect((await cloud.call('groupBuy', DEMO.merchant, { action: 'pickList', groupBuyId, format: 'csv' })).error?.code).toBe('AUTH.FORBIDDEN')

    // The strongest attacker knows the exact id (and the old time-stamped path as well): groupBuy.create stores
    // them as images, and groupBuy.get signs neither.
    const now = Date.now()
    const guessed = leaderCsv.fileID.replace(/exports\/picklists\/[0-9a-f]{32}\//, 'exports/picklists/')
    const made = await must(cloud.call<{ groupBuyId: string }>('groupBuy', DEMO.merchant, {
      action: 'create', title: '探测', priceFen: 100, stock: 1, minParticipants: 1, limitPerUser: 1, startAt: now + 86_400_000, endAt: now + 2 * 86_400_000,
      pickupPointId: cloud.otherPickupPointId, images: [leaderCsv.fileID, guessed],
    }), 'groupBuy.create')
    for (const who of [DEMO.merchant, 'audit-csv-bystander']) {
      const got = await must(cloud.call<{ groupBuy: { imageUrls: string[] } }>('groupBuy', who, { action: 'get', groupBuyId: made.groupBuyId }), 'groupBuy.get')
      expect(got.groupBuy.imageUrls).toEqual(['', ''])
    }
  })

  it('catalog.updateProduct refuses an export as a product photo (it reads as no such file), so catalog.get never signs it', async () => {
    const R = 'audit-csv-victim-2'
    await must(cloud.call('user', R, { action: 'setContact', name: '钱隐私', phone: '13900008888' }), 'setContact')
    const { groupBuyId } = await readyOrder(R)
    const leaderCsv = await must(cloud.call<{ fileID: string }>('groupBuy', DEMO.clerk, { action: 'pickList', groupBuyId, format: 'csv' }), 'pickList')
    const own = await uploadPhoto(cloud, DEMO.merchant, 'audit/probe2.png')
    const product = await must(cloud.call<{ productId: string }>('catalog', DEMO.merchant, {
      action: 'createProduct', name: '探测品', unit: '个', category: '其他', images: [own], supplyPriceFen: 100, suggestedPriceFen: 200,
    }), 'createProduct')
    const upd = await cloud.call('catalog', DEMO.merchant, { action: 'updateProduct', productId: product.productId, images: [leaderCsv.fileID] })
    expect(upd.error?.code).toBe('INPUT.INVALID')
    const got = await must(cloud.call<{ products?: Array<{ imageUrls: string[] }>; product?: { imageUrls: string[] } }>('catalog', DEMO.merchant, { action: 'get', productId: product.productId }), 'catalog.get')
    expect(JSON.stringify(got)).not.toContain('exports/')
  })
})

describe('one binding for both point-bound roles', () => {
  it('a leader of point 1 cannot be made a clerk at point 2 (it would make them leader there and take point 1 away); the same role elsewhere moves them', async () => {
    const X = 'audit-dual-role'
    await must(cloud.call('admin', DEMO.admin, { action: 'grantRole', openid: X, role: 'leader', pickupPointId: cloud.pickupPointId }), 'grant leader')
    const clerk = await cloud.call('admin', DEMO.admin, { action: 'grantRole', openid: X, role: 'clerk', pickupPointId: cloud.otherPickupPointId })
    expect(clerk.error?.code).toBe('ROLE.BOUND_ELSEWHERE')
    expect(await readDoc('users', X)).toMatchObject({ roles: ['leader'], boundPickupPointId: cloud.pickupPointId })
    // X still leads point 1 and is nobody at point 2.
    expect((await cloud.call('admin', X, { action: 'updatePickupPoint', pickupPointId: cloud.otherPickupPointId, contactPhone: '021-55556666' })).error?.code).toBe('AUTH.FORBIDDEN')
    expect((await cloud.call('admin', X, { action: 'updatePickupPoint', pickupPointId: cloud.pickupPointId, contactPhone: '021-55556666' })).ok).toBe(true)
    // Clerk at the same point: fine. Leader moved to point 2 (the same role elsewhere) is a move, not a second
    // binding — refused while the clerk role would be moved along with it.
    await must(cloud.call('admin', DEMO.admin, { action: 'grantRole', openid: X, role: 'clerk', pickupPointId: cloud.pickupPointId }), 'clerk at the same point')
    expect((await cloud.call('admin', DEMO.admin, { action: 'grantRole', openid: X, role: 'leader', pickupPointId: cloud.otherPickupPointId })).error?.code).toBe('ROLE.BOUND_ELSEWHERE')
    const Y = 'audit-moved-leader'
    await must(cloud.call('admin', DEMO.admin, { action: 'grantRole', openid: Y, role: 'leader', pickupPointId: cloud.pickupPointId }), 'grant Y')
    await must(cloud.call('admin', DEMO.admin, { action: 'grantRole', openid: Y, role: 'leader', pickupPointId: cloud.otherPickupPointId }), 'move Y')
    expect(await readDoc('users', Y)).toMatchObject({ roles: ['leader'], boundPickupPointId: cloud.otherPickupPointId })
  })
})

// ---------------------------------------------------------------------------------------------------------------
// REFUSED (attacks correctly stopped)
// ---------------------------------------------------------------------------------------------------------------

describe('REFUSED: the pickup counter', () => {
  it('REFUSED: another store’s clerk, a leader, a merchant and a resident cannot hand over by code; every attempt is audited', async () => {
    const R = 'audit-pick-1'
    const { orderId, code } = await readyOrder(R)
    for (const who of [DEMO.otherClerk, DEMO.leader, DEMO.merchant, DEMO.residents[1]]) {
      expect((await cloud.call('pickup', who, { action: 'verify', code })).error?.code).toBe('AUTH.FORBIDDEN')
    }
    expect((await readDoc('orders', orderId))!.status).toBe('READY_FOR_PICKUP')
    expect((await readAll('verifications', { code })).length).toBe(4)
  })

  it('REFUSED: the own clerk hands over once; a second scan, a list hand-over and 10 concurrent scans are refused', async () => {
    const R = 'audit-pick-2'
    const { orderId, code } = await readyOrder(R)
    const replies = await Promise.all(Array.from({ length: 10 }, () => cloud.call('pickup', DEMO.clerk, { action: 'verify', code })))
    expect(replies.filter((r) => r.ok)).toHaveLength(1)
    expect(replies.filter((r) => !r.ok).every((r) => r.error?.code === 'PICKUP.ALREADY_USED')).toBe(true)
    expect((await cloud.call('pickup', DEMO.clerk, { action: 'handOver', orderId })).ok).toBe(false)
  })

  it('REFUSED: another store’s clerk cannot hand over by order id, nor find the order by phone tail', async () => {
    const R = 'audit-pick-3'
    await must(cloud.call('user', R, { action: 'setContact', name: '周', phone: '13900005555' }), 'setContact')
    const { orderId } = await readyOrder(R)
    expect((await cloud.call('pickup', DEMO.otherClerk, { action: 'handOver', orderId })).error?.code).toBe('ORDER.NOT_FOUND')
    const tail = await cloud.call<{ items: Doc[] }>('pickup', DEMO.otherClerk, { action: 'today', phoneTail: '5555' })
    expect(tail.data.items).toEqual([])
  })

  it('REFUSED: a 代取 code of someone else’s order cannot be made; an all-my-orders code does not work at another store', async () => {
    const R = 'audit-pick-4'
    const { orderId } = await readyOrder(R)
    expect((await cloud.call('pickup', DEMO.residents[2], { action: 'delegate', orderId })).error?.code).toBe('ORDER.NOT_FOUND')
    const mine = await must(cloud.call<{ code: string }>('pickup', R, { action: 'myCode', pickupPointId: cloud.pickupPointId }), 'myCode')
    expect((await cloud.call('pickup', DEMO.otherClerk, { action: 'verify', code: mine.code })).error?.code).toBe('AUTH.FORBIDDEN')
    expect((await readDoc('orders', orderId))!.status).toBe('READY_FOR_PICKUP')
  })

  it('REFUSED: the 配送单 of another point (leader of point 1, clerk of point 2)', async () => {
    expect((await cloud.call('pickup', DEMO.leader, { action: 'deliveryList', pickupPointId: cloud.otherPickupPointId })).error?.code).toBe('AUTH.FORBIDDEN')
    expect((await cloud.call('pickup', DEMO.otherClerk, { action: 'deliveryList', pickupPointId: cloud.pickupPointId })).error?.code).toBe('AUTH.FORBIDDEN')
    expect((await cloud.call('pickup', DEMO.merchant, { action: 'deliveryList', pickupPointId: cloud.pickupPointId })).error?.code).toBe('AUTH.FORBIDDEN')
  })

  it('REFUSED: a revoked clerk (role removed from users) is refused at the very next call', async () => {
    const C = 'audit-revoked-clerk'
    await must(cloud.call('admin', DEMO.admin, { action: 'grantRole', openid: C, role: 'clerk', pickupPointId: cloud.pickupPointId }), 'grant')
    const { code, orderId } = await readyOrder('audit-pick-5')
    await database().collection('users').doc(C).update({ data: { roles: [] } })
    expect((await cloud.call('pickup', C, { action: 'verify', code })).error?.code).toBe('AUTH.FORBIDDEN')
    expect((await cloud.call('pickup', C, { action: 'today' })).error?.code).toBe('AUTH.FORBIDDEN')
    expect((await readDoc('orders', orderId))!.status).toBe('READY_FOR_PICKUP')
  })
})

describe('REFUSED: coupons at the counter', () => {
  it('REFUSED: redeemed only by a clerk of a partner store, exactly once', async () => {
    const now = Date.now()
    const c = await must(cloud.call<{ campaignId: string }>('coupon', DEMO.merchant, {
      action: 'createCampaign', title: '审计券', valueFen: 500, priceFen: 0, total: 10, limitPerUser: 1, validFrom: now - 1000, validTo: now + 86_400_000, pickupPointIds: [cloud.pickupPointId],
    }), 'createCampaign')
    const { code } = await must(cloud.call<{ code: string }>('coupon', 'audit-coupon-1', { action: 'claim', campaignId: c.campaignId, requestId: newRequestId('cp') }), 'claim')
    expect((await cloud.call('coupon', DEMO.otherClerk, { action: 'redeem', code })).error?.code).toBe('COUPON.NOT_VALID_HERE')
    for (const who of [DEMO.leader, DEMO.merchant, 'audit-coupon-1']) expect((await cloud.call('coupon', who, { action: 'redeem', code })).error?.code).toBe('AUTH.FORBIDDEN')
    const replies = await Promise.all(Array.from({ length: 5 }, () => cloud.call('coupon', DEMO.clerk, { action: 'redeem', code })))
    expect(replies.filter((r) => r.ok)).toHaveLength(1)
  })
})

describe('REFUSED: leaders and merchants outside their own', () => {
  let otherGb = ''
  beforeAll(async () => {
    const now = Date.now()
    otherGb = (await must(cloud.call<{ groupBuyId: string }>('groupBuy', DEMO.admin, {
      action: 'create', title: '二号点团 B', priceFen: 1000, stock: 10, minParticipants: 1, limitPerUser: 2, startAt: now - 1000, endAt: now + 3600_000, pickupPointId: cloud.otherPickupPointId,
    }), 'create')).groupBuyId
  })

  it('REFUSED: a leader cannot create at, close, remind, list or sign off another point’s group buy', async () => {
    const now = Date.now()
    expect((await cloud.call('groupBuy', DEMO.leader, { action: 'create', title: 'x', priceFen: 100, stock: 1, minParticipants: 1, limitPerUser: 1, startAt: now, endAt: now + 3600_000, pickupPointId: cloud.otherPickupPointId })).error?.code).toBe('AUTH.FORBIDDEN')
    for (const action of ['close', 'participants', 'markArrived', 'pickList']) {
      expect((await cloud.call('groupBuy', DEMO.leader, { action, groupBuyId: otherGb })).error?.code).toBe('AUTH.FORBIDDEN')
    }
    expect((await cloud.call('pickup', DEMO.leader, { action: 'remind', groupBuyId: otherGb })).error?.code).toBe('AUTH.FORBIDDEN')
    expect((await cloud.call('admin', DEMO.leader, { action: 'updatePickupPoint', pickupPointId: cloud.otherPickupPointId, contactPhone: '021-55556666' })).error?.code).toBe('AUTH.FORBIDDEN')
  })

  it('REFUSED: a merchant gets no 接龙 list of a leader’s group buy and cannot sign it off; another merchant’s product/offer reads as missing', async () => {
    const gb = await createGroupBuy(cloud, { minParticipants: 1 })
    expect((await cloud.call('groupBuy', DEMO.merchant, { action: 'participants', groupBuyId: gb })).error?.code).toBe('AUTH.FORBIDDEN')
    expect((await cloud.call('groupBuy', DEMO.merchant, { action: 'pickList', groupBuyId: gb })).error?.code).toBe('AUTH.FORBIDDEN')
    const M2 = 'audit-merchant-2'
    await must(cloud.call('admin', DEMO.admin, { action: 'grantRole', openid: M2, role: 'merchant' }), 'grant')
    const mine = await must(cloud.call<{ items: Doc[] }>('catalog', DEMO.merchant, { action: 'listMine' }), 'listMine')
    const productId = mine.items[0].productId as string
    expect((await cloud.call('feedback', M2, { action: 'forProduct', productId })).error?.code).toBe('PRODUCT.NOT_FOUND')
    expect((await cloud.call('feedback', M2, { action: 'lastRound', productId })).error?.code).toBe('PRODUCT.NOT_FOUND')
    expect((await cloud.call('catalog', M2, { action: 'updateProduct', productId, name: '抢' })).error?.code).toBe('PRODUCT.NOT_FOUND')
    const offers = await must(cloud.call<{ items: Doc[] }>('supply', DEMO.merchant, { action: 'listMine' }), 'supply.listMine')
    expect((await cloud.call('supply', M2, { action: 'purchaseOrders', offerId: offers.items[0].offerId })).error?.code).toBe('SUPPLY.NOT_FOUND')
  })

  it('REFUSED: identity cannot be put in the event, a resident cannot call staff actions', async () => {
    // An identity key in the event is an unknown key (resident action: no role check before the schema).
    expect((await cloud.call('order', DEMO.residents[0], { action: 'listMine', openid: DEMO.clerk })).error?.code).toBe('INPUT.INVALID')
    expect((await cloud.call('order', DEMO.residents[0], { action: 'listMine', userInfo: { openId: DEMO.clerk } })).ok).toBe(true)
    expect((await cloud.call('pickup', DEMO.residents[0], { action: 'today' })).error?.code).toBe('AUTH.FORBIDDEN')
    expect((await cloud.call('insight', DEMO.residents[0], { action: 'dashboard', from: Date.now() - 86_400_000, to: Date.now() })).error?.code).toBe('AUTH.FORBIDDEN')
    expect((await cloud.call('insight', DEMO.leader, { action: 'audienceSize', audience: {} })).error?.code).toBe('AUTH.FORBIDDEN')
    expect((await cloud.call('settle', DEMO.admin, { Type: 'Timer', TriggerName: 'settle' })).error?.code).toBe('AUTH.FORBIDDEN')
  })

  it('REFUSED: a resident sees only their own orders', async () => {
    const { orderId } = await readyOrder('audit-owner-1')
    expect((await cloud.call('order', 'audit-owner-2', { action: 'get', orderId })).error?.code).toBe('ORDER.NOT_FOUND')
    expect((await cloud.call('order', 'audit-owner-2', { action: 'cancel', orderId })).error?.code).toBe('ORDER.NOT_FOUND')
    expect((await cloud.call('feedback', 'audit-owner-2', { action: 'mine', orderId })).data).toEqual({ rating: null })
    const list = await must(cloud.call<{ items: Doc[] }>('order', 'audit-owner-2', { action: 'listMine' }), 'listMine')
    expect(list.items.some((o) => o.orderId === orderId)).toBe(false)
  })
})

describe('REFUSED: audiences (k-anonymity)', () => {
  it('REFUSED: an audience of 9 consenting residents is TOO_SMALL (no size, no campaign)', async () => {
    const made = await must(cloud.call<{ pickupPointId: string }>('admin', DEMO.admin, { action: 'createPickupPoint', name: '审计小区', address: '审计路', storeName: '审计店' }), 'point')
    for (let i = 0; i < 9; i++) {
      await must(cloud.call('user', `audit-k-${i}`, { action: 'choosePickupPoint', pickupPointId: made.pickupPointId }), 'choose')
      await must(cloud.call('user', `audit-k-${i}`, { action: 'setMarketingConsent', consent: true }), 'consent')
    }
    const audience = { pickupPointIds: [made.pickupPointId] }
    expect((await cloud.call('insight', DEMO.merchant, { action: 'audienceSize', audience })).error?.code).toBe('AUDIENCE.TOO_SMALL')
    const now = Date.now()
    expect((await cloud.call('coupon', DEMO.merchant, {
      action: 'createCampaign', title: '窄', valueFen: 100, priceFen: 0, total: 10, limitPerUser: 1, validFrom: now, validTo: now + 86_400_000, pickupPointIds: [made.pickupPointId], audience,
    })).error?.code).toBe('AUDIENCE.TOO_SMALL')
    // The tenth makes it 10 (rounded), an eleventh still 10.
    for (const r of ['audit-k-9', 'audit-k-10']) {
      await must(cloud.call('user', r, { action: 'choosePickupPoint', pickupPointId: made.pickupPointId }), 'choose')
      await must(cloud.call('user', r, { action: 'setMarketingConsent', consent: true }), 'consent')
    }
    expect((await must(cloud.call<{ size: number }>('insight', DEMO.merchant, { action: 'audienceSize', audience }), 'size')).size).toBe(10)
  })
})

describe('REFUSED: vouchers', () => {
  it('REFUSED: a clerk of a store not serving the service, a resident and another merchant cannot redeem; redeemed once', async () => {
    const up = await uploadPhoto(cloud, DEMO.merchant, 'audit/svc2.png')
    const product = await must(cloud.call<{ productId: string }>('catalog', DEMO.merchant, {
      action: 'createProduct', kind: 'SERVICE', name: '审计维修', unit: '次', category: '维修', images: [up],
      supplyPriceFen: 6000, suggestedPriceFen: 9900, durationMinutes: 60, servingPointIds: [cloud.pickupPointId],
    }), 'createProduct')
    const now = Date.now()
    const pub = await must(cloud.call<{ groupBuyId: string }>('voucher', DEMO.merchant, {
      action: 'publish', productId: product.productId, pickupPointId: cloud.pickupPointId, priceFen: 8800, slots: [{ startAt: now + 10 * MIN, endAt: now + 40 * MIN, capacity: 3 }],
    }), 'publish')
    const R = 'audit-svc-2'
    const booked = await must(cloud.call<{ orderId: string }>('groupBuy', R, { action: 'join', groupBuyId: pub.groupBuyId, quantity: 1, requestId: newRequestId('svc'), slotIndex: 0 }), 'join')
    expect((await cloud.pay.pay(booked.orderId)).ok).toBe(true)
    const code = (await must(cloud.call<{ order: OrderView }>('order', R, { action: 'get', orderId: booked.orderId }), 'get')).order.voucher!.code!
    const M2 = 'audit-merchant-3'
    await must(cloud.call('admin', DEMO.admin, { action: 'grantRole', openid: M2, role: 'merchant' }), 'grant')
    for (const who of [DEMO.otherClerk, R, M2, DEMO.leader]) expect((await cloud.call('voucher', who, { action: 'redeem', code })).error?.code).toBe('AUTH.FORBIDDEN')
    const replies = await Promise.all(Array.from({ length: 5 }, () => cloud.call('voucher', DEMO.clerk, { action: 'redeem', code })))
    expect(replies.filter((r) => r.ok)).toHaveLength(1)
    expect((await cloud.call('voucher', 'audit-svc-3', { action: 'cancel', orderId: booked.orderId })).error?.code).toBe('ORDER.NOT_FOUND')
  })
})

describe('REFUSED: erased residents stay erased', () => {
  it('REFUSED: after deleteMe the staff lists show 已注销用户 and no contact; a fresh call starts an empty profile', async () => {
    const R = 'audit-erase-1'
    await must(cloud.call('user', R, { action: 'setContact', name: '吴要删', phone: '13900004444' }), 'setContact')
    const { groupBuyId } = await readyOrder(R)
    expect((await cloud.call('user', R, { action: 'deleteMe', confirm: true })).ok).toBe(true)
    const parts = await must(cloud.call<{ items: Doc[] }>('groupBuy', DEMO.leader, { action: 'participants', groupBuyId }), 'participants')
    expect(mentions(parts, '吴要删')).toBe(false)
    expect(mentions(parts, '4444')).toBe(false)
    const me = await must(cloud.call<Doc>('user', R, { action: 'me' }), 'me')
    expect(me.contact).toBeNull()
    const exported = await must(cloud.call<{ data: Doc }>('user', R, { action: 'exportMyData' }), 'export')
    expect(exported.data.orders).toEqual([])
  })
})
