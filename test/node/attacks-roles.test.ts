/**
 * Roles, privacy and exposure attacked, second pass of this stop's audit. Three holes it found are fixed: another
 * point's clerk learned an order's pickup code from the audit row of a refused list hand-over (returned by their
 * personal-data export) and could collect with it; a resident re-posted another's rating photo under their own name,
 * surviving its owner's deleteMe; an erased resident's delivered order kept their 楼栋/门牌. The "REFUSED" attacks
 * were already stopped and stay as regression tests.
 */
import { randomBytes } from 'crypto'
import { readFileSync } from 'fs'
import path from 'path'
import { pickupCodeOf, must, DEMO, newRequestId, readAll, readDoc, testCloudForThisFile, type Doc } from './support/cloud'
import { PNG_1PX, storedFiles } from './support/images'
import { payAll, pickedUpGroupBuy } from './support/after-pickup'

jest.setTimeout(180_000)

const cloud = testCloudForThisFile()
const HOUR = 3600_000


/** A group buy at `pointId` by `leader`, paid by `buyers`, goods arrived: every order READY_FOR_PICKUP. */
async function readyGroupBuy(leader: string, pointId: string, buyers: Record<string, number>): Promise<{ groupBuyId: string; orders: Record<string, string> }> {
  const now = Date.now()
  const { groupBuyId } = await must(cloud.call<{ groupBuyId: string }>('groupBuy', leader, {
    action: 'create', title: `审计团 ${newRequestId('t')}`, priceFen: 1000, stock: 100, minParticipants: 1, limitPerUser: 10,
    startAt: now - 1000, endAt: now + 86_400_000, pickupPointId: pointId,
  }), 'create')
  const orders = await payAll(cloud, groupBuyId, buyers)
  await must(cloud.call('groupBuy', leader, { action: 'markArrived', groupBuyId }), 'markArrived')
  return { groupBuyId, orders }
}

const codeOf = (openid: string, orderId: string) => pickupCodeOf(cloud, openid, orderId)

async function statusOf(orderId: string): Promise<string> {
  return (await readDoc('orders', orderId))!.status
}

/** Upload bytes as `openid` through the host's storage route (a PNG by its signature; the tail makes it unique). */
async function uploadBytes(openid: string, name: string, bytes: Buffer): Promise<string> {
  const up = await fetch(`${cloud.url}/storage/upload?cloudPath=${encodeURIComponent(name)}`, { method: 'POST', headers: { 'X-WX-OPENID': openid }, body: new Uint8Array(bytes) })
  const body = (await up.json()) as { ok: boolean; data: { fileID: string } }
  if (!body.ok) throw new Error('upload failed')
  return body.data.fileID
}

const cursorOf = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url')

