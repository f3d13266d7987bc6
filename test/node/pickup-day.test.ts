/**
 * Issue #22, pickup day as people live it: the 收货人 beside the 跟团号 (for that point's leader and clerks only),
 * the served quantity at the counter after a shortage, partial and proxy pickup, one code for all my orders at
 * a point, and the counter's 尾号 search with hand-over from the list.
 */
import { copyHandoverRecords, DEMO, database, readAll, readDoc, testCloudForThisFile, type Doc } from './support/cloud'
import { createProduct, endNow, groupBuyFromOffer, paidOrder, publishOffer } from './support/merchant'
import { arrived, ownGroupBuy } from './support/pickup-day'

jest.setTimeout(120_000)

const cloud = testCloudForThisFile()


const codeOf = async (openid: string, orderId: string): Promise<string> =>
  (await cloud.call<{ order: { pickupCode: string } }>('order', openid, { action: 'get', orderId })).data.order.pickupCode

const mentions = (value: unknown, text: string) => JSON.stringify(value).includes(text)

describe('收货人 (user.setContact)', () => {
  const ME = 'pd-contact-me'
  const PHONE = '13812345678'
  let gb = ''
  let supplyGb = ''

  beforeAll(async () => {
    const set = await cloud.call<Doc>('user', ME, { action: 'setContact', name: '王阿姨', phone: '138 1234 5678', note: '3号楼201' })
    expect(set.ok).toBe(true)
    gb = await ownGroupBuy(cloud)
    await paidOrder(cloud, ME, gb, 2)
    await arrived(cloud, gb)
    const offerId = await publishOffer(cloud, await createProduct(cloud, { name: '收货人测试橙' }))
    supplyGb = await groupBuyFromOffer(cloud, DEMO.leader, offerId)
    await paidOrder(cloud, ME, supplyGb, 1)
    await endNow(cloud, supplyGb)
  })

  it('is stored with the phone sealed, and user.me shows it masked', async () => {
    const me = await cloud.call<Doc>('user', ME, { action: 'me' })
    expect(me.data.contact).toEqual({ name: '王阿姨', phoneMasked: '138****5678', note: '3号楼201' })
    const stored = await readDoc('users', ME)
    expect(mentions(stored, PHONE)).toBe(false)
    expect(stored!.contact.phoneEnc).toMatch(/^v1\./)
    expect(stored!.phoneTail).toBe('5678')
  })

  it('refuses a bad name, phone or note and writes nothing', async () => {
    for (const bad of [{ name: '' }, { name: '一二三四五六七八九十一二三' }, { name: '李', phone: '12345' }, { name: '李', note: 'x'.repeat(21) }]) {
      const res = await cloud.call('user', 'pd-contact-bad', { action: 'setContact', ...bad })
      expect(res.error?.code).toBe('INPUT.INVALID')
    }
    expect(await readDoc('users', 'pd-contact-bad')).toBeNull()
  })

  it('the leader and clerks of that point see 称呼, phone tail and note beside the 跟团号 (参团名单, 拣货单 and its CSV, 待提货)', async () => {
    const want = { name: '王阿姨', phoneTail: '5678', note: '3号楼201' }
    const participants = await cloud.call<{ items: Doc[] }>('groupBuy', DEMO.leader, { action: 'participants', groupBuyId: gb })
    expect(participants.data.items[0]).toMatchObject({ seq: 1, contact: want })
    const pick = await cloud.call<{ items: Doc[]; tempFileURL: string }>('groupBuy', DEMO.clerk, { action: 'pickList', groupBuyId: gb, format: 'csv' })
    expect(pick.data.items[0]).toMatchObject({ seq: 1, contact: want })
    const csv = await (await fetch(pick.data.tempFileURL)).text()
    expect(csv).toContain('王阿姨 · 尾号5678 · 3号楼201')
    expect(csv).not.toContain(PHONE)
    const today = await cloud.call<{ items: Doc[] }>('pickup', DEMO.clerk, { action: 'today' })
    expect(today.data.items.find((i) => i.groupBuyId === gb)).toMatchObject({ seq: 1, contact: want })
    expect(mentions([participants, pick, today], PHONE)).toBe(false)
  })

  it('merchants, the admin, another point and public views never see it', async () => {
    const merchantPick = await cloud.call<{ items: Doc[] }>('groupBuy', DEMO.merchant, { action: 'pickList', groupBuyId: supplyGb })
    expect(merchantPick.ok).toBe(true)
    expect(merchantPick.data.items.length).toBeGreaterThan(0)
    const merchantList = await cloud.call<{ items: Doc[] }>('groupBuy', DEMO.merchant, { action: 'participants', groupBuyId: supplyGb })
    const adminPick = await cloud.call<{ items: Doc[] }>('groupBuy', DEMO.admin, { action: 'pickList', groupBuyId: gb })
    expect(adminPick.data.items[0].contact).toBeNull()
    const otherClerk = await cloud.call<Doc>('groupBuy', DEMO.otherClerk, { action: 'pickList', groupBuyId: gb })
    expect(otherClerk.error?.code).toBe('AUTH.FORBIDDEN')
    const otherToday = await cloud.call<Doc>('pickup', DEMO.otherClerk, { action: 'today' })
    const publicGet = await cloud.call<Doc>('groupBuy', 'pd-stranger', { action: 'get', groupBuyId: gb })
    const publicList = await cloud.call<Doc>('groupBuy', 'pd-stranger', { action: 'list' })
    for (const seen of [merchantPick, merchantList, adminPick, otherClerk, otherToday, publicGet, publicList]) {
      expect(mentions(seen, '王阿姨')).toBe(false)
      expect(mentions(seen, '5678')).toBe(false)
      expect(mentions(seen, '3号楼201')).toBe(false)
    }
    // Another point's clerk searching by the tail finds nothing of this point.
    const otherTail = await cloud.call<{ items: Doc[] }>('pickup', DEMO.otherClerk, { action: 'today', phoneTail: '5678' })
    expect(otherTail.data.items).toEqual([])
  })

  it('is in my export (phone opened for me) and gone everywhere after deleteMe', async () => {
    const exported = await cloud.call<{ data: Doc }>('user', ME, { action: 'exportMyData' })
    expect(exported.data.data.contact).toEqual({ name: '王阿姨', phone: PHONE, note: '3号楼201' })
    expect((await cloud.call('user', ME, { action: 'deleteMe', confirm: true })).ok).toBe(true)
    const participants = await cloud.call<{ items: Doc[] }>('groupBuy', DEMO.leader, { action: 'participants', groupBuyId: gb })
    expect(participants.data.items[0].contact).toBeNull()
    const today = await cloud.call<{ items: Doc[] }>('pickup', DEMO.clerk, { action: 'today' })
    const tail = await cloud.call<{ items: Doc[] }>('pickup', DEMO.clerk, { action: 'today', phoneTail: '5678' })
    expect(tail.data.items).toEqual([])
    expect(mentions([participants, today], '王阿姨')).toBe(false)
    for (const c of ['users', 'orders', 'notices', 'outbox']) {
      const docs = await readAll(c, {})
      expect(docs.some((d) => mentions(d, '王阿姨') || mentions(d, '3号楼201') || d.phoneTail === '5678')).toBe(false)
    }
  })
})

