/**
 * #23, settle skips what is not due: a tick reads each collection's due documents once (one `$or` of every selection
 * its passes read) and asks each pass's own selection of them (server/due-match.ts), skipping the passes whose
 * selections found nothing. The attacks are the ways a skip could lose work: work that falls due only by time
 * passing, work an earlier pass makes for a later one in the same tick, a probe taken before that work existed, a
 * probe that could not read everything, and a selection the matcher cannot decide. Each must still be done in the
 * tick it is due.
 */
import { didWork, DueWork, PROBE_LIMIT, type DueQuery } from '@server/due'
import { atTheSeam, createGroupBuy, database, join, newRequestId, readAll, readDoc, testCloudForThisFile, type Doc, type SeamCall } from './support/cloud'
import { paidOrder } from './support/ledger'

jest.setTimeout(120_000)
const cloud = testCloudForThisFile()

type Tick = { ok: boolean; data: Doc }
const settle = async () => {
  const res = (await cloud.fireTimer('settle')) as Tick
  expect(res.ok).toBe(true)
  return res.data
}
/** The tick's probes: the reads of an `$or` of a collection's selections, PROBE_LIMIT documents, their fields only. */
const probesOf = (calls: SeamCall[]) => calls.filter((c) => c.action === 'database.getDocument' && c.params.limit === PROBE_LIMIT && !!c.params.projection && String(c.query).includes('$or'))

/** Settle until nothing is left to do (the demo seed's notices and the day's reconciliation). */
async function quiet(): Promise<void> {
  for (let i = 0; i < 5; i++) {
    const seen = await atTheSeam(cloud, settle)
    if (!didWork(seen.result)) return
  }
}

it('an idle tick probes each collection once and skips every pass whose selection is empty', async () => {
  await quiet()
  const idle = await atTheSeam(cloud, settle)
  const probed = probesOf(idle.calls).map((c) => c.collection)
  expect(new Set(probed).size).toBe(probed.length)
  expect(probed).toEqual(expect.arrayContaining(['orders', 'groupBuys', 'coupons', 'refunds', 'outbox']))
  // Nothing read `orders` but the probe and the counter heal (which always runs: its batch is every running group).
  const orderReads = idle.calls.filter((c) => c.collection === 'orders' && c.action === 'database.getDocument')
  expect(orderReads).toHaveLength(2)
})

it('work that falls due by time alone is found by the probe: an unpaid join past its window is expired in that tick', async () => {
  await quiet()
  const gb = await createGroupBuy(cloud, { stock: 10 })
  const joined = await join(cloud, 'due-expire', gb, 1)
  expect(joined.ok).toBe(true)
  const orderId = joined.data.orderId
  expect((await settle()).expired).toBe(0)
  await database().collection('orders').doc(orderId).update({ data: { expiresAt: Date.now() - 1 } })
  const tick = await atTheSeam(cloud, settle)
  expect(tick.result.expired).toBe(1)
  expect((await readDoc('orders', orderId))!.status).toBe('EXPIRED')
  // Orders, group buys and coupons were probed before the expiry; it did something (and says it may have made work
  // anywhere), so the collections the later passes read were probed again after it — orders among them.
  const probed = probesOf(tick.calls).map((c) => c.collection)
  expect(probed.slice(0, 3)).toEqual(['orders', 'groupBuys', 'coupons'])
  expect(probed.slice(3)).toContain('orders')
  // The passes on orders whose selections found nothing in the probe did not read (the roll-over's three, the vouchers').
  expect(tick.calls.filter((c) => c.collection === 'orders' && String(c.query).includes('rollOverUntil') && !String(c.query).includes('$or'))).toEqual([])
})

it('work an earlier pass makes is done by the later passes of the same tick: a group that fails is refunded in it', async () => {
  await quiet()
  const gb = await createGroupBuy(cloud, { stock: 10, minParticipants: 3 })
  const orderId = await paidOrder(cloud, 'due-fail-1', gb, 2)
  await quiet()
  const before = await atTheSeam(cloud, settle)
  expect(before.result.failed).toBe(0)
  // Nothing due on refunds at the start of the tick: the probe of refunds must not be what decides after the end.
  expect(await readAll('refunds', { orderId })).toEqual([])
  await database().collection('groupBuys').doc(gb).update({ data: { endAt: Date.now() - 1000 } })
  const tick = await settle()
  expect(tick.failed).toBe(1)
  expect(tick.refundsRequested).toBe(1)
  expect(tick.refunds.done).toBe(1)
  expect((await readDoc('orders', orderId))!.status).toBe('REFUNDED')
  expect((await readAll('refunds', { orderId })).map((r) => r.status)).toEqual(['DONE'])
})

