/**
 * A completing hand-over's records — its line of the counter's audit and its points entry — ride on the order's own
 * write in the hand-over's transaction, and settle copies them into `verifications` and `pointEntries` in batches
 * (#23: pickup 9 → 7 operations; server/pickup/handover-records.ts). Each test is an attack on the window between the
 * two: whoever reads the records before settle copies them must see them, exactly once, and nobody may gain from it.
 * `BUG (fixed)`: the crash test failed on the code before (the audit line was an insert after the commit).
 */
import { healMemberPoints, POINTS_HEAL_QUIET_MS } from '@server/members/points'
import { processDueRefunds } from '@server/payments/refunds'
import { pointEntryIdFor } from '@server/ids'
import type { PointEntryView } from '@shared/contracts/member'
import type { PickupOutputs } from '@shared/contracts/pickup'
import { copyHandoverRecords, database, DEMO, idMaker, must, newRequestId, readAll, readDoc, testCloudForThisFile } from './support/cloud'
import { arrivedGroupBuy, pickedUpGroupBuy } from './support/after-pickup'
import { dieAt, quietCrashLogs } from './support/crash'

jest.setTimeout(300_000)

const cloud = testCloudForThisFile()
const fresh = idMaker('hor')

quietCrashLogs()

/** A group buy at the demo point whose buyers paid and whose goods arrived (nothing handed over yet): their orders. */
const arrived = async (buyers: Record<string, number>) => (await arrivedGroupBuy(cloud, buyers)).orders

const codeOf = async (openid: string, orderId: string) =>
  (await must(cloud.call<{ order: { pickupCode: string } }>('order', openid, { action: 'get', orderId }), 'order.get')).order.pickupCode