describe('served quantity after a shortage', () => {
  it('pickup.today and the 参团名单 show what to hand over, not what was ordered', async () => {
    const gb = await ownGroupBuy(cloud)
    const first = await paidOrder(cloud, 'pd-short-1', gb, 2)
    const second = await paidOrder(cloud, 'pd-short-2', gb, 2)
    await arrived(cloud, gb, 3) // 跟团号 1 gets 2, 跟团号 2 gets 1 (the other refunded)
    const today = await cloud.call<{ items: Doc[] }>('pickup', DEMO.clerk, { action: 'today' })
    const row = (id: string) => today.data.items.find((i) => i.orderId === id)
    expect(row(first)).toMatchObject({ quantity: 2, servedQuantity: 2, leftQuantity: 2, seq: 1 })
    expect(row(second)).toMatchObject({ quantity: 2, servedQuantity: 1, leftQuantity: 1, seq: 2 })
    const participants = await cloud.call<{ items: Doc[] }>('groupBuy', DEMO.leader, { action: 'participants', groupBuyId: gb })
    expect(participants.data.items.map((i) => [i.seq, i.quantity, i.servedQuantity])).toEqual([[1, 2, 2], [2, 2, 1]])
    // And the counter hands over 1, not 2.
    const verified = await cloud.call<Doc>('pickup', DEMO.clerk, { action: 'verify', code: await codeOf('pd-short-2', second) })
    expect(verified.data).toMatchObject({ quantity: 1, orderedQuantity: 2, leftQuantity: 0, status: 'PICKED_UP' })
  })
})