it('a probe taken before the work existed does not hide it: a held order of a group that fails in the tick moves on in it', async () => {
  await quiet()
  const failing = await createGroupBuy(cloud, { title: '探测测试 脐橙', priceFen: 1000, minParticipants: 3, limitPerUser: 5 })
  const next = await createGroupBuy(cloud, { title: '探测测试 脐橙', priceFen: 1000, minParticipants: 3, limitPerUser: 5, stock: 20 })
  const res = await cloud.call<{ orderId: string }>('groupBuy', 'due-roll-1', { action: 'join', groupBuyId: failing, quantity: 1, requestId: newRequestId(), onFail: 'ROLL_OVER' })
  expect(res.ok).toBe(true)
  expect((await cloud.pay.pay(res.data.orderId)).ok).toBe(true)
  // Every order paid an hour ago: at the tick's start nothing on orders is due (not even the ledger's catch-up window).
  const _ = database().command
  await database().collection('orders').where({ paidAt: _.gt(Date.now() - 3600_000) }).update({ data: { paidAt: Date.now() - 3600_000 } })
  await quiet()
  await database().collection('groupBuys').doc(failing).update({ data: { endAt: Date.now() - 1000 } })
  const tick = await atTheSeam(cloud, settle)
  // The orders probe came first and found nothing (the expiry, a pass on orders alone before the end, was skipped);
  // the end failed the group, which held the order — and the roll-over pass, whose selection is on orders too,
  // still ran in this tick and moved it.
  expect(probesOf(tick.calls)[0].collection).toBe('orders')
  const expiryReads = tick.calls.filter((c) => c.collection === 'orders' && String(c.query).includes('PENDING_PAYMENT') && String(c.query).includes('expiresAt') && !String(c.query).includes('$or'))
  expect(expiryReads).toEqual([])
  expect(tick.result.failed).toBe(1)
  expect(tick.result.rollOvers.moved).toBe(1)
  expect(await readDoc('orders', res.data.orderId)).toMatchObject({ status: 'PAID', groupBuyId: next, rolledFromGroupBuyId: failing })
})

it('a probe answers for each selection, not for its collection, and refuses a collection with none', async () => {
  const db = database()
  const now = Date.now()
  const gb = await createGroupBuy(cloud, { stock: 10 })
  const joined = await join(cloud, 'due-unit', gb, 1)
  const orderId = joined.data.orderId
  await db.collection('orders').doc(orderId).update({ data: { expiresAt: now - 1 } })
  const expiring: DueQuery = { collection: 'orders', where: (_, at) => ({ _id: orderId, status: 'PENDING_PAYMENT', expiresAt: _.lte(at) }) }
  const other: DueQuery = { collection: 'orders', where: () => ({ _id: orderId, status: 'PAID' }) }
  // The probe found the expired hold; `other` selects nothing in it, so its pass is skipped (before #23's matcher, any
  // due document on orders ran every pass on orders).
  const due = new DueWork(db, now, [expiring, other])
  expect(await due.any([other])).toBe(false)
  expect(await due.any([expiring])).toBe(true)
  expect(await new DueWork(db, now - 10, [expiring, other]).any([expiring])).toBe(false)
  await expect(new DueWork(db, now, [expiring]).any([{ collection: 'refunds', where: () => ({ status: 'PENDING' }) }])).rejects.toThrow(/no selection registered on refunds/)
})

it('work made after a probe: a pass that worked has the collections it names probed again, and only those', async () => {
  const db = database()
  const now = Date.now()
  const tag = `made-${now}`
  const made: DueQuery = { collection: 'orders', where: () => ({ probeTag: tag }) }
  const due = new DueWork(db, now, [made])
  expect(await due.any([made])).toBe(false)
  await db.collection('orders').add({ data: { _id: `${tag}-1`, probeTag: tag } })
  // A pass that says its work is only on the outbox: the probe of orders stands (a minute's delay at worst, by design).
  due.worked(['outbox'])
  expect(await due.any([made])).toBe(false)
  // A pass that says nothing: every collection is probed again, and the new work is seen in this tick.
  due.worked()
  expect(await due.any([made])).toBe(true)
  await db.collection('orders').doc(`${tag}-1`).remove()
})

