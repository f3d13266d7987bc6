/**
 * Issue #20: payouts as WeChat Pay's 商家转账 — the payee confirms a bill; its end state arrives as a signed,
 * encrypted notification (transferCallback) or by query; a bill that waits too long is cancelled. Money goes back
 * to AVAILABLE exactly once however often and in whatever order the ends are reported.
 */
import type { LedgerOutputs, PayoutView } from '@shared/contracts/ledger'
import { processDuePayouts } from '@server/ledger/payouts'
import { DEMO, createGroupBuy, database, newRequestId, readAll, readDoc, testCloudForThisFile } from './support/cloud'
import { balanceOf, paidOrder, pickUp } from './support/ledger'

jest.setTimeout(120_000)

const cloud = testCloudForThisFile()
type HttpReply = { statusCode: number; body: string }

/** Give a fresh leader `fen` of AVAILABLE money the way a picked-up sale would (a credited entry). */
async function richLeader(openid: string, fen: number): Promise<void> {
  const now = Date.now()
  await database().collection('users').add({ data: { _id: openid, roles: ['leader'], createdAt: now } })
  await database().collection('ledgerEntries').add({
    data: { _id: `seed_${openid}`, orderId: null, groupBuyId: null, party: 'leader', partyId: openid, account: `leader:${openid}`, kind: 'RELEASE', amountFen: fen, state: 'AVAILABLE', refId: null, createdAt: now },
  })
}

async function payoutsOf(openid: string): Promise<PayoutView[]> {
  const res = await cloud.call<LedgerOutputs['payouts']>('ledger', openid, { action: 'payouts' })
  if (!res.ok) throw new Error(`payouts: ${res.error?.code}`)
  return res.data.items
}

async function request(openid: string, amountFen: number, extra: Record<string, unknown> = {}) {
  return cloud.call<{ payoutId: string; status: string }>('ledger', openid, { action: 'requestPayout', amountFen, requestId: newRequestId('po'), ...extra })
}

const notice = (outBillNo: string, opts?: { tamper?: boolean; at?: number }) => cloud.invoke('transferCallback', cloud.transfer.noticeEvent(outBillNo, opts), null) as Promise<HttpReply>

