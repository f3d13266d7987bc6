/**
 * Personal data and secrets outside their intended place (replies, logs, storage, notices, kept documents), attacked
 * in this stop's audit. Three leaks it found are fixed: an order delivered after its resident was erased kept the
 * door, its 已送达 notice was written under the tombstone, and staff exports (pick lists with 收货人) stayed in
 * storage for ever (now deleted once their two-hour download link expires). The "REFUSED" checks held already.
 * Left: replies to residents carry a 帮卖 group buy's or product's merchantId (the merchant's openid — a business's
 * account, not a resident's data; no page reads it).
 */
import { readFileSync } from 'fs'
import path from 'path'
import { format } from 'util'
import { pickupCodeOf, must, DEMO, createGroupBuy, database, newRequestId, readAll, readDoc, testCloudForThisFile, type Doc } from './support/cloud'
import { storedFiles } from './support/images'
import { deleteExpiredExports, EXPORT_KEEP_MS } from '@server/storage/exports'
import { createProduct, groupBuyFromOffer, paidOrder, publishOffer } from './support/merchant'

jest.setTimeout(180_000)

const cloud = testCloudForThisFile()
const HOUR = 3600_000


const codeOf = (openid: string, orderId: string) => pickupCodeOf(cloud, openid, orderId)

/** Files in the local cloud storage whose bytes contain `text` (UTF-8). */
function storageFilesContaining(text: string): string[] {
  const needle = Buffer.from(text, 'utf8')
  return storedFiles(cloud.storage.dir).filter((f) => {
    try {
      return readFileSync(path.join(cloud.storage.dir, f)).includes(needle)
    } catch {
      return false
    }
  })
}

async function readyOrder(openid: string): Promise<{ groupBuyId: string; orderId: string }> {
  const groupBuyId = await createGroupBuy(cloud, { minParticipants: 1, limitPerUser: 5, stock: 50 })
  const orderId = await paidOrder(cloud, openid, groupBuyId, 1)
  await must(cloud.call('groupBuy', DEMO.leader, { action: 'markArrived', groupBuyId }), 'markArrived')
  return { groupBuyId, orderId }
}

// -------------------------------------------------------------------------------------------------------------
// 1. Another person's openid in replies to residents
// -------------------------------------------------------------------------------------------------------------
describe('openids of other people in replies to residents', () => {
  let productId = ''
  let groupBuyId = ''
  const R = 'audit-pii-viewer'

  beforeAll(async () => {
    productId = await createProduct(cloud, { name: '审计橙子' })
    const offerId = await publishOffer(cloud, productId)
    groupBuyId = await groupBuyFromOffer(cloud, DEMO.leader, offerId)
  })

  it('REFUSED: the group buy reply does not carry the leader’s openid (creatorOpenid) or the share code’s leaderOpenid', async () => {
    const got = await must(cloud.call<Doc>('groupBuy', R, { action: 'get', groupBuyId }), 'get')
    expect(got.groupBuy.groupBuyId).toBe(groupBuyId)
    expect(JSON.stringify(got)).not.toContain(DEMO.leader)
  })
})

// -------------------------------------------------------------------------------------------------------------
// 2. deleteMe and a delivery order still on its way
// -------------------------------------------------------------------------------------------------------------
describe('deleteMe while a 配送到家 order waits, then it is delivered', () => {
  const R = 'audit-pii-deliv'
  const ROOM = '2406'
  const BUILDING = '9栋'
  let orderId = ''

  beforeAll(async () => {
    const now = Date.now()
    const slot = { startAt: now + 2 * HOUR, endAt: now + 4 * HOUR }
    await must(cloud.call('admin', DEMO.admin, { action: 'setDelivery', pickupPointId: cloud.pickupPointId, enabled: true, feeFen: 0, buildings: [BUILDING], slots: [slot] }), 'setDelivery')
    await must(cloud.call('user', R, { action: 'setContact', name: '钱配送', phone: '13900002406' }), 'setContact')
    const groupBuyId = await createGroupBuy(cloud, { minParticipants: 1, limitPerUser: 5, stock: 50, title: '配送审计' })
    const joined = await must(cloud.call<{ orderId: string }>('groupBuy', R, { action: 'join', groupBuyId, quantity: 1, requestId: newRequestId('dl'), fulfilment: 'DELIVERY', building: BUILDING, room: ROOM, slot }), 'join')
    orderId = joined.orderId
    expect((await cloud.pay.pay(orderId)).ok).toBe(true)
    await must(cloud.call('groupBuy', DEMO.leader, { action: 'markArrived', groupBuyId }), 'markArrived')
    const code = await codeOf(R, orderId)
    // The resident leaves while the goods are still to be delivered (the address is then kept, as it should be) …
    await must(cloud.call('user', R, { action: 'deleteMe', confirm: true }), 'deleteMe')
    expect((await readDoc('orders', orderId))!.delivery).toMatchObject({ building: BUILDING, room: ROOM })
    // … and the store delivers.
    await must(cloud.call('pickup', DEMO.clerk, { action: 'verify', code }), 'verify at the door')
    expect((await readDoc('orders', orderId))!.status).toBe('PICKED_UP')
  })

  it('an order delivered after its resident was erased no longer says which door it went to', async () => {
    const kept = (await readDoc('orders', orderId))!
    expect(kept.openid).toMatch(/^erased_/)
    expect(JSON.stringify(kept)).not.toContain(ROOM)
  })

  it('no 已送达 notice is written for an erased resident (it stored the door under the tombstone, read by nobody, removed by nothing)', async () => {
    const notices = (await readAll('notices', {})).filter((n) => JSON.stringify(n).includes(ROOM))
    expect(notices.map((n) => ({ openid: n.openid, body: n.body }))).toEqual([])
  })
})