describe('partial pickup (pickup.verify quantity)', () => {
  it('hands over part, keeps the rest READY under the same code, then the rest; never more than is left', async () => {
    const gb = await ownGroupBuy(cloud)
    const orderId = await paidOrder(cloud, 'pd-part-1', gb, 3)
    await arrived(cloud, gb)
    const code = await codeOf('pd-part-1', orderId)
    const tooMany = await cloud.call('pickup', DEMO.clerk, { action: 'verify', code, quantity: 4 })
    expect(tooMany.error?.code).toBe('PICKUP.QUANTITY_TOO_MANY')
    const part = await cloud.call<Doc>('pickup', DEMO.clerk, { action: 'verify', code, quantity: 2 })
    expect(part.data).toMatchObject({ quantity: 2, leftQuantity: 1, status: 'READY_FOR_PICKUP' })
    expect(await readDoc('orders', orderId)).toMatchObject({ status: 'READY_FOR_PICKUP', pickedQuantity: 2 })
    const again = await cloud.call('pickup', DEMO.clerk, { action: 'verify', code, quantity: 2 })
    expect(again.error?.code).toBe('PICKUP.QUANTITY_TOO_MANY')
    const rest = await cloud.call<Doc>('pickup', DEMO.clerk, { action: 'verify', code })
    expect(rest.data).toMatchObject({ quantity: 1, leftQuantity: 0, status: 'PICKED_UP' })
    expect(await readDoc('orders', orderId)).toMatchObject({ status: 'PICKED_UP', pickedQuantity: 3 })
    expect((await cloud.call('pickup', DEMO.clerk, { action: 'verify', code })).error?.code).toBe('PICKUP.ALREADY_USED')
    // The completing hand-over's line rode on the order until settle copied it (#23).
    await copyHandoverRecords()
    const audited = await readAll('verifications', { orderId })
    expect(audited.map((v) => [v.outcome, v.quantity ?? null]).sort()).toEqual(
      [['HANDED_PART', 2], ['PICKED_UP', 1], ['PICKUP.ALREADY_USED', null], ['PICKUP.QUANTITY_TOO_MANY', null], ['PICKUP.QUANTITY_TOO_MANY', null]].sort(),
    )
  })

  it('two counters handing over parts at once never hand over more than was served', async () => {
    const gb = await ownGroupBuy(cloud)
    const orderId = await paidOrder(cloud, 'pd-part-2', gb, 5)
    await arrived(cloud, gb)
    const code = await codeOf('pd-part-2', orderId)
    const results = await Promise.all(Array.from({ length: 8 }, () => cloud.call<Doc>('pickup', DEMO.clerk, { action: 'verify', code, quantity: 1 })))
    const handed = results.filter((r) => r.ok).reduce((n, r) => n + r.data.quantity, 0)
    // Each unit out once: what the counters were told adds up to what the order records, never above 5.
    expect(handed).toBeLessThanOrEqual(5)
    expect((await readDoc('orders', orderId))!.pickedQuantity).toBe(handed)
    for (const r of results.filter((x) => !x.ok)) expect(['PICKUP.ALREADY_USED', 'PICKUP.QUANTITY_TOO_MANY']).toContain(r.error?.code)
    if (handed < 5) expect((await cloud.call<Doc>('pickup', DEMO.clerk, { action: 'verify', code })).data.quantity).toBe(5 - handed)
    expect(await readDoc('orders', orderId)).toMatchObject({ status: 'PICKED_UP', pickedQuantity: 5 })
  })
})