describe('商家转账 payouts', () => {
  // The after-sales window (#19) holds picked-up money; with it at 0 settle releases it at its next run.
  beforeAll(() => {
    process.env.AFTER_SALES_WINDOW_MS = '0'
  })
  afterAll(() => {
    delete process.env.AFTER_SALES_WINDOW_MS
  })

  it('a payout waits for the payee (WAIT_USER_CONFIRM), 确认收款 makes it SUCCESS; a replayed notice changes nothing', async () => {
    const groupBuyId = await createGroupBuy(cloud, { priceFen: 3000, minParticipants: 1 })
    const orderId = await paidOrder(cloud, 'tr-a', groupBuyId, 1)
    expect((await pickUp(cloud, 'tr-a', groupBuyId, orderId)).ok).toBe(true)
    await cloud.fireTimer('settle')
    const start = await balanceOf(cloud, DEMO.leader)

    const res = await request(DEMO.leader, 1500)
    expect(res.ok).toBe(true)
    const [mine] = await payoutsOf(DEMO.leader)
    expect(mine).toMatchObject({ payoutId: res.data.payoutId, state: 'WAIT_USER_CONFIRM', status: 'PENDING', amountFen: 1500 })
    expect(mine.confirm?.package).toBeTruthy()
    expect(cloud.transfer.list().find((t) => t.outBillNo === res.data.payoutId)).toEqual({ outBillNo: res.data.payoutId, openid: DEMO.leader, amountFen: 1500, state: 'WAIT_USER_CONFIRM' })
    // Nobody but the payee can confirm it; the payee can.
    expect((await cloud.transfer.confirm(res.data.payoutId, 'someone-else')).ok).toBe(false)
    expect((await cloud.transfer.confirm(res.data.payoutId, DEMO.leader)).delivered).toBe(true)

    const refreshed = await cloud.call<PayoutView>('ledger', DEMO.leader, { action: 'refreshPayout', payoutId: res.data.payoutId })
    expect(refreshed.data).toMatchObject({ state: 'SUCCESS', status: 'PAID', confirm: null })
    const paid = await balanceOf(cloud, DEMO.leader)
    expect(paid.paidOutFen - start.paidOutFen).toBe(1500)
    expect(paid.availableFen).toBe(start.availableFen - 1500)
    expect(paid.pendingPayoutFen).toBe(0)

    // WeChat Pay may send the same notice again (and again): nothing moves.
    for (let i = 0; i < 3; i++) expect((await notice(res.data.payoutId)).statusCode).toBe(204)
    await processDuePayouts(database(), Date.now() + 48 * 3600_000)
    expect(await balanceOf(cloud, DEMO.leader)).toEqual(paid)
    expect(await readAll('ledgerEntries', { refId: res.data.payoutId })).toHaveLength(4)
    // Someone else's refreshPayout finds nothing.
    expect((await cloud.call('ledger', DEMO.merchant, { action: 'refreshPayout', payoutId: res.data.payoutId })).error?.code).toBe('LEDGER.PAYOUT_NOT_FOUND')
  })

  it('an expired bill returns the money once under 10 concurrent notices, and settle after it changes nothing', async () => {
    await richLeader('tr-exp', 5000)
    const res = await request('tr-exp', 4000)
    expect(res.ok).toBe(true)
    expect((await balanceOf(cloud, 'tr-exp')).availableFen).toBe(1000)

    // The payee lets it run out; WeChat Pay's notice (FAIL) and nine copies of it arrive at once.
    const first = cloud.transfer.expire(res.data.payoutId)
    const copies = await Promise.all(Array.from({ length: 9 }, () => notice(res.data.payoutId)))
    expect((await first).ok).toBe(true)
    expect(copies.every((c) => c.statusCode === 204)).toBe(true)
    for (let k = 1; k <= 3; k++) await processDuePayouts(database(), Date.now() + k * 24 * 3600_000)

    const back = await balanceOf(cloud, 'tr-exp')
    expect(back).toMatchObject({ availableFen: 5000, pendingPayoutFen: 0, paidOutFen: 0 })
    expect((await readAll('ledgerEntries', { refId: res.data.payoutId })).map((e) => e._id).sort()).toEqual([`${res.data.payoutId}_done_a`, `${res.data.payoutId}_done_p`, `${res.data.payoutId}_hold_a`, `${res.data.payoutId}_hold_p`])
    expect(await readDoc('payouts', res.data.payoutId)).toMatchObject({ status: 'FAILED', state: 'FAILED' })
    // The money can be withdrawn again.
    const again = await request('tr-exp', 5000)
    expect(again.ok).toBe(true)
    expect((await cloud.transfer.confirm(again.data.payoutId)).delivered).toBe(true)
    expect(await balanceOf(cloud, 'tr-exp')).toMatchObject({ availableFen: 0, pendingPayoutFen: 0, paidOutFen: 5000 })
  })

  it('a bill that waits too long is cancelled by settle: CANCELLED, money back once despite late notices', async () => {
    await richLeader('tr-cancel', 3000)
    const res = await request('tr-cancel', 3000)
    const payoutId = res.data.payoutId
    // Within the window settle only looks the bill up.
    await processDuePayouts(database(), Date.now() + 11 * 60_000)
    expect(cloud.transfer.bill(payoutId)?.state).toBe('WAIT_USER_CONFIRM')
    const cancelsBefore = cloud.transfer.cancelCalls
    await Promise.all([processDuePayouts(database(), Date.now() + 24 * 3600_000), processDuePayouts(database(), Date.now() + 24 * 3600_000)])
    expect(cloud.transfer.cancelCalls - cancelsBefore).toBe(1)
    await Promise.all(Array.from({ length: 10 }, () => notice(payoutId)))
    expect(cloud.transfer.bill(payoutId)?.state).toBe('CANCELLED')
    expect(await readDoc('payouts', payoutId)).toMatchObject({ status: 'FAILED', state: 'CANCELLED', packageInfo: null })
    expect(await balanceOf(cloud, 'tr-cancel')).toMatchObject({ availableFen: 3000, pendingPayoutFen: 0, paidOutFen: 0 })
    // A cancelled bill can no longer be confirmed.
    expect((await cloud.transfer.confirm(payoutId)).ok).toBe(false)
  })

  it('a notice with a bad signature (or an old one, or a forged body) is refused and changes nothing', async () => {
    await richLeader('tr-forge', 2000)
    const res = await request('tr-forge', 2000)
    const payoutId = res.data.payoutId
    // Make the simulator's bill SUCCESS without delivering, then forge variants of its notice.
    const bill = cloud.transfer.bill(payoutId)!
    bill.state = 'SUCCESS'
    expect((await notice(payoutId, { tamper: true })).statusCode).toBe(401)
    expect((await notice(payoutId, { at: Date.now() - 10 * 60_000 })).statusCode).toBe(401)
    const event = cloud.transfer.noticeEvent(payoutId)!
    const forged = { ...event, body: String(event.body).replace('"id":"', '"id":"x') }
    expect(((await cloud.invoke('transferCallback', forged, null)) as HttpReply).statusCode).toBe(401)
    expect(((await cloud.invoke('transferCallback', { ...event, headers: {} }, null)) as HttpReply).statusCode).toBe(401)
    expect(await readDoc('payouts', payoutId)).toMatchObject({ status: 'PENDING', state: 'WAIT_USER_CONFIRM' })
    expect(await balanceOf(cloud, 'tr-forge')).toMatchObject({ availableFen: 0, pendingPayoutFen: 2000, paidOutFen: 0 })
    // The genuine notice, whoever relays it, is applied.
    expect(((await cloud.invoke('transferCallback', event, 'tr-forge')) as HttpReply).statusCode).toBe(204)
    expect(await readDoc('payouts', payoutId)).toMatchObject({ status: 'PAID', state: 'SUCCESS' })
  })

  it('user_name goes encrypted from ¥2,000 and never for less; the plain name is stored nowhere', async () => {
    await richLeader('tr-big', 700_000)
    expect((await request('tr-big', 200_000)).error?.code).toBe('LEDGER.REAL_NAME_REQUIRED')
    const big = await request('tr-big', 200_000, { realName: '王小明' })
    const small = await request('tr-big', 199_999, { realName: '王小明' })
    expect(big.ok && small.ok).toBe(true)
    expect(cloud.transfer.bill(big.data.payoutId)).toMatchObject({ state: 'WAIT_USER_CONFIRM', userName: '王小明' })
    expect(cloud.transfer.bill(small.data.payoutId)).toMatchObject({ state: 'WAIT_USER_CONFIRM', userName: null })
    const stored = await readDoc('payouts', big.data.payoutId)
    expect(JSON.stringify(stored)).not.toContain('王小明')
    expect(typeof stored!.userNameCipher).toBe('string')
    expect((await readDoc('payouts', small.data.payoutId))!.userNameCipher).toBeNull()
    // Once the payout closes, the ciphertext goes too.
    await cloud.transfer.confirm(big.data.payoutId)
    expect((await readDoc('payouts', big.data.payoutId))!.userNameCipher).toBeNull()
  })
})

