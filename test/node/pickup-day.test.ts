/**
 * Issue #22, pickup day as people live it: the 收货人 beside the 跟团号 (for that point's leader and clerks only),
 * the served quantity at the counter after a shortage, partial and proxy pickup, one code for all my orders at
 * a point, and the counter's 尾号 search with hand-over from the list.
 */
import { DEMO, database, readAll, readDoc, testCloudForThisFile, type Doc } from './support/cloud'
import { createProduct, endNow, groupBuyFromOffer, paidOrder, publishOffer } from './support/merchant'

jest.setTimeout(120_000)

const cloud = testCloudForThisFile()

let seq = 0
async function ownGroupBuy(patch: Record<string, unknown> = {}): Promise<string> {
  const now = Date.now()
  const res = await cloud.call<{ groupBuyId: string }>('groupBuy', DEMO.leader, {
    action: 'create', title: `提货日 ${++seq}`, priceFen: 1000, stock: 100, minParticipants: 1, limitPerUser: 10,
    startAt: now - 1000, endAt: now + 86_400_000, pickupPointId: cloud.pickupPointId, ...patch,
  })
  if (!res.ok) throw new Error(`create: ${res.error?.code} ${res.error?.message}`)
  return res.data.groupBuyId
}

async function arrived(groupBuyId: string, receivedQuantity?: number) {
  const res = await cloud.call('groupBuy', DEMO.leader, { action: 'markArrived', groupBuyId, ...(receivedQuantity === undefined ? {} : { receivedQuantity }) })
  if (!res.ok) throw new Error(`markArrived: ${res.error?.code} ${res.error?.message}`)
}

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
    gb = await ownGroupBuy()
    await paidOrder(cloud, ME, gb, 2)
    await arrived(gb)
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
    const gb = await ownGroupBuy()
    const first = await paidOrder(cloud, 'pd-short-1', gb, 2)
    const second = await paidOrder(cloud, 'pd-short-2', gb, 2)
    await arrived(gb, 3) // 跟团号 1 gets 2, 跟团号 2 gets 1 (the other refunded)
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