// ---------------------------------------------------------------------------------------------------------------
// 1. A leader moved to another pickup point
// ---------------------------------------------------------------------------------------------------------------
describe('a leader re-bound to another pickup point', () => {
  const L = 'ar2-moved-leader'
  const R = 'ar2-moved-res-1'
  let groupBuyId = ''

  beforeAll(async () => {
    await must(cloud.call('admin', DEMO.admin, { action: 'grantRole', openid: L, role: 'leader', pickupPointId: cloud.pickupPointId }), 'grant')
    await must(cloud.call('user', R, { action: 'setContact', name: '王阿姨', phone: '13812345678', note: '下午取' }), 'setContact')
    ;({ groupBuyId } = await readyGroupBuy(L, cloud.pickupPointId, { [R]: 1 }))
    // While bound there the leader sees the 收货人 (so the later null is the rule at work, not a missing contact).
    const before = await must(cloud.call<{ items: Doc[] }>('groupBuy', L, { action: 'participants', groupBuyId }), 'participants')
    expect(before.items[0].contact).toEqual({ name: '王阿姨', phoneTail: '5678', note: '下午取' })
    await must(cloud.call('admin', DEMO.admin, { action: 'grantRole', openid: L, role: 'leader', pickupPointId: cloud.otherPickupPointId }), 'move')
  })

  it('REFUSED: no longer sees the old point’s residents’ 收货人 (participants, pickList JSON and CSV, 配送单)', async () => {
    const parts = await must(cloud.call<{ items: Doc[] }>('groupBuy', L, { action: 'participants', groupBuyId }), 'participants')
    expect(parts.items).toHaveLength(1)
    expect(parts.items[0].contact).toBeNull()
    const pick = await must(cloud.call<{ items: Doc[]; tempFileURL: string }>('groupBuy', L, { action: 'pickList', groupBuyId, format: 'csv' }), 'pickList')
    expect(pick.items.map((i) => i.contact)).toEqual([null])
    const csv = await (await fetch(pick.tempFileURL)).text()
    expect(csv).not.toContain('收货人')
    expect(csv).not.toContain('王阿姨')
    expect(csv).not.toContain('5678')
    expect((await cloud.call('pickup', L, { action: 'deliveryList', pickupPointId: cloud.pickupPointId })).error?.code).toBe('AUTH.FORBIDDEN')
  })

  it('REFUSED: the 售后 inbox follows the new binding (the old point’s cases are not listed)', async () => {
    // A 售后 case at the old point.
    const { orders } = await pickedUpGroupBuy(cloud, { 'ar2-moved-res-2': 1 })
    const asked = await must(cloud.call<{ caseId: string }>('afterSales', 'ar2-moved-res-2', { action: 'request', orderId: orders['ar2-moved-res-2'], quantity: 1, reason: 'QUALITY', requestId: newRequestId('as') }), 'request')
    const inbox = await must(cloud.call<{ items: Doc[] }>('afterSales', L, { action: 'listForMe' }), 'listForMe')
    expect(inbox.items.map((i) => i.caseId)).not.toContain(asked.caseId)
    expect(inbox.items.every((i) => i.pickupPointId === cloud.otherPickupPointId)).toBe(true)
  })
})

// ---------------------------------------------------------------------------------------------------------------
// 2. Attaching someone else's photo
// ---------------------------------------------------------------------------------------------------------------
describe('attachPhotos with another person’s photo', () => {
  const A = 'ar2-photo-owner'
  const B = 'ar2-photo-thief'

  it('a resident cannot re-publish another resident’s rating photo under their own rating (INPUT.INVALID), so nothing of the owner’s outlives their deleteMe', async () => {
    const { groupBuyId, orders } = await pickedUpGroupBuy(cloud, { [A]: 1, [B]: 1 })
    // A's own photo, unique bytes (a PNG by its signature; a marker after IEND).
    const bytes = Buffer.concat([PNG_1PX, Buffer.from(`owner-photo-${randomBytes(8).toString('hex')}`)])
    const mine = await uploadBytes(A, 'feedback/kitchen.png', bytes)
    await must(cloud.call('user', A, { action: 'recordUpload', fileID: mine }), 'recordUpload')
    await must(cloud.call('feedback', A, { action: 'rate', orderId: orders[A], stars: 2, text: '我家厨房', images: [mine] }), 'rate A')
    // B reads the public list and takes the file id of A's (copied) photo.
    const list = await must(cloud.call<{ items: Doc[] }>('feedback', B, { action: 'listForGroupBuy', groupBuyId }), 'list')
    const aPhoto = list.items.find((i) => i.images.length === 1)!.images[0] as string
    expect(typeof aPhoto).toBe('string')
    const stolen = await cloud.call('feedback', B, { action: 'rate', orderId: orders[B], stars: 5, images: [aPhoto] })
    // A leaves: every file of theirs is deleted.
    await must(cloud.call('user', A, { action: 'deleteMe', confirm: true }), 'deleteMe')
    const sameBytes = storedFiles(cloud.storage.dir).filter((f) => {
      try {
        return readFileSync(path.join(cloud.storage.dir, f)).equals(bytes)
      } catch {
        return false
      }
    })
    // None of A's bytes outlive A, and attaching a file that is not the caller's own upload is refused.
    expect(sameBytes).toEqual([])
    expect(stolen.ok).toBe(false)
    expect(stolen.error?.code).toBe('INPUT.INVALID')
  })
})