describe('the transfer simulator over HTTP', () => {
  it('GET /sim/transfers, POST /sim/transfers/confirm and /expire; bills survive a restart of the local cloud', async () => {
    const { mkdtempSync, rmSync } = await import('fs')
    const os = await import('os')
    const path = await import('path')
    const { startLocalCloud } = await import('../../local-cloud/host')
    const dir = mkdtempSync(path.join(os.tmpdir(), 'transfer-sim-'))
    const http = async (base: string, method: string, p: string, body?: object, openid?: string) => {
      const res = await fetch(base + p, { method, headers: { 'content-type': 'application/json', ...(openid ? { 'x-wx-openid': openid } : {}) }, body: body ? JSON.stringify(body) : undefined })
      return (await res.json()) as { ok: boolean; data: { items: { outBillNo: string; openid: string; amountFen: number; state: string }[] }; error?: { code: string } }
    }
    try {
      let local = await startLocalCloud({ dataDir: dir, port: 0 })
      // eslint-disable-next-line @typescript-eslint/no-var-requires
      const db = (require('wx-server-sdk') as { database(): DB.Database }).database()
      const now = Date.now()
      await db.collection('users').add({ data: { _id: 'sim-leader', roles: ['leader'], createdAt: now } })
      await db.collection('ledgerEntries').add({ data: { _id: 'seed_sim', orderId: null, groupBuyId: null, party: 'leader', partyId: 'sim-leader', account: 'leader:sim-leader', kind: 'RELEASE', amountFen: 900, state: 'AVAILABLE', refId: null, createdAt: now } })
      const a = (await local.invoke('ledger', { action: 'requestPayout', amountFen: 500, requestId: 'simhttp-a-0001' }, 'sim-leader')) as { data: { payoutId: string } }
      const b = (await local.invoke('ledger', { action: 'requestPayout', amountFen: 400, requestId: 'simhttp-b-0001' }, 'sim-leader')) as { data: { payoutId: string } }
      await local.close()

      local = await startLocalCloud({ dataDir: dir, port: 0 })
      const listed = await http(local.url, 'GET', '/sim/transfers')
      expect(listed.data.items.map((i) => i.outBillNo).sort()).toEqual([a.data.payoutId, b.data.payoutId].sort())
      expect(listed.data.items.find((i) => i.outBillNo === a.data.payoutId)).toEqual({ outBillNo: a.data.payoutId, openid: 'sim-leader', amountFen: 500, state: 'WAIT_USER_CONFIRM' })
      expect((await http(local.url, 'POST', '/sim/transfers/confirm', { outBillNo: a.data.payoutId }, 'not-the-payee')).ok).toBe(false)
      expect((await http(local.url, 'POST', '/sim/transfers/confirm', { outBillNo: a.data.payoutId }, 'sim-leader')).ok).toBe(true)
      expect((await http(local.url, 'POST', '/sim/transfers/expire', { outBillNo: b.data.payoutId })).ok).toBe(true)
      const after = await http(local.url, 'GET', '/sim/transfers')
      expect(Object.fromEntries(after.data.items.map((i) => [i.outBillNo, i.state]))).toEqual({ [a.data.payoutId]: 'SUCCESS', [b.data.payoutId]: 'FAIL' })
      const bal = (await local.invoke('ledger', { action: 'balance' }, 'sim-leader')) as { data: { availableFen: number; paidOutFen: number } }
      expect(bal.data).toMatchObject({ availableFen: 400, paidOutFen: 500 })
      await local.close()
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})
