/**
 * Money that survives a crash (#27). Every multi-step money path is cut at each of its gaps (server/crash-points.ts)
 * — during a failed group's refunds, a shortage sign-off, 20 parallel pickups, 20 parallel payment notices and
 * payouts — then the local cloud is restarted on the same data directory (SQLite and the payment simulator's file),
 * settle is fired, and the outcome must be what it would have been without the crash: every order refunded exactly
 * once with its status and refundedFen right, every picked-up order's points once, paid counts and 成团 whole, no
 * payee paid twice, and admin.reconcile finds nothing. In-process kills (the cut call throws, as a CloudBase instance
 * dies at its timeout) keep it fast and exact; a few real SIGKILLs of a child host (`local-cloud/main.ts` with
 * CRASH_AT) show the real thing.
 */
import { moveOrder } from '@server/orders/moves'
import { readyCountOf } from '@server/pickup/ready-count'
import { spawn, type ChildProcess } from 'child_process'
import { mkdtempSync, rmSync } from 'fs'
import os from 'os'
import path from 'path'
import { armCrash, CRASH_POINTS, disarmCrash, type CrashPointName } from '@server/crash-points'
import { checkRollups } from '@server/insight/rollups'
import { participationIdFor, pointEntryIdFor } from '@server/ids'
import { startLocalCloud, type LocalCloud } from '../../local-cloud/host'
import { DEMO } from '../../local-cloud/seed'
import type { TransferSimulator } from '../../local-cloud/transfer-sim'
import { database, readAll, readDoc, readLedger, unbookLedger, type Doc, type Reply } from './support/cloud'

jest.setTimeout(120_000)

const ROOT = path.resolve(__dirname, '../..')
const dirs: string[] = []
const tempDir = (tag: string) => {
  const d = mkdtempSync(path.join(os.tmpdir(), `crash-${tag}-`))
  dirs.push(d)
  return d
}

// The crashes log as failures (that is what they are); keep the output to what the test says.
let quiet: jest.SpyInstance[] = []
beforeAll(() => {
  const original = { error: console.error, warn: console.warn }
  quiet = [
    jest.spyOn(console, 'error').mockImplementation((...args: unknown[]) => {
      if (!args.some((a) => String(a instanceof Error ? a.message : a).includes('simulated crash'))) original.error(...args)
    }),
    jest.spyOn(console, 'warn').mockImplementation(() => undefined),
  ]
})
afterAll(() => {
  for (const s of quiet) s.mockRestore()
  disarmCrash()
})