describe('proxy pickup (pickup.delegate)', () => {
  it('a proxy code works once, tells the owner, and is refused after revoke; the own code keeps working', async () => {
    const gb = await ownGroupBuy(cloud)
    const a = await paidOrder(cloud, 'pd-proxy-1', gb, 2)
    await arrived(cloud, gb)
    expect((await cloud.call('pickup', 'pd-someone-else', { action: 'delegate', orderId: a })).error?.code).toBe('ORDER.NOT_FOUND')
    const first = await cloud.call<{ code: string }>('pickup', 'pd-proxy-1', { action: 'delegate', orderId: a })
    expect(first.ok).toBe(true)
    const revoked = await cloud.call<Doc>('pickup', 'pd-proxy-1', { action: 'revokeDelegate', orderId: a })
    expect(revoked.data.revoked).toBe(true)
    expect((await cloud.call('pickup', DEMO.clerk, { action: 'verify', code: first.data.code })).error?.code).toBe('PICKUP.CODE_NOT_FOUND')

    const second = await cloud.call<{ code: string }>('pickup', 'pd-proxy-1', { action: 'delegate', orderId: a })
    // Bound to the order's point like the order's own code.
    expect((await cloud.call('pickup', DEMO.otherClerk, { action: 'verify', code: second.data.code })).error?.code).toBe('AUTH.FORBIDDEN')
    const used = await Promise.all(Array.from({ length: 5 }, () => cloud.call<Doc>('pickup', DEMO.clerk, { action: 'verify', code: second.data.code, quantity: 1 })))
    expect(used.filter((r) => r.ok)).toHaveLength(1) // valid once, even for a part
    expect(used.find((r) => r.ok)!.data).toMatchObject({ via: 'delegate', quantity: 1, leftQuantity: 1 })
    const notices = await readAll('notices', { openid: 'pd-proxy-1', kind: 'PICKED_UP_BY_PROXY' })
    expect(notices).toHaveLength(1)
    // The owner's own code picks up the rest.
    const rest = await cloud.call<Doc>('pickup', DEMO.clerk, { action: 'verify', code: await codeOf('pd-proxy-1', a) })
    expect(rest.data).toMatchObject({ quantity: 1, status: 'PICKED_UP' })
  })
})

describe('one code for all my orders at a point (pickup.myCode)', () => {
  it('hands over 3 READY orders under 10 concurrent scans, each once, and is refused at another point', async () => {
    const ME = 'pd-mine-1'
    const orders: string[] = []
    for (let i = 0; i < 3; i++) {
      const gb = await ownGroupBuy(cloud)
      orders.push(await paidOrder(cloud, ME, gb, i + 1))
      await arrived(cloud, gb)
    }
    const other = await ownGroupBuy(cloud)
    const notMine = await paidOrder(cloud, 'pd-mine-other', other, 1)
    await arrived(cloud, other)
    const mine = await cloud.call<Doc>('pickup', ME, { action: 'myCode', pickupPointId: cloud.pickupPointId })
    expect(mine.data).toMatchObject({ orders: 3, qrPayload: mine.data.code })
    expect((await cloud.call('pickup', DEMO.otherClerk, { action: 'verify', code: mine.data.code })).error?.code).toBe('AUTH.FORBIDDEN')

    const scans = await Promise.all(Array.from({ length: 10 }, () => cloud.call<Doc>('pickup', DEMO.clerk, { action: 'verify', code: mine.data.code })))
    const handed = scans.filter((r) => r.ok).flatMap((r) => r.data.orders as Doc[])
    expect(handed.map((o) => o.orderId).sort()).toEqual([...orders].sort())
    expect(Object.fromEntries(handed.map((o) => [o.orderId, o.quantity]))).toEqual({ [orders[0]]: 1, [orders[1]]: 2, [orders[2]]: 3 })
    for (const r of scans.filter((x) => !x.ok)) expect(r.error?.code).toBe('PICKUP.ALREADY_USED')
    for (const id of orders) expect((await readDoc('orders', id))!.status).toBe('PICKED_UP')
    expect((await readDoc('orders', notMine))!.status).toBe('READY_FOR_PICKUP')
    // Every attempt audited; points and the ledger saw each pickup once.
    await copyHandoverRecords()
    const audited = await readAll('verifications', { code: mine.data.code })
    expect(audited.filter((v) => v.outcome === 'PICKED_UP').map((v) => v.orderId).sort()).toEqual([...orders].sort())
    expect(audited.some((v) => v.outcome === 'AUTH.FORBIDDEN')).toBe(true)
  })

  it('expires, and each order’s own code keeps working beside it', async () => {
    const ME = 'pd-mine-2'
    const gb = await ownGroupBuy(cloud)
    const a = await paidOrder(cloud, ME, gb, 1)
    await arrived(cloud, gb)
    const mine = await cloud.call<Doc>('pickup', ME, { action: 'myCode', pickupPointId: cloud.pickupPointId })
    await database().collection('pickupCodes').doc(mine.data.code).update({ data: { expiresAt: Date.now() - 1 } })
    expect((await cloud.call('pickup', DEMO.clerk, { action: 'verify', code: mine.data.code })).error?.code).toBe('PICKUP.EXPIRED')
    expect((await cloud.call<Doc>('pickup', DEMO.clerk, { action: 'verify', code: await codeOf(ME, a) })).data.status).toBe('PICKED_UP')
    expect((await cloud.call('pickup', ME, { action: 'myCode', pickupPointId: cloud.pickupPointId })).error?.code).toBe('PICKUP.NOT_READY')
  })
})