// -------------------------------------------------------------------------------------------------------------
// 3. Staff exports in cloud storage
// -------------------------------------------------------------------------------------------------------------
describe('staff CSV exports and deleteMe', () => {
  it('the leader’s 拣货单 CSV (收货人: name, phone tail, note) is deleted once its download link expires, so nothing of an erased resident stays in storage', async () => {
    const R = 'audit-pii-csv'
    const NAME = '孙导出'
    await must(cloud.call('user', R, { action: 'setContact', name: NAME, phone: '13900007788', note: '5-502' }), 'setContact')
    const { groupBuyId } = await readyOrder(R)
    const csv = await must(cloud.call<{ fileID: string; tempFileURL: string }>('groupBuy', DEMO.leader, { action: 'pickList', groupBuyId, format: 'csv' }), 'pickList csv')
    expect(csv.fileID).toMatch(/^cloud:\/\//)
    expect(storageFilesContaining(NAME).length).toBeGreaterThan(0)
    await must(cloud.call('user', R, { action: 'deleteMe', confirm: true }), 'deleteMe')
    // The leader's download link lives two hours (the export's temp URL); once it has expired, settle's safety nets
    // delete the file: no stored file names the resident any more. (Before, it stayed for ever.)
    await deleteExpiredExports(database(), Date.now() + EXPORT_KEEP_MS)
    expect(storageFilesContaining(NAME)).toEqual([])
    expect(storageFilesContaining('尾号7788')).toEqual([])
  })
})

// -------------------------------------------------------------------------------------------------------------
// 4. What staff see of a contact
// -------------------------------------------------------------------------------------------------------------
describe('staff views of a resident’s 收货人', () => {
  it('REFUSED: the point’s leader and clerk see the tail only (never the number or its ciphertext); merchant and other point see no contact', async () => {
    const R = 'audit-pii-tail'
    const PHONE = '13912345678'
    await must(cloud.call('user', R, { action: 'setContact', name: '周尾号', phone: PHONE, note: '8-808' }), 'setContact')
    const stored = (await readDoc('users', R))!
    expect(JSON.stringify(stored)).not.toContain(PHONE)
    const sealed = String(stored.contact.phoneEnc)
    expect(sealed.startsWith('v1.')).toBe(true)
    const { groupBuyId } = await readyOrder(R)
    const replies = [
      await must(cloud.call('groupBuy', DEMO.leader, { action: 'participants', groupBuyId }), 'participants'),
      await must(cloud.call('groupBuy', DEMO.leader, { action: 'pickList', groupBuyId }), 'pickList'),
      await must(cloud.call('groupBuy', DEMO.clerk, { action: 'pickList', groupBuyId }), 'pickList clerk'),
      await must(cloud.call('pickup', DEMO.clerk, { action: 'today', phoneTail: '5678' }), 'today'),
    ]
    for (const r of replies) {
      const json = JSON.stringify(r)
      expect(json).toContain('周尾号')
      expect(json).toContain('5678')
      expect(json).not.toContain(PHONE)
      expect(json).not.toContain(sealed.split('.')[3])
      expect(json).not.toContain(R)
    }
    const merchant = await cloud.call('groupBuy', DEMO.merchant, { action: 'pickList', groupBuyId })
    const otherClerk = await cloud.call('groupBuy', DEMO.otherClerk, { action: 'pickList', groupBuyId })
    for (const r of [merchant, otherClerk]) expect(JSON.stringify(r)).not.toContain('周尾号')
    const otherToday = await must(cloud.call('pickup', DEMO.otherClerk, { action: 'today', phoneTail: '5678' }), 'other today')
    expect(JSON.stringify(otherToday)).not.toContain('周尾号')
  })
})

// -------------------------------------------------------------------------------------------------------------
// 5. Logs and payouts
// -------------------------------------------------------------------------------------------------------------
describe('logs during the personal-data flows', () => {
  const METHODS = ['log', 'info', 'warn', 'error', 'debug'] as const

  it('REFUSED: no console output names a phone, 收货人, door, real name or key (contact, delivery, pickup, export, deleteMe, payout)', async () => {
    const lines: string[] = []
    const spies = METHODS.map((m) => jest.spyOn(console, m).mockImplementation((...args: unknown[]) => {
      lines.push(format(...args))
    }))
    const R = 'audit-pii-logs'
    const L = 'audit-pii-leader'
    const PHONE = '13955556666'
    const REAL = '欧阳实名'
    try {
      const now = Date.now()
      const slot = { startAt: now + 2 * HOUR, endAt: now + 4 * HOUR }
      await must(cloud.call('admin', DEMO.admin, { action: 'setDelivery', pickupPointId: cloud.pickupPointId, enabled: true, feeFen: 0, buildings: ['3栋'], slots: [slot] }), 'setDelivery')
      await must(cloud.call('user', R, { action: 'setContact', name: '吴日志', phone: PHONE, note: '门口放' }), 'setContact')
      const groupBuyId = await createGroupBuy(cloud, { minParticipants: 1, limitPerUser: 5, stock: 50, title: '日志审计' })
      const joined = await must(cloud.call<{ orderId: string }>('groupBuy', R, { action: 'join', groupBuyId, quantity: 1, requestId: newRequestId('lg'), fulfilment: 'DELIVERY', building: '3栋', room: '1717', slot }), 'join')
      expect((await cloud.pay.pay(joined.orderId)).ok).toBe(true)
      await must(cloud.call('groupBuy', DEMO.leader, { action: 'markArrived', groupBuyId }), 'markArrived')
      await must(cloud.call('pickup', DEMO.clerk, { action: 'deliveryList', pickupPointId: cloud.pickupPointId, format: 'csv' }), 'deliveryList')
      await must(cloud.call('pickup', DEMO.clerk, { action: 'verify', code: await codeOf(R, joined.orderId) }), 'verify')
      await cloud.fireTimer('settle')
      await must(cloud.call('user', R, { action: 'exportMyData' }), 'export')
      await must(cloud.call('user', R, { action: 'deleteMe', confirm: true }), 'deleteMe')
      // A payout from ¥2,000 with the payee's real name.
      await database().collection('users').add({ data: { _id: L, roles: ['leader'], createdAt: now } })
      await database().collection('ledgerEntries').add({
        data: { _id: `seed_${L}`, orderId: null, groupBuyId: null, party: 'leader', partyId: L, account: `leader:${L}`, kind: 'RELEASE', amountFen: 300_000, state: 'AVAILABLE', refId: null, createdAt: now },
      })
      const po = await must(cloud.call<{ payoutId: string }>('ledger', L, { action: 'requestPayout', amountFen: 200_000, requestId: newRequestId('po'), realName: REAL }), 'requestPayout')
      const views = [await must(cloud.call('ledger', L, { action: 'payouts' }), 'payouts'), await must(cloud.call('ledger', L, { action: 'refreshPayout', payoutId: po.payoutId }), 'refresh')]
      for (const v of views) {
        expect(JSON.stringify(v)).not.toContain(REAL)
        expect(JSON.stringify(v)).not.toContain('userNameCipher')
      }
      const stored = (await readDoc('payouts', po.payoutId))!
      expect(JSON.stringify(stored)).not.toContain(REAL)
      await cloud.transfer.confirm(po.payoutId)
      expect((await readDoc('payouts', po.payoutId))!.userNameCipher).toBeNull()
    } finally {
      spies.forEach((s) => s.mockRestore())
    }
    const secrets = [PHONE, '5556666', '吴日志', '门口放', '1717', REAL, process.env.PII_KEY, process.env.WXPAY_API_V3_KEY, process.env.WXPAY_PRIVATE_KEY]
      .filter((s): s is string => typeof s === 'string' && s.length > 0)
    const hits = lines.filter((l) => secrets.some((s) => l.includes(s)))
    expect(hits).toEqual([])
  })
})