// ---------------------------------------------------------------------------------------------------------------
// 3. After deleteMe: the delivery address
// ---------------------------------------------------------------------------------------------------------------
describe('deleteMe and 配送到家', () => {
  const R = 'ar2-deliv-res'

  it('a delivered order no longer says which door it went to once its resident is erased', async () => {
    const now = Date.now()
    const slot = { startAt: now + 2 * HOUR, endAt: now + 4 * HOUR }
    await must(cloud.call('admin', DEMO.admin, { action: 'setDelivery', pickupPointId: cloud.pickupPointId, enabled: true, feeFen: 0, buildings: ['7栋'], slots: [slot] }), 'setDelivery')
    await must(cloud.call('user', R, { action: 'setContact', name: '李先生', phone: '13900001111' }), 'setContact')
    const { groupBuyId } = await must(cloud.call<{ groupBuyId: string }>('groupBuy', DEMO.leader, {
      action: 'create', title: '配送审计团', priceFen: 1000, stock: 100, minParticipants: 1, limitPerUser: 10, startAt: now - 1000, endAt: now + 86_400_000, pickupPointId: cloud.pickupPointId,
    }), 'create')
    const joined = await must(cloud.call<{ orderId: string }>('groupBuy', R, { action: 'join', groupBuyId, quantity: 1, requestId: newRequestId('dl'), fulfilment: 'DELIVERY', building: '7栋', room: '1203', slot }), 'join')
    expect((await cloud.pay.pay(joined.orderId)).ok).toBe(true)
    await must(cloud.call('groupBuy', DEMO.leader, { action: 'markArrived', groupBuyId }), 'markArrived')
    // The 配送单 shows the door while it is to be delivered (needed), then it is delivered.
    const stops = await must(cloud.call<{ items: Doc[] }>('pickup', DEMO.clerk, { action: 'deliveryList', pickupPointId: cloud.pickupPointId }), 'deliveryList')
    expect(stops.items.find((s) => s.orderId === joined.orderId)).toMatchObject({ building: '7栋', room: '1203' })
    await must(cloud.call('pickup', DEMO.clerk, { action: 'verify', code: await codeOf(R, joined.orderId) }), 'verify')
    expect(await statusOf(joined.orderId)).toBe('PICKED_UP')

    await must(cloud.call('user', R, { action: 'deleteMe', confirm: true }), 'deleteMe')
    const kept = (await readDoc('orders', joined.orderId))!
    expect(kept.openid).toMatch(/^erased_/)
    // Safe: the kept order no longer says which door it went to.
    expect(JSON.stringify(kept)).not.toContain('1203')
  })
})

// ---------------------------------------------------------------------------------------------------------------
// 4. Identity only from the WX context
// ---------------------------------------------------------------------------------------------------------------
describe('identity', () => {
  it('REFUSED: an openid, role or userInfo in the event does not change who the caller is', async () => {
    expect((await cloud.call('user', 'ar2-id-res', { action: 'me', openid: DEMO.admin })).error?.code).toBe('INPUT.INVALID')
    expect((await cloud.call('user', 'ar2-id-res', { action: 'me', roles: ['admin'] })).error?.code).toBe('INPUT.INVALID')
    const me = await must(cloud.call<Doc>('user', 'ar2-id-res', { action: 'me', userInfo: { openId: DEMO.admin, appId: 'x' } }), 'me')
    expect(me.openid).toBe('ar2-id-res')
    expect(me.roles).toEqual(['resident'])
    expect((await cloud.call('admin', 'ar2-id-res', { action: 'grantRole', openid: 'ar2-id-res', role: 'clerk', pickupPointId: cloud.pickupPointId, userInfo: { openId: DEMO.admin } })).error?.code).toBe('AUTH.FORBIDDEN')
    expect((await readDoc('users', 'ar2-id-res'))?.roles ?? []).toEqual([])
    // No identity at all (a forged timer / HTTP caller) is not a resident.
    expect((await cloud.call('pickup', null, { action: 'verify', code: '12345678' })).error?.code).toBe('AUTH.UNAUTHENTICATED')
  })
})