describe('counter lookup (pickup.today phoneTail + pickup.handOver)', () => {
  it('the clerk finds an order by 尾号 and hands it over from the list, audited; another point cannot', async () => {
    const ME = 'pd-lookup-1'
    await cloud.call('user', ME, { action: 'setContact', name: '赵先生', phone: '13900004321' })
    const gb = await ownGroupBuy(cloud)
    const orderId = await paidOrder(cloud, ME, gb, 2)
    await arrived(cloud, gb)
    const found = await cloud.call<{ items: Doc[] }>('pickup', DEMO.clerk, { action: 'today', phoneTail: '4321' })
    expect(found.data.items.map((i) => i.orderId)).toEqual([orderId])
    expect(found.data.items[0].contact).toEqual({ name: '赵先生', phoneTail: '4321', note: null })
    expect((await cloud.call<{ items: Doc[] }>('pickup', DEMO.clerk, { action: 'today', phoneTail: '0000' })).data.items).toEqual([])

    expect((await cloud.call('pickup', DEMO.otherClerk, { action: 'handOver', orderId })).error?.code).toBe('ORDER.NOT_FOUND')
    expect((await cloud.call('pickup', ME, { action: 'handOver', orderId })).error?.code).toBe('AUTH.FORBIDDEN')
    const both = await Promise.all([1, 2].map(() => cloud.call<Doc>('pickup', DEMO.clerk, { action: 'handOver', orderId })))
    expect(both.filter((r) => r.ok)).toHaveLength(1)
    expect(both.find((r) => r.ok)!.data).toMatchObject({ via: 'list', quantity: 2, status: 'PICKED_UP', contact: { name: '赵先生' } })
    // The completing hand-over's line rode on the order until settle copied it (#23).
    await copyHandoverRecords()
    const audited = await readAll('verifications', { orderId })
    expect(audited.filter((v) => v.via === 'list').map((v) => v.outcome).sort()).toEqual(['ORDER.NOT_FOUND', 'PICKED_UP', 'PICKUP.ALREADY_USED'])
  })
})

