/**
 * Issue #3: who may do what. Roles come from the users collection (and ADMIN_OPENIDS), identity only from the
 * WeChat context — never from anything the caller puts in the event.
 */
import { createGroupBuy, DEMO, join, readDoc, sleep, testCloudForThisFile, type Doc } from './support/cloud'

jest.setTimeout(60_000)

const cloud = testCloudForThisFile()

const resident = DEMO.residents[0]

function createEvent(pickupPointId: string) {
  const now = Date.now()
  return { action: 'create', title: '越权团购', priceFen: 100, stock: 10, minParticipants: 1, limitPerUser: 1, startAt: now, endAt: now + 3600_000, pickupPointId }
}

describe('roles', () => {
  it('a resident cannot create group buys, grant roles or run settlement', async () => {
    expect((await cloud.call('groupBuy', resident, createEvent(cloud.pickupPointId))).error?.code).toBe('AUTH.FORBIDDEN')
    const grant = await cloud.call('admin', resident, { action: 'grantRole', openid: resident, role: 'merchant' })
    expect(grant.error?.code).toBe('AUTH.FORBIDDEN')
    const me = await cloud.call<{ roles: string[] }>('user', resident, { action: 'me' })
    expect(me.data.roles).toEqual(['resident'])
    expect((await cloud.call('admin', resident, { action: 'createPickupPoint', name: 'x', address: 'y', storeName: 'z' })).error?.code).toBe('AUTH.FORBIDDEN')
    expect((await cloud.call('groupBuy', resident, { action: 'listMine' })).error?.code).toBe('AUTH.FORBIDDEN')
  })

  it('a signed-in user calling settle is refused and nothing changes', async () => {
    const endAt = Date.now() + 400
    const groupBuyId = await createGroupBuy(cloud, { stock: 5, minParticipants: 3, limitPerUser: 1, endAt })
    const held = await join(cloud, resident, groupBuyId, 1)
    expect(held.ok).toBe(true)
    await sleep(500)
    const before = { gb: await readDoc('groupBuys', groupBuyId), order: await readDoc('orders', held.data.orderId) }

    const timerEvent = { Type: 'Timer', TriggerName: 'everyMinute', Time: new Date().toISOString() }
    for (const event of [timerEvent, { action: 'tick' }, { ...timerEvent, action: 'tick' }]) {
      const res = (await cloud.invoke('settle', event, resident)) as { ok: boolean; error?: { code: string } }
      expect(res.error?.code).toBe('AUTH.FORBIDDEN')
    }
    // No identity but not a timer either (someone calling the HTTP endpoint by hand).
    expect(((await cloud.invoke('settle', { action: 'tick' }, null)) as { error?: { code: string } }).error?.code).toBe('AUTH.FORBIDDEN')
    const http = await fetch(`${cloud.url}/fn/settle`, { method: 'POST', headers: { 'X-WX-OPENID': DEMO.admin }, body: JSON.stringify(timerEvent) })
    expect(((await http.json()) as { error?: { code: string } }).error?.code).toBe('AUTH.FORBIDDEN')

    expect(await readDoc('groupBuys', groupBuyId)).toEqual(before.gb)
    expect(await readDoc('orders', held.data.orderId)).toEqual(before.order)

    // The real trigger does settle it — the refusal above was about the caller, not the data.
    await cloud.fireTimer('settle')
    expect((await readDoc('groupBuys', groupBuyId))!.status).toBe('FAILED')
  })

  it('a leader creates group buys only at their own pickup point', async () => {
    expect((await cloud.call('groupBuy', DEMO.leader, createEvent(cloud.otherPickupPointId))).error?.code).toBe('AUTH.FORBIDDEN')
    expect((await cloud.call('groupBuy', DEMO.leader, createEvent(cloud.pickupPointId))).ok).toBe(true)
    // Clerks run pickups, not group buys.
    expect((await cloud.call('groupBuy', DEMO.clerk, createEvent(cloud.pickupPointId))).error?.code).toBe('AUTH.FORBIDDEN')
    // Merchants and admins may open one anywhere.
    expect((await cloud.call('groupBuy', DEMO.merchant, createEvent(cloud.otherPickupPointId))).ok).toBe(true)
    expect((await cloud.call('groupBuy', DEMO.admin, createEvent(cloud.otherPickupPointId))).ok).toBe(true)
  })

  it('no identity is AUTH.UNAUTHENTICATED', async () => {
    expect((await cloud.call('user', null, { action: 'me' })).error?.code).toBe('AUTH.UNAUTHENTICATED')
    const res = await fetch(`${cloud.url}/fn/user`, { method: 'POST', body: JSON.stringify({ action: 'me' }) })
    expect(((await res.json()) as Doc).error.code).toBe('AUTH.UNAUTHENTICATED')
  })
})

