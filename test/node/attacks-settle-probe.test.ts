/**
 * Audit of #23's settle probe (server/due.ts DueWork, server/due-match.ts, settle's MAKES, the narrowed ledger
 * catch-up): a tick skips a pass when the pass's own selection, asked of the documents the collection's probe read,
 * matches none of them; a pass that worked has only the collections it names (MAKES) probed again. The attacks below
 * look for work that is due and still skipped: documents of shapes the matcher could misjudge, a probe that could
 * not read everything, the edges of the time windows, a catch-up narrowed past an unbooked event, and chains of
 * passes in one tick whose middle link does not say it worked. Each tick is checked against what it must leave —
 * and where the change could delay work, against a second tick that must find nothing left.
 */
import { PROBE_LIMIT } from '@server/due'
import { CATCH_UP_WINDOW_MS } from '@server/ledger/ledger-flow'
import { atTheSeam, createGroupBuy, database, DEMO, idMaker, join, newRequestId, readAll, readDoc, testCloudForThisFile, type Doc } from './support/cloud'
import { dieAt, quietCrashLogs } from './support/crash'
import { paidOrder, pickUp } from './support/ledger'

jest.setTimeout(300_000)
const cloud = testCloudForThisFile()
const fresh = idMaker('aprobe')
quietCrashLogs()

type Tick = { ok: boolean; data: Doc }
const settle = async (): Promise<Doc> => {
  const res = (await cloud.fireTimer('settle')) as Tick
  expect(res.ok).toBe(true)
  return res.data
}

/** Every count in a tick's reply but the heals' `checked` and the day's reconciliation (what a tick did). */
function countsOf(reply: unknown, path = ''): Record<string, number> {
  if (typeof reply === 'number') return reply > 0 && !path.endsWith('.checked') && !path.startsWith('.reconciliation') ? { [path]: reply } : {}
  if (!reply || typeof reply !== 'object') return {}
  return Object.entries(reply as Record<string, unknown>).reduce<Record<string, number>>((acc, [k, v]) => ({ ...acc, ...countsOf(v, `${path}.${k}`) }), {})
}

/** Settle until a tick does nothing (the demo seed's notices, earlier tests' leftovers). */
async function quiet(): Promise<void> {
  for (let i = 0; i < 6; i++) {
    if (Object.keys(countsOf(await settle())).length === 0) return
  }
}

/** A tick at a fixed clock (the tick's `now` is the function host's Date.now()). */
async function settleAt(at: number): Promise<Doc> {
  const clock = jest.spyOn(Date, 'now').mockImplementation(() => at)
  try {
    return await settle()
  } finally {
    clock.mockRestore()
  }
}

it('REFUSED: more than PROBE_LIMIT due documents of one kind do not hide a rarer kind — an expired join behind a flood of riding sales is expired in that tick', async () => {
  await quiet()
  const db = database()
  const tag = fresh('flood')
  // A flood of orders whose sales ride on them (SALES_DUE), written first and with ids that sort first: whichever
  // order the probe reads in, its PROBE_LIMIT documents are all of the flood.
  const flood = Array.from({ length: PROBE_LIMIT + 5 }, (_, i) => ({ _id: `!${tag}-${String(i).padStart(4, '0')}`, probeTag: tag, saleDueAt: Date.now() }))
  for (let i = 0; i < flood.length; i += 50) await db.collection('orders').add({ data: flood.slice(i, i + 50) } as never)
  const gb = await createGroupBuy(cloud, { stock: 10 })
  const joined = await join(cloud, fresh('flood-r'), gb, 1)
  expect(joined.ok).toBe(true)
  await db.collection('orders').doc(joined.data.orderId).update({ data: { expiresAt: Date.now() - 1 } })
  try {
    const tick = await atTheSeam(cloud, settle)
    // The orders probe read a full page (it could not see everything) …
    const probe = tick.calls.find((c) => c.collection === 'orders' && c.params.limit === PROBE_LIMIT && String(c.query).includes('$or'))
    expect(probe).toBeDefined()
    // … so every pass on orders ran: the rare expired hold went, and the flood's marks were cleared too.
    expect(tick.result.expired).toBe(1)
    expect(tick.result.salesCopied).toBeGreaterThanOrEqual(flood.length)
    expect((await readDoc('orders', joined.data.orderId))!.status).toBe('EXPIRED')
  } finally {
    await db.collection('orders').where({ probeTag: tag }).remove()
  }
})