describe('截团 (groupBuy.close)', () => {
  const tick = () => cloud.fireTimer('settle')

  it('racing 20 joins and payments: one outcome, nothing oversold, each late payment refunded once, unsold back to the offer once; 确认到货 the same minute', async () => {
    const offerId = await publishOffer(cloud, await createProduct(cloud, { name: '截团竞速梨' }))
    const offerBefore = (await readDoc('offers', offerId))!.stockLeft as number
    const gb = await groupBuyFromOffer(cloud, DEMO.leader, offerId, { stock: 30, minParticipants: 3, limitPerUser: 5 })
    for (const r of ['pd-close-a', 'pd-close-b', 'pd-close-c']) await paidOrder(cloud, r, gb, 1)
    expect((await cloud.call('groupBuy', DEMO.leader, { action: 'markArrived', groupBuyId: gb })).error?.code).toBe('GROUP_BUY.NOT_ENDED')

    const joiners = Array.from({ length: 20 }, (_, i) => `pd-close-j${i}`)
    // Joins and payments spread over the moment of the close (each a few ms after the previous one).
    const joinAndPay = async (openid: string, i: number) => {
      await new Promise((r) => setTimeout(r, i * 4))
      const res = await cloud.call<{ orderId: string }>('groupBuy', openid, { action: 'join', groupBuyId: gb, quantity: 1, requestId: `close-race-${openid}` })
      if (!res.ok) return { openid, joined: false, code: res.error?.code }
      await cloud.pay.pay(res.data.orderId)
      return { openid, joined: true, orderId: res.data.orderId }
    }
    const closeLater = (who: string, ms: number) => new Promise<Doc>((resolve) => setTimeout(() => resolve(cloud.call<Doc>('groupBuy', who, { action: 'close', groupBuyId: gb })), ms))
    const [joined, closes] = await Promise.all([
      Promise.all(joiners.map(joinAndPay)),
      Promise.all([closeLater(DEMO.leader, 40), closeLater(DEMO.leader, 41), closeLater(DEMO.admin, 42)]),
    ])
    for (const r of joined.filter((j) => !j.joined)) expect(['GROUP_BUY.NOT_OPEN', 'GROUP_BUY.SOLD_OUT']).toContain(r.code)
    expect(closes.map((c) => c.ok)).toEqual([true, true, true])
    expect(new Set(closes.map((c) => c.data.status))).toEqual(new Set(['CLOSED']))
    expect(closes.filter((c) => c.data.closedNow)).toHaveLength(1)

    // A second close, and the timer, change nothing more.
    expect((await cloud.call<Doc>('groupBuy', DEMO.leader, { action: 'close', groupBuyId: gb })).data).toMatchObject({ status: 'CLOSED', closedNow: false })
    for (let i = 0; i < 3; i++) await tick()

    const after = (await readDoc('groupBuys', gb))!
    expect(after.status).toBe('CLOSED')
    expect(after.soldQuantity).toBeLessThanOrEqual(30)
    const orders = await readAll('orders', { groupBuyId: gb })
    const kept = orders.filter((o) => o.status === 'PAID')
    expect(kept.reduce((n, o) => n + o.quantity, 0)).toBe(after.soldQuantity)
    for (const o of orders) {
      const refunds = (await readAll('refunds', { orderId: o._id })).filter((r) => !r.partial)
      expect(refunds.length).toBeLessThanOrEqual(1)
      expect(cloud.pay.refundedFor(o._id)).toBe(refunds.length ? o.amountFen : 0)
      if (o.status === 'PAID') expect(refunds).toHaveLength(0)
    }
    // The unsold allocation went back to the offer exactly once.
    expect((await readDoc('offers', offerId))!.stockLeft).toBe(offerBefore - after.soldQuantity)
    await tick()
    expect((await readDoc('offers', offerId))!.stockLeft).toBe(offerBefore - after.soldQuantity)

    // 确认到货 right away, no waiting for the old end time.
    const arrivedNow = await cloud.call<Doc>('groupBuy', DEMO.leader, { action: 'markArrived', groupBuyId: gb })
    expect(arrivedNow.ok).toBe(true)
    expect(arrivedNow.data.readyOrders).toBe(kept.length)
  })

  it('a group short of its threshold fails and is refunded once; only its leader or the admin may close', async () => {
    const gb = await ownGroupBuy(cloud, { minParticipants: 5 })
    const a = await paidOrder(cloud, 'pd-close-f1', gb, 2)
    const b = await paidOrder(cloud, 'pd-close-f2', gb, 1)
    expect((await cloud.call('groupBuy', DEMO.clerk, { action: 'close', groupBuyId: gb })).error?.code).toBe('AUTH.FORBIDDEN')
    expect((await cloud.call('groupBuy', 'pd-close-f1', { action: 'close', groupBuyId: gb })).error?.code).toBe('AUTH.FORBIDDEN')
    const closes = await Promise.all([1, 2, 3].map(() => cloud.call<Doc>('groupBuy', DEMO.leader, { action: 'close', groupBuyId: gb })))
    expect(closes.map((c) => c.data.status)).toEqual(['FAILED', 'FAILED', 'FAILED'])
    for (let i = 0; i < 3; i++) await tick()
    for (const id of [a, b]) {
      const o = (await readDoc('orders', id))!
      expect(o.status).toBe('REFUNDED')
      expect(cloud.pay.refundedFor(id)).toBe(o.amountFen)
      expect(await readAll('refunds', { orderId: id })).toHaveLength(1)
    }
    expect((await cloud.call('groupBuy', 'pd-close-f3', { action: 'join', groupBuyId: gb, quantity: 1, requestId: 'close-late-join' })).error?.code).toBe('GROUP_BUY.NOT_OPEN')
  })
})