describe('in-process kills at every gap, restarted on the same data', () => {
  let dir = ''
  let cloud: LocalCloud
  let transfer: TransferSimulator
  let pointId = ''
  let n = 0

  const call = async <T = Doc>(fn: string, openid: string | null, event: Record<string, unknown>) => (await cloud.invoke(fn, event, openid)) as Reply<T>
  const must = async <T = Doc>(fn: string, openid: string, event: Record<string, unknown>): Promise<T> => {
    const r = await call<T>(fn, openid, event)
    if (!r.ok) throw new Error(`${fn}.${String(event.action)}: ${r.error?.code} ${r.error?.message}`)
    return r.data
  }

  async function boot(): Promise<void> {
    cloud = await startLocalCloud({ dataDir: dir, seed: true, adminOpenids: [DEMO.admin], port: 0 })
    // The transfer simulator keeps its bills (and keys) in the data dir: the restarted one is the same WeChat Pay.
    transfer = cloud.transfer
  }
  async function restart(): Promise<void> {
    await cloud.close()
    await boot()
  }
  /** One kill: arm, run, check that it fired, restart on the same files, and let settle finish what was left. */
  async function killAt(point: CrashPointName, skip: number, run: () => Promise<unknown>): Promise<void> {
    armCrash(point, skip)
    try {
      await run()
    } finally {
      expect({ point, skip, fired: disarmCrash() }).toEqual({ point, skip, fired: true })
    }
    await restart()
  }
  const settle = () => cloud.fireTimer('settle') as Promise<Reply>
  /** After settle: a ¥10 order handed over and finished, its 10 points earned once, its money released. */
  async function expectHandedOverOnce(o: { orderId: string; openid: string }): Promise<void> {
    const doc = (await readDoc('orders', o.orderId))!
    expect({ status: doc.status, finished: doc.handoverFinishedAt > 0 }).toEqual({ status: 'PICKED_UP', finished: true })
    const earned = await readAll('pointEntries', { ref: o.orderId, kind: 'EARN_PICKUP' })
    expect(earned.map((e) => ({ points: e.points, pendingSince: e.pendingSince }))).toEqual([{ points: 10, pendingSince: 0 }])
    expect((await readDoc('members', o.openid))!.points).toBe(10)
    expect((await readLedger(o.orderId))!.released).toBe(true)
  }

  async function groupBuy(terms: { minParticipants: number; stock?: number; priceFen?: number }): Promise<string> {
    const now = Date.now()
    const { groupBuyId } = await must<{ groupBuyId: string }>('groupBuy', DEMO.leader, {
      action: 'create', title: `崩溃测试 ${++n}`, priceFen: terms.priceFen ?? 1000, stock: terms.stock ?? 100, minParticipants: terms.minParticipants, limitPerUser: 5,
      startAt: now - 1000, endAt: now + 3600_000, pickupPointId: pointId,
    })
    return groupBuyId
  }
  async function joinAll(groupBuyId: string, quantities: number[], tag: string): Promise<Array<{ orderId: string; openid: string; quantity: number; amountFen: number }>> {
    return Promise.all(quantities.map(async (quantity, i) => {
      const openid = `cr-${tag}-${n}-${i}`
      const r = await must<{ orderId: string; amountFen: number }>('groupBuy', openid, { action: 'join', groupBuyId, quantity, requestId: `crash-${tag}-${n}-${i}` })
      return { orderId: r.orderId, openid, quantity, amountFen: r.amountFen }
    }))
  }
  async function payAll(orders: Array<{ orderId: string }>): Promise<void> {
    for (const o of orders) expect((await cloud.pay.pay(o.orderId)).ok).toBe(true)
  }
  /** The clerk scans every order's code at once with a kill armed: exactly one scan is cut (INTERNAL); its index. */
  async function scanAllWithAKill(orders: Array<{ orderId: string }>, point: CrashPointName, skip: number): Promise<{ codes: string[]; cut: number }> {
    const codes = await Promise.all(orders.map(async (o) => (await readDoc('orders', o.orderId))!.pickupCode as string))
    let replies: Reply[] = []
    await killAt(point, skip, async () => {
      replies = await Promise.all(codes.map((code) => call('pickup', DEMO.clerk, { action: 'verify', code })))
    })
    const cut = replies.map((r, i) => ({ r, i })).filter(({ r }) => !r.ok)
    expect(cut.map(({ r }) => r.error?.code)).toEqual(['INTERNAL'])
    return { codes, cut: cut[0].i }
  }

  /** Refunded exactly once per refund document, and the order's own record agrees with WeChat Pay. */
  async function expectRefundedOnce(orderId: string, want: { status: string; refundedFen: number }): Promise<void> {
    const order = (await readDoc('orders', orderId))!
    const refunds = await readAll('refunds', { orderId })
    expect({ orderId, status: order.status, refundedFen: order.refundedFen ?? 0 }).toEqual({ orderId, ...want })
    expect(refunds.every((r) => r.status === 'DONE' && r.appliedAt > 0)).toBe(true)
    expect(cloud.pay.refundCountFor(orderId)).toBe(refunds.length)
    expect(cloud.pay.refundedFor(orderId)).toBe(want.refundedFen)
    expect([...(order.refundIds ?? [])].sort()).toEqual(refunds.map((r) => r._id).sort())
  }

  beforeAll(async () => {
    process.env.AFTER_SALES_WINDOW_MS = '1'
    dir = tempDir('inproc')
    await boot()
    pointId = (await must<{ boundPickupPointId: string }>('user', DEMO.leader, { action: 'me' })).boundPickupPointId
  })
  afterAll(async () => {
    disarmCrash()
    await cloud?.close()
  })

  it('a failed group’s refunds: each order refunded once, REFUNDED with its refundedFen, whatever gap the kill hit', async () => {
    const kills = CRASH_POINTS.refund.flatMap((point) => [0, 1, 3].map((skip) => ({ point, skip })))
    expect(kills.length).toBeGreaterThanOrEqual(10)
    for (const { point, skip } of kills) {
      const groupBuyId = await groupBuy({ minParticipants: 10 })
      const orders = await joinAll(groupBuyId, [1, 2, 1, 2], 'fail')
      await payAll(orders)
      await database().collection('groupBuys').doc(groupBuyId).update({ data: { endAt: Date.now() - 1000 } })
      await killAt(point, skip, settle)
      await settle()
      await settle()
      expect((await readDoc('groupBuys', groupBuyId))!.status).toBe('FAILED')
      for (const o of orders) await expectRefundedOnce(o.orderId, { status: 'REFUNDED', refundedFen: o.amountFen })
      // The dashboard's day rollups (#23) counted each payment and each refund once.
      expect((await checkRollups(database(), groupBuyId)).equal).toBe(true)
    }
  })

  it('a shortage sign-off: served, part-refunded and refunded exactly as without the kill', async () => {
    /** 2+2+1+1 paid, 3 arrive: served in 跟团号 order — 2, 1 (one unit refunded), then two orders refunded in full. */
    const signOff = async () => {
      const groupBuyId = await groupBuy({ minParticipants: 1 })
      const orders: Awaited<ReturnType<typeof joinAll>> = []
      for (const [i, q] of [2, 2, 1, 1].entries()) orders.push(...(await joinAll(groupBuyId, [q], `short${i}`)))
      await payAll(orders)
      return { groupBuyId, orders, arrive: () => call('groupBuy', DEMO.leader, { action: 'markArrived', groupBuyId, receivedQuantity: 3 }) }
    }
    const want = [
      { status: 'READY_FOR_PICKUP', servedQuantity: 2, refundedFen: 0 },
      { status: 'READY_FOR_PICKUP', servedQuantity: 1, refundedFen: 1000 },
      { status: 'REFUNDED', refundedFen: 1000 },
      { status: 'REFUNDED', refundedFen: 1000 },
    ]
    const kills: Array<{ point: CrashPointName; skip: number }> = [
      { point: 'arrival:after-plan', skip: 0 },
      { point: 'arrival:after-arrived', skip: 0 },
      ...[0, 1, 2, 3].map((skip) => ({ point: 'arrival:after-line' as const, skip })),
      ...CRASH_POINTS.refund.map((point) => ({ point, skip: 0 })),
      { point: 'refund:after-ledger', skip: 2 },
    ]
    expect(kills.length).toBeGreaterThanOrEqual(10)
    for (const { point, skip } of kills) {
      const { groupBuyId, orders, arrive } = await signOff()
      await killAt(point, skip, async () => {
        await arrive()
        await settle()
      })
      await settle()
      await settle()
      const gb = (await readDoc('groupBuys', groupBuyId))!
      expect({ receivedQuantity: gb.receivedQuantity, arrivalShort: gb.arrivalShort, soldQuantity: gb.soldQuantity }).toEqual({ receivedQuantity: 3, arrivalShort: true, soldQuantity: 6 })
      for (const [i, o] of orders.entries()) {
        const doc = (await readDoc('orders', o.orderId))!
        expect({ point, i, status: doc.status, ...(want[i].servedQuantity ? { servedQuantity: doc.servedQuantity } : {}) }).toEqual({ point, i, status: want[i].status, ...(want[i].servedQuantity ? { servedQuantity: want[i].servedQuantity } : {}) })
        await expectRefundedOnce(o.orderId, { status: want[i].status, refundedFen: want[i].refundedFen })
      }
      // Every resident with a shortage was told once (keyed notices).
      for (const o of orders.slice(1)) expect((await readAll('notices', { openid: o.openid, kind: 'SHORTAGE_REFUNDED' })).length).toBe(1)
    }
  })

  it('20 parallel pickups: every hand-over released and its points credited once — one transaction: cut inside it nothing happened, after it everything did', async () => {
    const kills = CRASH_POINTS.pickup.flatMap((point) => [0, 6, 13, 19].map((skip) => ({ point, skip })))
    expect(kills.length).toBeGreaterThanOrEqual(8)
    for (const [k, { point, skip }] of kills.entries()) {
      const groupBuyId = await groupBuy({ minParticipants: 1, priceFen: 1000 })
      const orders = await joinAll(groupBuyId, Array(20).fill(1), 'pick')
      await payAll(orders)
      await must('groupBuy', DEMO.leader, { action: 'markArrived', groupBuyId })
      const { codes, cut } = await scanAllWithAKill(orders, point, skip)
      const cutOrder = orders[cut]
      const entryId = pointEntryIdFor('EARN_PICKUP', cutOrder.orderId)
      if (point === 'pickup:in-handover') {
        // Cut before its commit: nothing of the hand-over happened — the order still waits (and is counted as
        // waiting), no points, no ledger pickup, no shipping record; the clerk's next scan hands it over once.
        expect((await readDoc('orders', cutOrder.orderId))!.status).toBe('READY_FOR_PICKUP')
        expect(await readDoc('pointEntries', entryId)).toBeNull()
        expect((await readLedger(cutOrder.orderId))!.pickedUpAt).toBeNull()
        expect(await readDoc('shippingUploads', `sh_${cutOrder.orderId}`)).toBeNull()
        expect((await readDoc('orders', cutOrder.orderId))!.shippingDueAt).toBeUndefined()
        const waiting = (await readAll('orders', { pickupPointId: pointId, status: 'READY_FOR_PICKUP' })).length
        expect(await readyCountOf(database(), pointId)).toBe(waiting)
        expect((await call('pickup', DEMO.clerk, { action: 'verify', code: codes[cut] })).ok).toBe(true)
      } else {
        // Cut after its commit: the order, its points, the ledger's pickup and the shipping record's mark (on the
        // order; settle queues the record) are all there before anyone retries or settle runs — no later step is left.
        const doc = (await readDoc('orders', cutOrder.orderId))!
        expect({ status: doc.status, finished: doc.handoverFinishedAt > 0 }).toEqual({ status: 'PICKED_UP', finished: true })
        // The points entry and the audit line ride on the order (settle writes them as documents, #23).
        expect(doc.handoverRecords.earned).toMatchObject({ points: 10 })
        expect(doc.handoverRecords.verification).toMatchObject({ outcome: 'PICKED_UP', orderId: cutOrder.orderId })
        expect((await readDoc('members', cutOrder.openid))!.points).toBe(10)
        expect((await readLedger(cutOrder.orderId))!.pickedUpAt).toBe(doc.pickedUpAt)
        expect(doc.shippingDueAt).toBe(doc.pickedUpAt)
        if (k % 2 === 0) {
          // The clerk scans the code again: the hand-over happened, so it is not repeated.
          const again = await call('pickup', DEMO.clerk, { action: 'verify', code: codes[cut] })
          expect(again.error?.code).toBe('PICKUP.ALREADY_USED')
        }
      }
      await settle()
      for (const o of orders) {
        await expectHandedOverOnce(o)
        expect((await readAll('shippingUploads', { orderId: o.orderId })).length).toBe(1)
      }
    }
    const ready = (await readAll('orders', { pickupPointId: pointId, status: 'READY_FOR_PICKUP' })).length
    expect(await readyCountOf(database(), pointId)).toBe(ready)
  })

  it('hand-overs of orders whose sale is not in the ledger yet: the steps after the transaction, cut at each gap, finished once — by the clerk’s retry or by settle', async () => {
    const kills = CRASH_POINTS.handoverSteps.flatMap((point) => [0, 5, 9].map((skip) => ({ point, skip })))
    for (const [k, { point, skip }] of kills.entries()) {
      const groupBuyId = await groupBuy({ minParticipants: 1, priceFen: 1000 })
      const orders = await joinAll(groupBuyId, Array(10).fill(1), 'steps')
      await payAll(orders)
      await must('groupBuy', DEMO.leader, { action: 'markArrived', groupBuyId })
      // As after payments whose ledger sale was cut off and not caught up yet: the hand-over books the sale first.
      for (const o of orders) {
        await database().collection('ledgerEntries').where({ orderId: o.orderId }).remove()
        await unbookLedger(o.orderId)
      }
      const { codes, cut } = await scanAllWithAKill(orders, point, skip)
      expect((await readDoc('orders', orders[cut].orderId))!.handoverFinishedAt).toBe(0)
      if (k % 2 === 0) {
        const again = await call('pickup', DEMO.clerk, { action: 'verify', code: codes[cut] })
        expect(again.error?.code).toBe('PICKUP.ALREADY_USED')
        expect(await readDoc('pointEntries', pointEntryIdFor('EARN_PICKUP', orders[cut].orderId))).toMatchObject({ points: 10, pendingSince: 0 })
      }
      await settle()
      for (const o of orders) {
        await expectHandedOverOnce(o)
        // The sale the hand-over booked first, once: its shares add up to what was paid.
        expect((await readAll('ledgerEntries', { orderId: o.orderId, kind: 'SALE' })).reduce((sum, e) => sum + e.amountFen, 0)).toBe(1000)
      }
    }
  })

  it('20 parallel payment notices: paid counts and 成团 as if nothing crashed — by the re-sent notice or by settle', async () => {
    const kills = [
      ...CRASH_POINTS.payment.flatMap((point) => [0, 10].map((skip) => ({ point, skip }))),
      { point: 'payment:after-count' as const, skip: 19 },
    ]
    expect(kills.length).toBeGreaterThanOrEqual(10)
    for (const [k, { point, skip }] of kills.entries()) {
      const groupBuyId = await groupBuy({ minParticipants: 20, stock: 100 })
      const quantities = Array.from({ length: 20 }, (_, i) => (i % 3) + 1)
      const orders = await joinAll(groupBuyId, quantities, 'pay')
      for (const o of orders) expect((await cloud.pay.pay(o.orderId, { deliver: false })).ok).toBe(true)
      // Even kills: WeChat Pay re-sends the notice (the simulator retries until errcode 0); odd: it is never answered again.
      await killAt(point, skip, () => Promise.all(orders.map((o) => cloud.pay.notify(o.orderId, k % 2 === 0 ? 5 : 1))))
      await settle()
      const sold = quantities.reduce((s, q) => s + q, 0)
      const gb = (await readDoc('groupBuys', groupBuyId))!
      expect({ point, skip, status: gb.status, paidParticipants: gb.paidParticipants, soldQuantity: gb.soldQuantity, reservedQuantity: gb.reservedQuantity, stockLeft: gb.stockLeft, succeededNotified: gb.succeededNotified })
        .toEqual({ point, skip, status: 'SUCCEEDED', paidParticipants: 20, soldQuantity: sold, reservedQuantity: 0, stockLeft: 100 - sold, succeededNotified: true })
      expect((await checkRollups(database(), groupBuyId)).recount.sales).toEqual((await readDoc('groupBuys', groupBuyId))!.salesByDay)
      for (const o of orders) {
        const doc = (await readDoc('orders', o.orderId))!
        expect({ status: doc.status, counted: doc.countedAt > 0, finished: doc.paymentFinishedAt > 0 }).toEqual({ status: 'PAID', counted: true, finished: true })
        expect((await readDoc('participations', participationIdFor(groupBuyId, o.openid)))!.paidOrders).toBe(1)
        expect(await readLedger(o.orderId)).not.toBeNull()
        expect(await readDoc('outbox', `succeeded_${o.orderId}`)).not.toBeNull()
      }
    }
  })

  it('payouts: a kill before or after the transfer never pays a payee twice; every payout ends PAID', async () => {
    await settle() // releases what the pickups above made available
    const kills = CRASH_POINTS.payout.flatMap((point) => [0, 1, 2, 3, 4].map(() => ({ point, skip: 0 })))
    expect(kills.length).toBeGreaterThanOrEqual(10)
    for (const [i, { point, skip }] of kills.entries()) {
      // requestPayout creates the 商家转账 bill in the same call: the kill lands there (after the hold).
      const ask = () => call('ledger', DEMO.leader, { action: 'requestPayout', amountFen: 100, requestId: `crash-payout-${i}`, as: 'leader' })
      await killAt(point, skip, ask)
      const requested = await must<{ payoutId: string }>('ledger', DEMO.leader, { action: 'requestPayout', amountFen: 100, requestId: `crash-payout-${i}`, as: 'leader' })
      // Time passes: the payout's lease (its next attempt, a minute on) is due.
      await database().collection('payouts').where({ status: 'PENDING' }).update({ data: { nextAttemptAt: 0 } })
      await settle()
      // The bill (the same out_bill_no, created once) waits for the payee, who confirms it.
      expect((await transfer.confirm(requested.payoutId)).delivered).toBe(true)
      expect((await readDoc('payouts', requested.payoutId))!.status).toBe('PAID')
    }
    const paid = (await readAll('payouts', { partyId: DEMO.leader, status: 'PAID' })).reduce((s, p) => s + p.amountFen, 0)
    expect(paid).toBe(100 * kills.length)
    expect(transfer.paidTo(DEMO.leader)).toBe(paid)
    expect(transfer.billCount()).toBe(kills.length)
  })

  it('admin.reconcile lists what a crash left until settle finishes it', async () => {
    const kinds = async () => {
      const r = await must<{ mismatches: Array<{ orderId: string | null; groupBuyId?: string; kind: string }> }>('admin', DEMO.admin, { action: 'reconcile' })
      return r.mismatches.map((m) => `${m.orderId ?? m.groupBuyId}:${m.kind}`).sort()
    }
    // A failed group's refund cut off right after WeChat Pay confirmed it (first: settle finishes the others).
    const failing = await groupBuy({ minParticipants: 5 })
    const [refunded] = await joinAll(failing, [1], 'rc-fail')
    await payAll([refunded])
    await database().collection('groupBuys').doc(failing).update({ data: { endAt: Date.now() - 1000 } })
    await killAt('refund:after-done', 0, settle)
    // A payment cut off after PENDING_PAYMENT → PAID, before its sale and count, never re-sent. Since #23 the usual
    // payment makes the move inside its count's transaction (a kill leaves all or nothing: nothing to list); the
    // ordinary steps, which a payment takes when a keyed write of that transaction was found taken, still make it
    // alone — the state is made here as they make it.
    const paying = await groupBuy({ minParticipants: 1 })
    const [payer] = await joinAll(paying, [2], 'rc-pay')
    await cloud.pay.pay(payer.orderId, { deliver: false })
    expect(await moveOrder(database(), payer.orderId, 'PENDING_PAYMENT', 'PAID', { paidAt: Date.now(), transactionId: `by-hand-${payer.orderId}`, paymentFinishedAt: 0, paidIn: paying })).toBe(true)
    // A hand-over cut off after its release: only an order whose sale was not booked yet takes its steps after the
    // hand-over's transaction (the common one takes them inside it, and leaves nothing to list).
    const handing = await groupBuy({ minParticipants: 1 })
    const [picker] = await joinAll(handing, [1], 'rc-pick')
    await payAll([picker])
    await must('groupBuy', DEMO.leader, { action: 'markArrived', groupBuyId: handing })
    await database().collection('ledgerEntries').where({ orderId: picker.orderId }).remove()
    await unbookLedger(picker.orderId)
    const code = (await readDoc('orders', picker.orderId))!.pickupCode
    await killAt('pickup:after-release', 0, () => call('pickup', DEMO.clerk, { action: 'verify', code }))

    expect(await kinds()).toEqual([
      `${paying}:GROUP_COUNTS`, `${payer.orderId}:PAID_MINUS_REFUNDED`, `${picker.orderId}:POINTS`, `${refunded.orderId}:ORDER_REFUNDED_FEN`,
      `${refunded.orderId}:ORDER_STATUS`, `${refunded.orderId}:PAID_MINUS_REFUNDED`, `${refunded.orderId}:REFUNDED_FEN`,
    ].sort())
    await settle()
    expect(await kinds()).toEqual([])
  })

  it('afterwards admin.reconcile finds nothing', async () => {
    const report = await must<{ orders: number; mismatchCount: number; mismatches: unknown[] }>('admin', DEMO.admin, { action: 'reconcile' })
    expect(report.orders).toBeGreaterThan(300)
    expect(report.mismatches).toEqual([])
    expect(report.mismatchCount).toBe(0)
  })
})