it('REFUSED: the edges of the time windows — a hold expiring exactly at the tick and a sale paid exactly 30 minutes before it are both done by it', async () => {
  await quiet()
  const db = database()
  const _ = db.command
  const gb = await createGroupBuy(cloud, { stock: 10, minParticipants: 5 })
  const hold = await join(cloud, fresh('edge-h'), gb, 1)
  expect(hold.ok).toBe(true)
  const sold = await paidOrder(cloud, fresh('edge-s'), gb, 1)
  await quiet()
  const at = Date.now() + 5_000
  // The hold's expiry is the tick's very `now` (UNPAID_ORDERS_DUE: expiresAt ≤ now) …
  await db.collection('orders').doc(hold.data.orderId).update({ data: { expiresAt: at } })
  // … and the sale, never booked (its position and mark gone, its payment finished), was paid exactly at the
  // catch-up window's start (CATCH_UP_PAID: paidAt ≥ now − 30 min).
  await db.collection('orders').doc(sold).update({ data: { paidAt: at - CATCH_UP_WINDOW_MS, ledger: _.remove(), saleDueAt: 0 } })
  const tick = await settleAt(at)
  expect(tick.expired).toBe(1)
  expect(tick.ledger.sales).toBe(1)
  expect((await readDoc('orders', hold.data.orderId))!.status).toBe('EXPIRED')
  const booked = (await readDoc('orders', sold))!
  expect(booked.ledger).toMatchObject({ paidAt: at - CATCH_UP_WINDOW_MS, pickedUpAt: null, released: false })
  expect(booked.saleDueAt).toBeGreaterThan(0)
})

it('REFUSED: a payment cut before its sale was booked (no position on the order, the payment marked finished) is booked by the next tick, inside its 30 minutes', async () => {
  await quiet()
  const db = database()
  const _ = db.command
  const gb = await createGroupBuy(cloud, { stock: 10, minParticipants: 5 })
  const orderId = await paidOrder(cloud, fresh('cut-sale'), gb, 2)
  await quiet()
  // What a payment that never reached its sale leaves: PAID, paid 29 minutes ago, no position, no riding entries.
  await db.collection('orders').doc(orderId).update({ data: { paidAt: Date.now() - 29 * 60_000, ledger: _.remove(), saleDueAt: _.remove() } })
  const before = (await readDoc('orders', orderId))!
  expect(before.ledger).toBeUndefined()
  expect(before.paymentFinishedAt).toBeGreaterThan(0)
  const tick = await settle()
  expect(tick.ledger.sales).toBe(1)
  const after = (await readDoc('orders', orderId))!
  expect(after.ledger).toMatchObject({ amountFen: before.amountFen, quantity: 2, refundIds: [], released: false })
  // Its entries ride on it until the next tick copies them; nothing more is due after that.
  expect(after.saleDueAt).toBeGreaterThan(0)
  expect((await settle()).salesCopied).toBe(1)
  expect(countsOf(await settle())).toEqual({})
})

it('REFUSED: a hand-over whose pickup is not booked — ledger.pickedUpAt null, removed, or no ledger at all — is booked by the catch-up in the tick', async () => {
  await quiet()
  const db = database()
  const _ = db.command
  const gb = await createGroupBuy(cloud, { stock: 10, minParticipants: 1, limitPerUser: 5 })
  const who = [fresh('pk-null'), fresh('pk-removed'), fresh('pk-none')]
  const orders: string[] = []
  for (const openid of who) orders.push(await paidOrder(cloud, openid, gb, 1))
  await quiet()
  for (let i = 0; i < who.length; i++) expect((await pickUp(cloud, who[i], gb, orders[i])).ok).toBe(true)
  for (const id of orders) expect((await readDoc('orders', id))!.ledger.pickedUpAt).toBeGreaterThan(0)
  // Three shapes of "the pickup is not in the ledger": the field null, the field removed, the whole position gone.
  await db.collection('orders').doc(orders[0]).update({ data: { 'ledger.pickedUpAt': null } })
  await db.collection('orders').doc(orders[1]).update({ data: { 'ledger.pickedUpAt': _.remove() } })
  await db.collection('orders').doc(orders[2]).update({ data: { ledger: _.remove() } })
  expect((await readDoc('orders', orders[1]))!.ledger).not.toHaveProperty('pickedUpAt')
  const tick = await settle()
  expect(tick.ledger.pickups).toBe(3)
  expect(tick.ledger.sales).toBe(1)
  for (const id of orders) {
    const o = (await readDoc('orders', id))!
    expect({ id, status: o.status, booked: o.ledger?.pickedUpAt }).toEqual({ id, status: 'PICKED_UP', booked: o.pickedUpAt })
  }
})