describe('提货时间 and 自提点 (pickup window and place)', () => {
  const day = 86_400_000
  it('group buys carry the window, the point its address, hours and phone; detail, order and notices say where and when', async () => {
    const upd = await cloud.call<Doc>('admin', DEMO.leader, { action: 'updatePickupPoint', pickupPointId: cloud.pickupPointId, openingHours: '每天 8:00–21:00', contactPhone: '021-5555 0101' })
    expect(upd.data.pickupPoint).toMatchObject({ openingHours: '每天 8:00–21:00', contactPhone: '021-5555 0101', address: '幸福里小区 3 号楼底商' })
    expect((await cloud.call('admin', DEMO.leader, { action: 'updatePickupPoint', pickupPointId: cloud.otherPickupPointId, openingHours: 'x' })).error?.code).toBe('AUTH.FORBIDDEN')
    expect((await cloud.call('admin', DEMO.clerk, { action: 'updatePickupPoint', pickupPointId: cloud.pickupPointId, openingHours: 'x' })).error?.code).toBe('AUTH.FORBIDDEN')

    // Half a window is refused.
    expect((await cloud.call('groupBuy', DEMO.leader, { action: 'create', title: 'x', priceFen: 100, stock: 5, minParticipants: 1, limitPerUser: 1, startAt: Date.now() - 1000, endAt: Date.now() + day, pickupPointId: cloud.pickupPointId, pickupStartAt: Date.now() + day })).error?.code).toBe('INPUT.INVALID')
    // 16:00–20:00 Beijing time, two days from now (after the group buy ends: a window over before it is refused).
    const beijing = new Date(Date.now() + 2 * day + 8 * 3600_000)
    const pickupStartAt = Date.UTC(beijing.getUTCFullYear(), beijing.getUTCMonth(), beijing.getUTCDate(), 8, 0)
    const pickupEndAt = pickupStartAt + 4 * 3600_000
    const shownDay = `${beijing.getUTCMonth() + 1}月${beijing.getUTCDate()}日 16:00–20:00`
    const gb = await ownGroupBuy(cloud, { pickupStartAt, pickupEndAt })
    const detail = await cloud.call<{ groupBuy: Doc }>('groupBuy', 'pd-window-1', { action: 'get', groupBuyId: gb })
    expect(detail.data.groupBuy).toMatchObject({ pickupStartAt, pickupEndAt, pickupPoint: { name: '幸福里社区', address: '幸福里小区 3 号楼底商', openingHours: '每天 8:00–21:00', contactPhone: '021-5555 0101' } })
    const orderId = await paidOrder(cloud, 'pd-window-1', gb, 1)
    const order = await cloud.call<{ order: Doc }>('order', 'pd-window-1', { action: 'get', orderId })
    expect(order.data.order.pickup).toMatchObject({ pickupStartAt, pickupEndAt, place: { address: '幸福里小区 3 号楼底商', openingHours: '每天 8:00–21:00' } })
    await arrived(cloud, gb)
    // Each queued message's in-app notice is written by settle's next run (#23).
    await cloud.fireTimer('settle')
    const notices = await readAll('notices', { openid: 'pd-window-1' })
    const body = (kind: string) => notices.find((n) => n.kind === kind)?.body as string
    expect(body('GROUP_SUCCEEDED')).toContain('幸福里社区 幸福里小区 3 号楼底商')
    expect(body('GROUP_SUCCEEDED')).toContain(shownDay)
    expect(body('GOODS_ARRIVED')).toContain(shownDay)
    // The subscribe message itself keeps its template's fields only.
    const out = await readDoc('outbox', `arrived_${orderId}`)
    expect(Object.keys(out!.data).sort()).toEqual(['character_string2', 'number3', 'thing1'])
  })

  it('an offer carries a default window a leader keeps unless it sets its own', async () => {
    const start = Date.now() + 2 * day
    const offerId = await publishOffer(cloud, await createProduct(cloud, { name: '提货时间梨' }), DEMO.merchant, { pickupStartAt: start, pickupEndAt: start + 4 * 3600_000 })
    // The group buy ends before the window (a 帮卖 group's goods come after its end); the offer runs longer, so its
    // default end would outlast the window and is refused.
    expect((await cloud.call('groupBuy', DEMO.leader, { action: 'createFromOffer', offerId, priceFen: 1990, stock: 50, minParticipants: 1, limitPerUser: 5 })).error?.code).toBe('INPUT.INVALID')
    const kept = await groupBuyFromOffer(cloud, DEMO.leader, offerId, { endAt: start - 3600_000 })
    expect(await readDoc('groupBuys', kept)).toMatchObject({ pickupStartAt: start, pickupEndAt: start + 4 * 3600_000 })
    const own = await groupBuyFromOffer(cloud, DEMO.leader, offerId, { endAt: start - 3600_000, pickupStartAt: start + day, pickupEndAt: start + day + 3600_000 })
    expect(await readDoc('groupBuys', own)).toMatchObject({ pickupStartAt: start + day, pickupEndAt: start + day + 3600_000 })
  })
})