describe('real SIGKILLs of a child host (CRASH_AT), restarted on the same data directory', () => {
  const children = new Set<ChildProcess>()
  afterAll(() => {
    for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL')
  })

  let base = ''
  async function host(dir: string, crashAt?: string): Promise<ChildProcess> {
    const port = 20000 + Math.floor(Math.random() * 20000)
    const child = spawn(process.execPath, ['--import', 'tsx', 'local-cloud/main.ts'], {
      cwd: ROOT,
      env: { ...process.env, CLOUD_DATA_DIR: dir, CLOUD_PORT: String(port), TIMERS: '0', SEED: '1', CRASH_AT: crashAt ?? '', AFTER_SALES_WINDOW_MS: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    children.add(child)
    base = `http://127.0.0.1:${port}`
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('the child host did not start within 40 s')), 40_000)
      let out = ''
      child.stdout!.on('data', (b: Buffer) => {
        out += b.toString()
        if (out.includes('local cloud ready')) {
          clearTimeout(timer)
          resolve()
        }
      })
      child.stderr!.on('data', () => undefined)
      child.once('exit', (code, signal) => {
        clearTimeout(timer)
        reject(new Error(`the child host exited before it was ready (${code ?? signal})`))
      })
    })
    return child
  }
  const exited = (child: ChildProcess) =>
    new Promise<string | null>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve(child.signalCode)
      const timer = setTimeout(() => {
        child.kill('SIGKILL')
        resolve('timeout')
      }, 15_000)
      child.once('exit', (_code, signal) => {
        clearTimeout(timer)
        resolve(signal)
      })
    })
  async function post<T = Doc>(p: string, body: Record<string, unknown>, openid?: string): Promise<Reply<T>> {
    const res = await fetch(`${base}${p}`, { method: 'POST', headers: { 'content-type': 'application/json', ...(openid ? { 'x-wx-openid': openid } : {}) }, body: JSON.stringify(body), signal: AbortSignal.timeout(20_000) })
    return (await res.json()) as Reply<T>
  }
  const fn = <T = Doc>(name: string, openid: string, event: Record<string, unknown>) => post<T>(`/fn/${name}`, event, openid)
  /** A request the host dies during: it never answers. */
  const dies = async (p: Promise<unknown>) => expect(await p.then(() => 'answered', () => 'no answer')).toBe('no answer')

  it('killed during payment notices, a pickup and a failed group’s refunds: restarted, settle finishes everything once', async () => {
    const dir = tempDir('sigkill')
    let child = await host(dir)
    const me = await fn<{ boundPickupPointId: string }>('user', DEMO.leader, { action: 'me' })
    const pickupPointId = me.data.boundPickupPointId
    const now = Date.now()
    const create = async (title: string, minParticipants: number, endAt: number) =>
      (await fn<{ groupBuyId: string }>('groupBuy', DEMO.leader, { action: 'create', title, priceFen: 1000, stock: 50, minParticipants, limitPerUser: 5, startAt: now - 1000, endAt, pickupPointId })).data.groupBuyId
    const a = await create('真杀·付款', 3, now + 3600_000)
    const b = await create('真杀·未成团', 10, now + 8_000)
    const buy = async (groupBuyId: string, openid: string, deliver: boolean) => {
      const j = await fn<{ orderId: string }>('groupBuy', openid, { action: 'join', groupBuyId, quantity: 2, requestId: `sigkill-${openid}` })
      expect(j.ok).toBe(true)
      expect((await post('/sim/pay', { orderId: j.data.orderId, deliver })).ok).toBe(true)
      return j.data.orderId
    }
    const aOrders = [] as string[]
    for (let i = 0; i < 5; i++) aOrders.push(await buy(a, `sk-a-${i}`, false))
    const bOrders = [await buy(b, 'sk-b-0', true), await buy(b, 'sk-b-1', true)]
    child.kill('SIGKILL')
    await exited(child)

    // 1. The host dies counting the third payment notice.
    child = await host(dir, 'payment:after-count:3')
    for (const [i, orderId] of aOrders.entries()) {
      if (i < 2) expect((await post<{ delivered: boolean }>('/sim/notify', { orderId })).data.delivered).toBe(true)
      else if (i === 2) await dies(post('/sim/notify', { orderId }))
    }
    expect(await exited(child)).toBe('SIGKILL')

    // 2. Restarted: the simulator still knows every trade; the notices come again; settle; then the host dies
    //    right after a hand-over's transaction (the order, its ledger pickup, points and shipping record committed).
    child = await host(dir, 'pickup:after-handover')
    for (const orderId of aOrders) expect((await post<{ delivered: boolean }>('/sim/notify', { orderId })).data.delivered).toBe(true)
    await post('/timers/settle', {})
    const gbA = (await fn<{ groupBuy: { status: string; paidParticipants: number } }>('groupBuy', 'sk-a-0', { action: 'get', groupBuyId: a })).data.groupBuy
    expect({ status: gbA.status, paidParticipants: gbA.paidParticipants }).toEqual({ status: 'SUCCEEDED', paidParticipants: 5 })
    expect((await fn('groupBuy', DEMO.leader, { action: 'markArrived', groupBuyId: a })).ok).toBe(true)
    const code = (await fn<{ order: { pickupCode: string } }>('order', 'sk-a-0', { action: 'get', orderId: aOrders[0] })).data.order.pickupCode
    await dies(fn('pickup', DEMO.clerk, { action: 'verify', code }))
    expect(await exited(child)).toBe('SIGKILL')

    // 3. Restarted: the clerk's retry is refused as used, the points were credited once; then the host dies during
    //    the failed group's refunds.
    child = await host(dir, 'refund:after-ledger')
    expect((await fn('pickup', DEMO.clerk, { action: 'verify', code })).error?.code).toBe('PICKUP.ALREADY_USED')
    expect((await fn<{ points: number }>('member', 'sk-a-0', { action: 'me' })).data.points).toBe(20)
    const wait = now + 8_000 - Date.now()
    if (wait > 0) await new Promise((r) => setTimeout(r, wait + 200))
    await dies(post('/timers/settle', {}))
    expect(await exited(child)).toBe('SIGKILL')

    // 4. Restarted: settle finishes the refunds; everything is once and reconcile finds nothing.
    child = await host(dir)
    await post('/timers/settle', {})
    await post('/timers/settle', {})
    for (const [i, orderId] of bOrders.entries()) {
      const o = (await fn<{ order: { status: string; refundedFen: number } }>('order', `sk-b-${i}`, { action: 'get', orderId })).data.order
      expect({ status: o.status, refundedFen: o.refundedFen }).toEqual({ status: 'REFUNDED', refundedFen: 2000 })
    }
    const simRefunds = (await (await fetch(`${base}/sim/refunds`, { signal: AbortSignal.timeout(10_000) })).json()) as { data: { items: Array<{ outTradeNo: string }> } }
    for (const orderId of bOrders) expect(simRefunds.data.items.filter((r) => r.outTradeNo === orderId)).toHaveLength(1)
    const report = await fn<{ mismatches: unknown[] }>('admin', DEMO.admin, { action: 'reconcile' })
    expect(report.data.mismatches).toEqual([])
    child.kill('SIGTERM')
    await exited(child)
  })
})

afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true })
})