describe('hand-over records ride on the order until settle copies them', () => {
  it('BUG (fixed): an instance dying right after the hand-over committed no longer loses its audit line', async () => {
    const r = fresh('crash')
    const orders = await arrived({ [r]: 1 })
    const code = await codeOf(r, orders[r])
    // Before, the line was inserted after the hand-over's commit: the first write to verifications was where a
    // dying instance lost it. Now nothing is inserted there: the line was written with the order.
    const run = await dieAt(cloud, { collection: 'verifications' }, () => cloud.call('pickup', DEMO.clerk, { action: 'verify', code }))
    expect(run.died).toBe(false)
    expect((await readDoc('orders', orders[r]))!.status).toBe('PICKED_UP')
    await copyHandoverRecords()
    expect(await readAll('verifications', { orderId: orders[r], outcome: 'PICKED_UP' })).toEqual([
      expect.objectContaining({ kind: 'pickup', code, clerkOpenid: DEMO.clerk, pickupPointId: cloud.pickupPointId, via: 'code', quantity: 1 }),
    ])
  })

  it('a settle cut between writing the records and clearing them writes nothing twice', async () => {
    const r = fresh('cut')
    const orders = await arrived({ [r]: 2 })
    await must(cloud.call('pickup', DEMO.clerk, { action: 'verify', code: await codeOf(r, orders[r]) }), 'verify')
    // The copy dies at the clearing write (the inserts went through): the records stay on the order for the next run.
    const cut = await dieAt(cloud, { collection: 'orders', match: 'recordsDueAt' }, () => copyHandoverRecords())
    expect(cut.died).toBe(true)
    expect((await readDoc('orders', orders[r]))!.recordsDueAt).toBeGreaterThan(0)
    await copyHandoverRecords()
    expect(await readAll('verifications', { orderId: orders[r] })).toHaveLength(1)
    expect(await readAll('pointEntries', { ref: orders[r], kind: 'EARN_PICKUP' })).toHaveLength(1)
    expect((await readDoc('orders', orders[r]))!.handoverRecords).toBeUndefined()
    expect(await readDoc('members', r)).toMatchObject({ points: 39, lifetimePoints: 39 })
  })

  it("a refund confirmed while the points entry still rides on the order takes the points back (no points kept on refunded money)", async () => {
    const r = fresh('refund')
    const { orders } = await pickedUpGroupBuy(cloud, { [r]: 2 })
    const orderId = orders[r]
    expect((await readDoc('orders', orderId))!.handoverRecords.earned).toMatchObject({ points: 39 })
    expect(await readDoc('members', r)).toMatchObject({ points: 39 })
    // 售后: one of the two units refunded, before any settle copied the pickup's entry.
    const asked = await must(cloud.call<{ caseId: string }>('afterSales', r, { action: 'request', orderId, quantity: 1, reason: 'QUALITY', requestId: newRequestId('hor') }), 'request')
    await must(cloud.call('afterSales', DEMO.leader, { action: 'decide', caseId: asked.caseId, approve: true }), 'decide')
    expect(await readAll('pointEntries', { ref: orderId, kind: 'EARN_PICKUP' })).toHaveLength(0)
    await processDueRefunds(database(), Date.now())
    await processDueRefunds(database(), Date.now() + 600_000)
    await cloud.fireTimer('settle')
    await copyHandoverRecords()
    // Half the money back: the points of that half back too (the take-back found the entry on the order).
    const member = await readDoc('members', r)
    expect(member!.points).toBeLessThan(39)
    const entries = await readAll('pointEntries', { openid: r })
    expect(entries.map((e) => e.kind).sort()).toEqual(['EARN_PICKUP', 'TAKE_BACK'])
    expect(entries.reduce((s, e) => s + e.points, 0)).toBe(member!.points)
  })

  it("the points heal, recounting a member while a pickup's entry rides on its order, keeps that pickup's points", async () => {
    const r = fresh('heal')
    const orders = await arrived({ [r]: 1 })
    await must(cloud.call('pickup', DEMO.clerk, { action: 'verify', code: await codeOf(r, orders[r]) }), 'verify')
    const before = await readDoc('members', r)
    expect(before).toMatchObject({ points: 19, lifetimePoints: 19 })
    // A stale pending entry of the same member (a spend a crash cut off long ago) makes the heal recount them.
    const old = Date.now() - POINTS_HEAL_QUIET_MS - 60_000
    await database().collection('pointEntries').add({ data: { _id: pointEntryIdFor('EARN_PICKUP', `${r}-old`), openid: r, kind: 'EARN_PICKUP', ref: `${r}-old`, points: 5, lifetime: 5, unrecovered: 0, note: '旧', createdAt: old, pendingSince: old } })
    await healMemberPoints(database(), Date.now())
    // 5 from the cut-off entry, 19 from the pickup still on its order: not 5.
    expect(await readDoc('members', r)).toMatchObject({ points: 24, lifetimePoints: 24 })
    await copyHandoverRecords()
    await healMemberPoints(database(), Date.now())
    expect(await readDoc('members', r)).toMatchObject({ points: 24, lifetimePoints: 24 })
  })

  it("the resident's 积分明细 lists a pickup's points at once, once — before and after settle copies the entry", async () => {
    const r = fresh('history')
    await pickedUpGroupBuy(cloud, { [r]: 1 })
    const list = async () => (await must(cloud.call<{ items: PointEntryView[]; nextCursor: string | null }>('member', r, { action: 'history' }), 'history')).items
    const riding = await list()
    expect(riding).toEqual([expect.objectContaining({ kind: 'EARN_PICKUP', points: 19 })])
    await copyHandoverRecords()
    expect(await list()).toEqual(riding)
  })

  it('the history pages through copied and riding entries in one order, each once', async () => {
    const r = fresh('pages')
    // 23 pickups: a page (20) and a bit; the first 22 copied, the last one still riding on its order.
    for (let i = 0; i < 22; i++) await pickedUpGroupBuy(cloud, { [r]: 1 })
    await copyHandoverRecords()
    await pickedUpGroupBuy(cloud, { [r]: 1 })
    const seen: PointEntryView[] = []
    let cursor: string | null = null
    do {
      const page: { items: PointEntryView[]; nextCursor: string | null } = await must(cloud.call('member', r, { action: 'history', ...(cursor ? { cursor } : {}) }), 'history')
      seen.push(...page.items)
      cursor = page.nextCursor
    } while (cursor)
    expect(seen).toHaveLength(23)
    expect(new Set(seen.map((e) => e.entryId)).size).toBe(23)
    expect(seen.map((e) => e.createdAt)).toEqual([...seen.map((e) => e.createdAt)].sort((a, b) => b - a))
  })

  it("the counter's screen shows the hand-over at once: today's count and the latest attempts", async () => {
    const r = fresh('today')
    const orders = await arrived({ [r]: 1 })
    const today = async () => (await must(cloud.call<PickupOutputs['today']>('pickup', DEMO.clerk, { action: 'today' }), 'today'))
    const before = (await today()).counts!.pickedUpToday
    await must(cloud.call('pickup', DEMO.clerk, { action: 'verify', code: await codeOf(r, orders[r]) }), 'verify')
    const riding = await today()
    expect(riding.counts!.pickedUpToday).toBe(before + 1)
    expect(riding.recent![0]).toMatchObject({ kind: 'pickup', outcome: 'PICKED_UP', orderId: orders[r] })
    await copyHandoverRecords()
    const copied = await today()
    expect(copied.counts!.pickedUpToday).toBe(before + 1)
    expect(copied.recent!.filter((v) => v.orderId === orders[r])).toHaveLength(1)
  })

  it("a former clerk who erases themselves while their hand-over's line rides on an order leaves no line naming them", async () => {
    const clerk = fresh('clerk')
    const r = fresh('erase')
    await must(cloud.call('admin', DEMO.admin, { action: 'grantRole', openid: clerk, role: 'clerk', pickupPointId: cloud.pickupPointId }), 'grantRole')
    const orders = await arrived({ [r]: 1 })
    await must(cloud.call('pickup', clerk, { action: 'verify', code: await codeOf(r, orders[r]) }), 'verify')
    expect((await readDoc('orders', orders[r]))!.handoverRecords.verification.clerkOpenid).toBe(clerk)
    // The platform closes the clerk role (there is no revoke action: written as the platform would), then they erase themselves.
    await database().collection('users').doc(clerk).update({ data: { roles: ['resident'], boundPickupPointId: null } })
    await must(cloud.call('user', clerk, { action: 'deleteMe', confirm: true }), 'deleteMe')
    await copyHandoverRecords()
    expect(await readAll('verifications', { clerkOpenid: clerk })).toHaveLength(0)
    const line = await readAll('verifications', { orderId: orders[r], outcome: 'PICKED_UP' })
    expect(line).toHaveLength(1)
    expect(line[0].clerkOpenid).toMatch(/^erased_/)
  })
})