it('a probe that could not read every due document runs every pass on its collection', async () => {
  const db = database()
  const now = Date.now()
  const tag = `flood-${now}`
  const flood: DueQuery = { collection: 'orders', where: () => ({ probeTag: tag }) }
  const rare: DueQuery = { collection: 'orders', where: () => ({ probeTag: `${tag}-rare` }) }
  const ids = Array.from({ length: PROBE_LIMIT }, (_, i) => `${tag}-${i}`)
  for (const id of ids) await db.collection('orders').add({ data: { _id: id, probeTag: tag } })
  // One document `rare` selects, behind a hundred the probe reads first: it may be among those not read.
  await db.collection('orders').add({ data: { _id: `${tag}-rare`, probeTag: `${tag}-rare` } })
  expect(await new DueWork(db, now, [flood, rare]).any([rare])).toBe(true)
  // With nothing beyond the limit, the same question is answered from what was read.
  await db.collection('orders').where({ probeTag: tag }).remove()
  const left = new DueWork(db, now, [flood, rare])
  expect(await left.any([rare])).toBe(true)
  expect(await left.any([flood])).toBe(false)
  await db.collection('orders').where({ probeTag: `${tag}-rare` }).remove()
})

it('a selection the matcher cannot decide runs its pass', async () => {
  const db = database()
  const now = Date.now()
  const tag = `undecided-${now}`
  await db.collection('orders').add({ data: { _id: tag, probeTag: tag, items: [{ sku: 'a' }] } })
  const plain: DueQuery = { collection: 'orders', where: () => ({ probeTag: tag }) }
  // elemMatch is not evaluated by the matcher: the document the probe read is taken as due for it.
  const undecided: DueQuery = { collection: 'orders', where: (_) => ({ probeTag: tag, items: _.elemMatch({ sku: 'b' }) }) }
  expect(await new DueWork(db, now, [plain, undecided]).any([undecided])).toBe(true)
  await db.collection('orders').doc(tag).remove()
})

it('a reply says it worked when any count but a heal’s `checked` is above zero', () => {
  expect(didWork({ checked: 4, healed: 0, unitsReleased: 0 })).toBe(false)
  expect(didWork({ expired: 0, paidAtExpiry: 0 })).toBe(false)
  expect(didWork({ finished: { payments: 0, handovers: 1 } })).toBe(true)
  expect(didWork({ released: 0, waiting: 2 })).toBe(true)
  expect(didWork({ ran: false })).toBe(false)
  expect(didWork({ ran: true })).toBe(true)
})

it('the safety nets run every fifth minute, not every tick, and a leaked hold is still handed back', async () => {
  const every = 5 * 60_000
  const realNow = Date.now.bind(Date)
  let shift = 0
  const clock = jest.spyOn(Date, 'now').mockImplementation(() => realNow() + shift)
  process.env.SETTLE_SAFETY_NET_MS = String(every)
  try {
    await quiet()
    const healed = (r: Doc) => r.reconciled.checked > 0
    // The nets ran a moment ago (this file's earlier ticks, at the tests' every-tick cadence, or quiet's first): a tick
    // within five minutes skips them…
    const skipped = await atTheSeam(cloud, settle)
    expect(healed(skipped.result)).toBe(false)
    expect(skipped.calls.filter((c) => c.action === 'database.aggregateDocuments')).toEqual([])
    expect(skipped.calls.filter((c) => ['arrivals', 'ratings', 'pointEntries'].includes(c.collection))).toEqual([])
    // …and the first tick five minutes after their run takes them again: the counter heal checks the running groups.
    shift = every
    const ran = await atTheSeam(cloud, settle)
    expect(healed(ran.result)).toBe(true)
    // (the counter heal's 4, interrupted sign-offs, the rating and points heals, and expired exports: one read each)
    expect(ran.ops - skipped.ops).toBe(8)
    // A hold whose order was never written (a join cut off after its stock condition) is still handed back.
    const gb = await createGroupBuy(cloud, { stock: 10 })
    await database().collection('groupBuys').doc(gb).update({ data: { stockLeft: 7, reservedQuantity: 3 } })
    const leak = async () => (await readDoc('groupBuys', gb))!
    for (let minutes = 1; minutes <= 30 && (await leak()).reservedQuantity !== 0; minutes++) {
      shift += 60_000
      await settle()
    }
    expect(await leak()).toMatchObject({ stockLeft: 10, reservedQuantity: 0 })
  } finally {
    process.env.SETTLE_SAFETY_NET_MS = '0'
    clock.mockRestore()
  }
})