// ---------------------------------------------------------------------------------------------------------------
// 5. Forged cursors
// ---------------------------------------------------------------------------------------------------------------
describe('forged cursors', () => {
  it('REFUSED: a forged cursor keeps the caller’s scope (another point’s counter list, another resident’s orders); operator objects are refused', async () => {
    const { orders } = await readyGroupBuy(DEMO.leader, cloud.pickupPointId, { 'ar2-cur-res': 1 })
    expect(await statusOf(orders['ar2-cur-res'])).toBe('READY_FOR_PICKUP')
    // Point 2's clerk, with cursors reaching before / after everything.
    for (const c of [{ v: 9e15, id: '~~~~' }, { v: -1, id: '' }, { v: 0, id: orders['ar2-cur-res'] }]) {
      const page = await must(cloud.call<{ items: Doc[] }>('pickup', DEMO.otherClerk, { action: 'today', cursor: cursorOf(c) }), 'today')
      expect(page.items.map((i) => i.orderId)).not.toContain(orders['ar2-cur-res'])
      expect(page.items).toEqual([])
    }
    // The resident's orders exist; another resident's forged cursor never reaches them.
    const mine = await must(cloud.call<{ items: Doc[] }>('order', 'ar2-cur-res', { action: 'listMine' }), 'listMine')
    expect(mine.items.map((o) => o.orderId)).toEqual([orders['ar2-cur-res']])
    for (const c of [{ v: 9e15, id: '~~~~' }, { v: -1, id: '' }]) {
      const theirs = await must(cloud.call<{ items: Doc[] }>('order', 'ar2-cur-other', { action: 'listMine', cursor: cursorOf(c) }), 'listMine')
      expect(theirs.items).toEqual([])
    }
    for (const bad of [{ v: { $gt: 0 }, id: '' }, { v: 1, id: { $ne: '' } }, 'not-json']) {
      const cursor = typeof bad === 'string' ? Buffer.from(bad).toString('base64url') : cursorOf(bad)
      expect((await cloud.call('pickup', DEMO.otherClerk, { action: 'today', cursor })).error?.code).toBe('INPUT.INVALID')
    }
  })
})

// ---------------------------------------------------------------------------------------------------------------
// 6. A clerk moved to another store
// ---------------------------------------------------------------------------------------------------------------
describe('a clerk re-bound to another pickup point', () => {
  it('REFUSED: the old point’s codes, list hand-over and 配送单 are refused; the order stays READY', async () => {
    const C = 'ar2-moved-clerk'
    const R = 'ar2-mc-res'
    await must(cloud.call('admin', DEMO.admin, { action: 'grantRole', openid: C, role: 'clerk', pickupPointId: cloud.pickupPointId }), 'grant')
    const { orders } = await readyGroupBuy(DEMO.leader, cloud.pickupPointId, { [R]: 2 })
    const code = await codeOf(R, orders[R])
    // Still at point 1: the clerk's counter lists it.
    const listed = await must(cloud.call<{ items: Doc[] }>('pickup', C, { action: 'today' }), 'today')
    expect(listed.items.map((i) => i.orderId)).toContain(orders[R])
    await must(cloud.call('admin', DEMO.admin, { action: 'grantRole', openid: C, role: 'clerk', pickupPointId: cloud.otherPickupPointId }), 'move')
    expect((await cloud.call('pickup', C, { action: 'verify', code })).error?.code).toBe('AUTH.FORBIDDEN')
    expect((await cloud.call('pickup', C, { action: 'handOver', orderId: orders[R] })).error?.code).toBe('ORDER.NOT_FOUND')
    expect((await cloud.call('pickup', C, { action: 'deliveryList', pickupPointId: cloud.pickupPointId })).error?.code).toBe('AUTH.FORBIDDEN')
    const after = await must(cloud.call<{ items: Doc[] }>('pickup', C, { action: 'today' }), 'today')
    expect(after.items.map((i) => i.orderId)).not.toContain(orders[R])
    expect(await statusOf(orders[R])).toBe('READY_FOR_PICKUP')
    expect((await readDoc('orders', orders[R]))!.pickedQuantity ?? 0).toBe(0)
  })
})