it('BUG (fixed, latent): an order paid in the window whose `ledger` is null (not missing) is not booked by the catch-up — the narrowed CATCH_UP_PAID reads `ledger: exists(false)`, catchUpLedger and bookSale read `!order.ledger`', async () => {
  await quiet()
  const db = database()
  const gb = await createGroupBuy(cloud, { stock: 10, minParticipants: 5 })
  const orderId = await paidOrder(cloud, fresh('null-ledger'), gb, 1)
  await quiet()
  // ledgerOf, bookSale and catchUpLedger all take a null position for "not booked" (ledger?: LedgerRecord | null).
  await db.collection('orders').doc(orderId).update({ data: { ledger: null, saleDueAt: 0, paidAt: Date.now() - 60_000 } })
  expect((await readDoc('orders', orderId))!.ledger).toBeNull()
  await settle()
  const after = (await readDoc('orders', orderId))!
  // Before #23 the catch-up selected every order paid in its window and booked this one (`!o.ledger`).
  expect(after.ledger).toMatchObject({ released: false, pickedUpAt: null })
})

it('BUG (fixed): a failed group whose wind-up was cut (截团 killed at the hold) — the next tick holds the ROLL_OVER order but does not move it; the roll-over waits another tick', async () => {
  await quiet()
  const title = `探测审计 转团 ${fresh('t')}`
  const failing = await createGroupBuy(cloud, { title, priceFen: 1000, minParticipants: 3, limitPerUser: 5 })
  const next = await createGroupBuy(cloud, { title, priceFen: 1000, minParticipants: 3, limitPerUser: 5, stock: 20 })
  const res = await cloud.call<{ orderId: string }>('groupBuy', fresh('roll'), { action: 'join', groupBuyId: failing, quantity: 1, requestId: newRequestId('aprobe'), onFail: 'ROLL_OVER' })
  expect(res.ok).toBe(true)
  expect((await cloud.pay.pay(res.data.orderId)).ok).toBe(true)
  await quiet()
  // The leader's 截团 ends the group (FAILED) and dies at the wind-up's first write to orders: the order's hold.
  const cut = await dieAt(cloud, { collection: 'orders', match: 'rollOverUntil' }, () => cloud.call('groupBuy', DEMO.leader, { action: 'close', groupBuyId: failing }))
  expect(cut.died).toBe(true)
  expect(await readDoc('groupBuys', failing)).toMatchObject({ status: 'FAILED', settledAt: 0 })
  expect((await readDoc('orders', res.data.orderId))!.rollOverUntil).toBeUndefined()
  // The next tick winds the group up: the order is held (rollOverUntil) — a reply of { refundsRequested: 0,
  // cancelled: 0 }, so DueWork never hears of it — and the roll-over pass, asked of the orders probe taken before the
  // hold existed, is skipped. Before #23 every order paid in the catch-up's half hour made the probe find work, and
  // the roll-over ran behind the wind-up in the same tick (as it does when the end itself is in the tick).
  const tick = await settle()
  expect(tick.rollOvers.moved).toBe(1)
  expect(await readDoc('orders', res.data.orderId)).toMatchObject({ status: 'PAID', groupBuyId: next, rolledFromGroupBuyId: failing })
})

it('REFUSED: a hand-over’s chain in one tick — riding sale, shipping mark, hand-over records (MAKES copies/uploads: []) — is finished by it; the next tick finds nothing', async () => {
  await quiet()
  const gb = await createGroupBuy(cloud, { stock: 10, minParticipants: 1 })
  const openid = fresh('chain')
  const orderId = await paidOrder(cloud, openid, gb, 1)
  expect((await pickUp(cloud, openid, gb, orderId)).ok).toBe(true)
  const handedOver = (await readDoc('orders', orderId))!
  expect(handedOver).toMatchObject({ status: 'PICKED_UP' })
  expect(handedOver.saleDueAt).toBeGreaterThan(0)
  expect(handedOver.shippingDueAt).toBeGreaterThan(0)
  expect(handedOver.recordsDueAt).toBeGreaterThan(0)
  const tick = await settle()
  expect(tick.salesCopied).toBeGreaterThanOrEqual(1)
  expect(tick.shipping.queued).toBeGreaterThanOrEqual(1)
  expect(tick.shipping.accepted).toBeGreaterThanOrEqual(1)
  expect(tick.handoverRecords.written).toBeGreaterThanOrEqual(1)
  const after = (await readDoc('orders', orderId))!
  expect({ sale: after.saleDueAt, shipping: after.shippingDueAt, records: after.recordsDueAt, riding: after.handoverRecords }).toEqual({ sale: 0, shipping: 0, records: 0, riding: undefined })
  expect((await readAll('shippingUploads', { orderId })).map((s) => s.status)).toEqual(['ACCEPTED'])
  expect(await readAll('pointEntries', { ref: orderId, kind: 'EARN_PICKUP' })).toHaveLength(1)
  expect(await readAll('ledgerEntries', { orderId, kind: 'SALE' })).not.toHaveLength(0)
  // Nothing was left for a later tick (every message it queued was noticed and sent in it, too).
  expect(countsOf(await settle())).toEqual({})
})