describe('identity comes from the WeChat context only', () => {
  it('an openid in the body is rejected and never used', async () => {
    const me = await cloud.call('user', resident, { action: 'me', openid: DEMO.admin })
    expect(me.error?.code).toBe('INPUT.INVALID')
    const groupBuyId = await createGroupBuy(cloud)
    const joinAs = await cloud.call('groupBuy', resident, { action: 'join', groupBuyId, quantity: 1, requestId: 'body-openid-1', openid: 'victim' })
    expect(joinAs.error?.code).toBe('INPUT.INVALID')
    expect((await readDoc('groupBuys', groupBuyId))!.stockLeft).toBe(50)
    // A resident claiming to be the admin in the body is still a resident.
    expect((await cloud.call('admin', resident, { action: 'grantRole', openid: resident, role: 'merchant', OPENID: DEMO.admin })).error?.code).toBe('AUTH.FORBIDDEN')
  })

  it('a forged userInfo in the body is replaced by the header identity', async () => {
    const res = await fetch(`${cloud.url}/fn/user`, {
      method: 'POST',
      headers: { 'X-WX-OPENID': resident },
      body: JSON.stringify({ action: 'me', userInfo: { appId: 'x', openId: DEMO.admin } }),
    })
    const body = (await res.json()) as Doc
    expect(body.ok).toBe(true)
    expect(body.data.openid).toBe(resident)
    expect(body.data.roles).not.toContain('admin')
  })

  it('50 concurrent callers over HTTP each get their own identity back', async () => {
    const openids = Array.from({ length: 50 }, (_, i) => `http-user-${i}`)
    const replies = await Promise.all(
      openids.map(async (openid) => {
        const res = await fetch(`${cloud.url}/fn/user`, { method: 'POST', headers: { 'X-WX-OPENID': openid }, body: JSON.stringify({ action: 'me' }) })
        expect(res.status).toBe(200)
        return (await res.json()) as Doc
      }),
    )
    replies.forEach((r, i) => {
      expect(r.ok).toBe(true)
      expect(r.data.openid).toBe(openids[i])
    })
  })

  it('concurrent joins over HTTP are each recorded under their own caller', async () => {
    const groupBuyId = await createGroupBuy(cloud, { stock: 100, limitPerUser: 1 })
    const openids = Array.from({ length: 30 }, (_, i) => `http-joiner-${i}`)
    const replies = await Promise.all(
      openids.map(async (openid, i) => {
        const res = await fetch(`${cloud.url}/fn/groupBuy`, { method: 'POST', headers: { 'X-WX-OPENID': openid }, body: JSON.stringify({ action: 'join', groupBuyId, quantity: 1, requestId: `http-join-${i}-x` }) })
        return (await res.json()) as Doc
      }),
    )
    for (let i = 0; i < openids.length; i++) {
      expect(replies[i].ok).toBe(true)
      expect((await readDoc('orders', replies[i].data.orderId))!.openid).toBe(openids[i])
    }
  })

  it('GET /health answers 200', async () => {
    const res = await fetch(`${cloud.url}/health`)
    expect(res.status).toBe(200)
    expect(await res.json()).toEqual({ ok: true })
  })
})