// ---------------------------------------------------------------------------------------------------------------
// 7. Codes: proxy codes, probing, leakage
// ---------------------------------------------------------------------------------------------------------------
describe('pickup codes', () => {
  it('REFUSED: a revoked 代取 code is dead; a fresh one works once; a replaced one is dead', async () => {
    const R = 'ar2-proxy-res'
    const { orders } = await readyGroupBuy(DEMO.leader, cloud.pickupPointId, { [R]: 3 })
    const first = await must(cloud.call<{ code: string }>('pickup', R, { action: 'delegate', orderId: orders[R] }), 'delegate')
    expect(await must(cloud.call<Doc>('pickup', R, { action: 'revokeDelegate', orderId: orders[R] }), 'revoke')).toEqual({ orderId: orders[R], revoked: true })
    expect((await cloud.call('pickup', DEMO.clerk, { action: 'verify', code: first.code })).error?.code).toBe('PICKUP.CODE_NOT_FOUND')
    const second = await must(cloud.call<{ code: string }>('pickup', R, { action: 'delegate', orderId: orders[R] }), 'delegate')
    const third = await must(cloud.call<{ code: string }>('pickup', R, { action: 'delegate', orderId: orders[R] }), 'delegate')
    expect((await cloud.call('pickup', DEMO.clerk, { action: 'verify', code: second.code })).error?.code).toBe('PICKUP.CODE_NOT_FOUND')
    const used = await must(cloud.call<Doc>('pickup', DEMO.clerk, { action: 'verify', code: third.code, quantity: 1 }), 'verify')
    expect(used).toMatchObject({ via: 'delegate', quantity: 1, leftQuantity: 2 })
    expect((await cloud.call('pickup', DEMO.clerk, { action: 'verify', code: third.code })).error?.code).toBe('PICKUP.CODE_NOT_FOUND')
    expect((await readDoc('orders', orders[R]))!.pickedQuantity).toBe(1)
  })

  it('REFUSED: only a clerk of the order’s point hands over by code; a resident or another point’s clerk holding a real code gets nothing, and is audited', async () => {
    const R = 'ar2-probe-res'
    const P = 'ar2-prober'
    const { orders } = await readyGroupBuy(DEMO.leader, cloud.pickupPointId, { [R]: 1 })
    const code = await codeOf(R, orders[R])
    expect((await cloud.call('pickup', P, { action: 'verify', code })).error?.code).toBe('AUTH.FORBIDDEN')
    expect((await cloud.call('pickup', DEMO.otherClerk, { action: 'verify', code })).error?.code).toBe('AUTH.FORBIDDEN')
    const mine = await must(cloud.call<{ code: string }>('pickup', R, { action: 'myCode', pickupPointId: cloud.pickupPointId }), 'myCode')
    expect((await cloud.call('pickup', DEMO.otherClerk, { action: 'verify', code: mine.code })).error?.code).toBe('AUTH.FORBIDDEN')
    expect(await statusOf(orders[R])).toBe('READY_FOR_PICKUP')
    expect((await readAll('verifications', { clerkOpenid: P })).map((v) => v.outcome)).toEqual(['AUTH.FORBIDDEN'])
    expect((await readAll('verifications', { clerkOpenid: DEMO.otherClerk, code })).map((v) => v.outcome)).toEqual(['AUTH.FORBIDDEN'])
  })

  it('another point’s clerk does not learn an order’s pickup code: a refused handOver(orderId) audits no code, and exportMyData hands none back', async () => {
    const R = 'ar2-leak-res'
    const { orders } = await readyGroupBuy(DEMO.leader, cloud.pickupPointId, { [R]: 1 })
    const code = await codeOf(R, orders[R])
    // Point 2's clerk knows (or once saw, e.g. while working at point 1) the order's id, never its code.
    expect((await cloud.call('pickup', DEMO.otherClerk, { action: 'handOver', orderId: orders[R] })).error?.code).toBe('ORDER.NOT_FOUND')
    const exported = await must(cloud.call<{ data: Doc }>('user', DEMO.otherClerk, { action: 'exportMyData' }), 'exportMyData')
    const row = (exported.data.codesTyped as Doc[]).find((v) => v.orderId === orders[R])
    expect(row).toBeDefined()
    expect(row!.outcome).toBe('ORDER.NOT_FOUND')
    // A code the clerk never typed is not recorded against them nor handed back to them.
    expect(JSON.stringify(exported.data)).not.toContain(code)
    // (What it would allow: the code alone hands the goods over at point 1's counter.)
    expect(await statusOf(orders[R])).toBe('READY_FOR_PICKUP')
  })
})