describe("the merchant's side of a shortage", () => {
  it('one SHORTAGE notice (received/ordered, 货款 deducted) under 10 concurrent sign-offs; purchase orders carry 快递单号, the leader phone, 货款 owed and a CSV', async () => {
    await cloud.call('user', DEMO.leader, { action: 'setContact', name: '李团长', phone: '13700001111' })
    const offerId = await publishOffer(cloud, await createProduct(cloud, { name: '缺货测试桃', supplyPriceFen: 1000 }))
    const gb = await groupBuyFromOffer(cloud, DEMO.leader, offerId)
    await paidOrder(cloud, 'pd-ms-1', gb, 2)
    await paidOrder(cloud, 'pd-ms-2', gb, 2)
    await endNow(cloud, gb)
    const listed = await cloud.call<{ items: Doc[] }>('supply', DEMO.merchant, { action: 'purchaseOrders', offerId })
    const po = listed.data.items[0]
    expect(po).toMatchObject({ quantity: 4, supplyPriceFen: 1000, amountOwedFen: 4000, leaderPhone: '13700001111', trackingNo: null })
    expect((await cloud.call('supply', DEMO.merchant, { action: 'markShipped', purchaseOrderId: po.purchaseOrderId, trackingNo: 'SF1234567890' })).ok).toBe(true)
    expect((await cloud.call('supply', DEMO.merchant, { action: 'markShipped', purchaseOrderId: po.purchaseOrderId, trackingNo: '=cmd' })).error?.code).toBe('INPUT.INVALID')

    const signOffs = await Promise.all(Array.from({ length: 10 }, (_, i) => cloud.call('groupBuy', i % 2 ? DEMO.leader : DEMO.clerk, { action: 'markArrived', groupBuyId: gb, receivedQuantity: 2 })))
    expect(signOffs.every((r) => r.ok)).toBe(true)
    const notices = await readAll('notices', { openid: DEMO.merchant, kind: 'SHORTAGE' })
    expect(notices).toHaveLength(1)
    expect(notices[0].body).toContain('实收 2/4')
    expect(notices[0].body).toContain('货款扣减 ¥20.00')

    const after = await cloud.call<{ items: Doc[]; tempFileURL: string }>('supply', DEMO.merchant, { action: 'purchaseOrders', offerId, format: 'csv' })
    expect(after.data.items[0]).toMatchObject({ status: 'RECEIVED', receivedQuantity: 2, amountOwedFen: 2000, trackingNo: 'SF1234567890' })
    const csv = await (await fetch(after.data.tempFileURL)).text()
    expect(csv).toContain('13700001111')
    expect(csv).toContain('SF1234567890')
    expect(csv).toContain(',20.00,')
    // The leader's phone goes to the merchant only: not into any resident's or the public's view.
    const publicGet = await cloud.call<Doc>('groupBuy', 'pd-stranger', { action: 'get', groupBuyId: gb })
    expect(JSON.stringify(publicGet)).not.toContain('13700001111')
  })
})