it('REFUSED: a 成团 message owed to a payment (queueDueSucceeded, MAKES [outbox]) is queued, noticed and sent in one tick', async () => {
  await quiet()
  const gb = await createGroupBuy(cloud, { stock: 10, minParticipants: 1 })
  await paidOrder(cloud, fresh('succ-1'), gb, 1)
  await quiet()
  expect((await readDoc('groupBuys', gb))!.status).toBe('SUCCEEDED')
  // A payment into a group that has succeeded already: its message is owed by a mark on the order (succeededDueAt).
  const late = await paidOrder(cloud, fresh('succ-2'), gb, 1)
  expect((await readDoc('orders', late))!.succeededDueAt).toBeGreaterThan(0)
  const before = await readAll('outbox', { _id: `succeeded_${late}` })
  expect(before).toEqual([])
  const tick = await settle()
  expect(tick.messages.succeededQueued).toBe(1)
  const queued = await readAll('outbox', { _id: `succeeded_${late}` })
  expect(queued).toHaveLength(1)
  // Noticed (the in-app notice) and past PENDING (sent, or refused for no consent) — all in the tick that queued it.
  expect(queued[0].noticedAt).toBeGreaterThan(0)
  expect(queued[0].status).not.toBe('PENDING')
  expect((await readDoc('orders', late))!.succeededDueAt).toBe(0)
  expect(countsOf(await settle())).toEqual({})
})

it('REFUSED: time fields of the wrong type (a string, a Date) beside a genuine due hold with a fractional time (a Double on the wire): the matcher passes over what the database passes over, and not the genuine one', async () => {
  await quiet()
  const db = database()
  const tag = fresh('types')
  const now = Date.now()
  // Neither CloudBase nor the matcher takes a string or a Date for a number: no pass selects these two.
  await db.collection('orders').add({ data: { _id: `${tag}-str`, probeTag: tag, status: 'PENDING_PAYMENT', expiresAt: String(now - 1000) } })
  await db.collection('orders').add({ data: { _id: `${tag}-date`, probeTag: tag, status: 'PENDING_PAYMENT', expiresAt: new Date(now - 1000) } })
  const gb = await createGroupBuy(cloud, { stock: 10 })
  const hold = await join(cloud, fresh('types-r'), gb, 1)
  expect(hold.ok).toBe(true)
  await db.collection('orders').doc(hold.data.orderId).update({ data: { expiresAt: now - 1000.5 } })
  try {
    const tick = await atTheSeam(cloud, settle)
    expect(tick.result.expired).toBe(1)
    expect((await readDoc('orders', hold.data.orderId))!.status).toBe('EXPIRED')
    expect((await readDoc('orders', `${tag}-str`))!.status).toBe('PENDING_PAYMENT')
    expect((await readDoc('orders', `${tag}-date`))!.status).toBe('PENDING_PAYMENT')
    // The passes on orders whose selection found nothing were still skipped (no read of their own): the roll-over's.
    expect(tick.calls.filter((c) => c.collection === 'orders' && String(c.query).includes('rollOverUntil') && !String(c.query).includes('$or'))).toEqual([])
  } finally {
    await db.collection('orders').where({ probeTag: tag }).remove()
  }
})

it('REFUSED: a composite condition on a present field — a 24 h reminder deferred to a window start that has passed (readyRemindAfter ≤ now, not missing) — is sent in the tick', async () => {
  await quiet()
  const db = database()
  const gb = await createGroupBuy(cloud, { stock: 10, minParticipants: 1 })
  const openid = fresh('remind')
  const orderId = await paidOrder(cloud, openid, gb, 1)
  expect((await cloud.call('groupBuy', DEMO.leader, { action: 'markArrived', groupBuyId: gb })).ok).toBe(true)
  await quiet()
  const ready = (await readDoc('orders', orderId))!
  expect(ready.status).toBe('READY_FOR_PICKUP')
  expect(ready.pickupExpiresAt).toBeGreaterThan(Date.now() + 25 * 3600_000)
  // Ready for 25 hours, its reminder deferred (readyRemindAfter) to a moment a minute ago: READY_REMINDERS_DUE asks
  // `readyRemindAfter: exists(false).or(lte(now))`, and the field is there.
  await db.collection('orders').doc(orderId).update({ data: { readyAt: Date.now() - 25 * 3600_000, readyRemindAfter: Date.now() - 60_000 } })
  const tick = await settle()
  expect(tick.reminders.readyReminders).toBe(1)
  expect((await readDoc('orders', orderId))!.remindedReadyAt).toBeGreaterThan(0)
  expect(await readAll('outbox', { _id: `remind_r_${orderId}` })).toHaveLength(1)
})
