import type { MemberView } from '@shared/contracts/member'
import { levelFor, pointsForOrder, pointsTakenBackBy, splitTakeBack } from '@shared/domain/members'
import { isDuplicateWrite } from '@server/cloud'
import type { OrderDoc } from '@server/orders/model'
import { findById, updatedCount } from '@server/fetch'
import { replaceByRecount } from '@server/heal'
import { pointEntryIdFor } from '@server/ids'
import { releaseCouponHold } from '@server/coupons/holds'
import { inTransaction, txGet, type Tx } from '@server/ledger/txn'
import { docsOf, eachPage } from '@server/paging'
import type { MemberDoc, PointEntryDoc } from '@server/members/model'
import { withRiding } from '@server/batch-insert'

export const MEMBERS = 'members'
export const POINT_ENTRIES = 'pointEntries'

export function toMemberView(doc: MemberDoc | null): MemberView {
  const points = doc?.points ?? 0
  const lifetimePoints = doc?.lifetimePoints ?? 0
  return { points, lifetimePoints, ...levelFor(lifetimePoints), unrecoveredPoints: doc?.unrecoveredPoints ?? 0 }
}

export async function memberOf(db: DB.Database, openid: string): Promise<MemberDoc | null> {
  return findById<MemberDoc>(db, MEMBERS, openid)
}

/** Insert an entry; false if this event was already recorded. */
async function record(db: DB.Database, entry: PointEntryDoc): Promise<boolean> {
  try {
    await db.collection(POINT_ENTRIES).add({ data: entry })
    return true
  } catch (err) {
    if (!isDuplicateWrite(err)) throw err
    return false
  }
}

/** The balance now reflects the entry. */
async function settled(db: DB.Database, entry: Pick<PointEntryDoc, '_id' | 'pendingSince'>): Promise<void> {
  await db.collection(POINT_ENTRIES).where({ _id: entry._id, pendingSince: entry.pendingSince }).update({ data: { pendingSince: 0 } })
}

/** Points earned by an event, once per (kind, ref). True when this call credited them. */
export async function credit(db: DB.Database, openid: string, kind: 'EARN_PICKUP' | 'EARN_REDEEM', ref: string, points: number, note: string, now: number): Promise<boolean> {
  if (points <= 0) return false
  const entry: PointEntryDoc = { _id: pointEntryIdFor(kind, ref), openid, kind, ref, points, lifetime: points, unrecovered: 0, note, createdAt: now, pendingSince: now }
  const recorded = await record(db, entry)
  // Recorded before (a retry, or settle finishing a pickup a crash cut off): the balance moves if it has not yet.
  await applyEntry(db, entry._id, now)
  return recorded
}

/**
 * Move the balance by one recorded entry, once: one transaction over the entry and its member, so a call cut off
 * after writing the entry is finished by whoever comes next (a retry, settle) and two at once apply it once. A
 * take-back takes what the balance holds and records the rest as unrecovered.
 */
async function applyEntry(db: DB.Database, entryId: string, now: number): Promise<boolean> {
  return inTransaction(db, async (t) => {
    const e = await txGet<PointEntryDoc>(t, POINT_ENTRIES, entryId)
    if (!e || e.pendingSince === 0 || e.void) return false
    const m = await txGet<MemberDoc>(t, MEMBERS, e.openid)
    let { points, unrecovered } = e
    let note = e.note
    if (e.kind === 'TAKE_BACK' && points < 0) {
      const split = splitTakeBack(m?.points ?? 0, -e.lifetime)
      points = -split.taken
      unrecovered = split.unrecovered
      // What the take-back could not recover was already redeemed (unused coupons were voided first): say so.
      if (unrecovered > 0) note = `退款扣回积分 ${-e.lifetime}，其中 ${unrecovered} 分已用于已核销的券，无法扣回`
    }
    const member = {
      points: (m?.points ?? 0) + points,
      lifetimePoints: (m?.lifetimePoints ?? 0) + e.lifetime,
      unrecoveredPoints: (m?.unrecoveredPoints ?? 0) + unrecovered,
      version: (m?.version ?? 0) + 1,
      updatedAt: now,
    }
    if (m) await t.collection(MEMBERS).doc(e.openid).update({ data: member })
    else await t.collection(MEMBERS).doc(e.openid).set({ data: member })
    await t.collection(POINT_ENTRIES).doc(entryId).update({ data: { points, unrecovered, note, pendingSince: 0 } })
    return true
  })
}

/**
 * An order was handed over: 1 point per whole yuan it keeps paid, once per order. Called right after the
 * PICKED_UP write; a failure here is logged, not thrown, so the clerk is never told the hand-over failed.
 */
export async function earnPointsForPickup(db: DB.Database, order: Pick<OrderDoc, '_id' | 'openid' | 'amountFen' | 'refundedFen' | 'title'>, now: number): Promise<void> {
  try {
    await earnPickupPoints(db, order, now)
  } catch (err) {
    console.error('[points] pickup credit failed', order._id, err)
  }
}

/** The points step of a hand-over (pickup-flow finishHandover): throws, so the step is retried; once per order. */
export async function earnPickupPoints(db: DB.Database, order: Pick<OrderDoc, '_id' | 'openid' | 'amountFen' | 'refundedFen' | 'title'>, now: number): Promise<void> {
  await credit(db, order.openid, 'EARN_PICKUP', order._id, pointsForOrder(order), pickupNote(order), now)
}

function pickupNote(order: Pick<OrderDoc, 'title'>): string {
  return `提货「${order.title}」`
}

/**
 * The points of a hand-over inside its own transaction (server/pickup/pickup-flow.ts): the balance moves by
 * increments in that commit, and what it earned is answered for the order's own write to carry (#23: the EARN_PICKUP
 * entry is no insert of this transaction; settle copies it, server/pickup/handover-records.ts, earnedEntry). Once per
 * order: the transaction that writes it is the one that moves the order to PICKED_UP (final). A member seen for the
 * first time is created (the increment found nothing). Null when the order earns nothing.
 */
export async function earnPickupPointsInTx(t: Tx, db: DB.Database, order: Pick<OrderDoc, '_id' | 'openid' | 'amountFen' | 'refundedFen' | 'title'>, now: number): Promise<{ points: number; note: string; at: number } | null> {
  const points = pointsForOrder(order)
  if (points <= 0) return null
  const _ = db.command
  const moved = await t.collection(MEMBERS).doc(order.openid).update({ data: { points: _.inc(points), lifetimePoints: _.inc(points), version: _.inc(1), updatedAt: now } })
  // wx-server-sdk answers a transaction's doc update as any update: { stats: { updated } }.
  if (updatedCount(moved) === 0) await t.collection(MEMBERS).doc(order.openid).set({ data: { points, lifetimePoints: points, unrecoveredPoints: 0, version: 1, updatedAt: now } })
  return { points, note: pickupNote(order), at: now }
}

/** The EARN_PICKUP entry a hand-over's transaction earned (earnPickupPointsInTx), as settle copies it: applied already. */
export function earnedEntry(orderId: string, openid: string, earned: { points: number; note: string; at: number }): PointEntryDoc {
  return { _id: pointEntryIdFor('EARN_PICKUP', orderId), openid, kind: 'EARN_PICKUP', ref: orderId, points: earned.points, lifetime: earned.points, unrecovered: 0, note: earned.note, createdAt: earned.at, pendingSince: 0 }
}

type RefundRef = { _id: string; kind?: string; orderId: string; openid: string; amountFen: number }

/**
 * The points part of a confirmed refund of an order (a step of finishRefund, after the order recorded the refund):
 * throws on failure, so the refund stays unfinished and settle runs the step again; running it again after it was
 * done changes nothing (the entry is keyed by the refund). Only orders that earned at pickup give anything back; the
 * balance never goes below 0: unredeemed coupons bought with points are voided (latest first) until it covers the
 * take-back, and only what was already redeemed is recorded as unrecovered.
 *
 * `reckoned`: the points the order's own transaction reckoned for this refund (OrderDoc.pointsBack; 0 for an order
 * never handed over — nothing is read for it). Null for a refund recorded before the order kept them: reckoned
 * here from the order without this refund.
 */
export async function takeBackPoints(db: DB.Database, refund: RefundRef, now: number, reckoned: number | null): Promise<void> {
  if (refund.kind === 'coupon' || reckoned === 0) return
  const entryId = pointEntryIdFor('TAKE_BACK', refund._id)
  const earnedId = pointEntryIdFor('EARN_PICKUP', refund.orderId)
  // The take-back a crash may have cut off and the pickup's points, in one read.
  const entries = await docsOf<PointEntryDoc>(db.collection(POINT_ENTRIES).where({ _id: db.command.in([entryId, earnedId]) }).limit(2))
  const cutOff = entries.find((e) => e._id === entryId)
  if (cutOff) {
    // Recorded by a call a crash cut off: finish it (nothing if it was applied).
    if (cutOff.pendingSince !== 0) await voidToCover(db, cutOff.openid, -cutOff.lifetime, now)
    await applyEntry(db, entryId, now)
    return
  }
  if (!entries.some((e) => e._id === earnedId) && !(await earnedAtPickup(db, refund.orderId))) return
  const wanted = reckoned ?? (await reckonedFromOrder(db, refund))
  if (wanted <= 0) return
  const entry: PointEntryDoc = { _id: entryId, openid: refund.openid, kind: 'TAKE_BACK', ref: refund._id, points: -wanted, lifetime: -wanted, unrecovered: 0, note: '退款扣回积分', createdAt: now, pendingSince: now }
  if (await takeBackCovered(db, entry)) return
  await record(db, entry)
  await voidToCover(db, refund.openid, wanted, now)
  await applyEntry(db, entryId, now)
}

/**
 * Did the order earn points at its hand-over, its EARN_PICKUP entry not seen? It may still ride on the order
 * (handoverRecords, until settle copies it: server/pickup/handover-records.ts). The order is read first and then the
 * entry, as the copy inserts the entry before it clears the order's records: one of the two reads sees it.
 */
async function earnedAtPickup(db: DB.Database, orderId: string): Promise<boolean> {
  const order = await findById<OrderDoc>(db, 'orders', orderId)
  if (order?.handoverRecords?.earned) return true
  return !!(await findById<PointEntryDoc>(db, POINT_ENTRIES, pointEntryIdFor('EARN_PICKUP', orderId)))
}

/** A refund recorded before orders kept its points: what the order kept before it, less what it keeps after. */
async function reckonedFromOrder(db: DB.Database, refund: RefundRef): Promise<number> {
  const order = await findById<OrderDoc>(db, 'orders', refund.orderId)
  if (!order?.pickedUpAt) return 0
  const recorded = (order.refundIds ?? []).includes(refund._id)
  return pointsTakenBackBy({ amountFen: order.amountFen, refundedFen: (order.refundedFen ?? 0) - (recorded ? refund.amountFen : 0) }, refund.amountFen)
}

/**
 * The usual take-back, when the balance covers it: the entry lands applied and the balance moves in one transaction
 * (nothing pending for a crash to leave). False — and nothing written — when the balance is short (coupons bought
 * with the points may have to be voided first: the steps above) or the entry exists already (a twin recorded it:
 * applyEntry applies it once).
 */
async function takeBackCovered(db: DB.Database, entry: PointEntryDoc): Promise<boolean> {
  const wanted = -entry.lifetime
  try {
    return await inTransaction(db, async (t) => {
      const m = await txGet<MemberDoc>(t, MEMBERS, entry.openid)
      if (!m || m.points < wanted) return false
      await t.collection(POINT_ENTRIES).add({ data: { ...entry, pendingSince: 0 } as unknown as Record<string, unknown> })
      await t.collection(MEMBERS).doc(entry.openid).update({ data: { points: m.points - wanted, lifetimePoints: m.lifetimePoints - wanted, version: (m.version ?? 0) + 1, updatedAt: entry.createdAt } })
      return true
    })
  } catch (err) {
    if (!isDuplicateWrite(err)) throw err
    return false
  }
}

/**
 * A take-back of `wanted` points the balance cannot cover voids what the points bought and is still unused first
 * (a take-back voids what the points bought): only what was already redeemed can stay unrecovered.
 */
async function voidToCover(db: DB.Database, openid: string, wanted: number, now: number): Promise<void> {
  const seen = (await memberOf(db, openid))?.points ?? 0
  if (seen < wanted) await voidPointsCoupons(db, openid, wanted - seen, now)
}

/**
 * A take-back needs `needed` more points than the balance holds: void this member's unredeemed coupons bought with
 * points, latest first, until their points cover it. Each coupon is voided by one conditional write ISSUED → VOIDED
 * (a clerk's redemption racing it wins or loses cleanly), then a SPEND_VOIDED entry keyed by the coupon puts its
 * points back on the balance, once. Returns the points put back.
 */
async function voidPointsCoupons(db: DB.Database, openid: string, needed: number, now: number): Promise<number> {
  const _ = db.command
  const spends = await docsOf<PointEntryDoc>(db.collection(POINT_ENTRIES).where({ openid, kind: 'SPEND', void: _.neq(true) }).orderBy('createdAt', 'desc').limit(100))
  let back = 0
  for (const spend of spends) {
    if (back >= needed) break
    const price = -spend.points
    if (price <= 0) continue
    const coupon = await findById<{ _id: string; status: string; title?: string }>(db, 'coupons', spend.ref)
    if (!coupon || coupon.status !== 'ISSUED') continue
    const voided = await db.collection('coupons').where({ _id: coupon._id, status: 'ISSUED' }).update({ data: { status: 'VOIDED', voidedAt: now, voidReason: 'POINTS_TAKEN_BACK' } })
    if (updatedCount(voided) !== 1) continue
    const entry: PointEntryDoc = {
      _id: pointEntryIdFor('SPEND_VOIDED', coupon._id), openid, kind: 'SPEND_VOIDED', ref: coupon._id, points: price, lifetime: 0, unrecovered: 0,
      note: `积分被退款扣回，积分兑换的「${coupon.title ?? '券'}」已作废`, createdAt: now, pendingSince: now,
    }
    // Keyed by the coupon, applied once (a call cut off here is finished by the next take-back or settle's heal).
    await record(db, entry)
    await applyEntry(db, entry._id, now)
    back += price
  }
  return back
}

/**
 * Pay a member coupon with points. The SPEND entry, keyed by the coupon (so by the claim's requestId), is written
 * first: the call that writes it is the one that spends, a concurrent twin of the same claim answers ALREADY.
 * Then one conditional write takes the points (never below 0); a refusal voids the entry (a later retry of the
 * same claim may re-arm it). A spent entry stays pending until the claim has written its coupon (settleSpend): if a
 * crash comes between (#27), settle's healMemberPoints finds the pending spend without a coupon, voids it (the
 * points come back) and gives back the claim's hold.
 */
export async function spendPoints(db: DB.Database, openid: string, couponId: string, points: number, note: string, now: number, campaignId?: string): Promise<'SPENT' | 'INSUFFICIENT' | 'ALREADY'> {
  const _ = db.command
  const entry: PointEntryDoc = { _id: pointEntryIdFor('SPEND', couponId), openid, kind: 'SPEND', ref: couponId, points: -points, lifetime: 0, unrecovered: 0, note, createdAt: now, pendingSince: now, void: false, ...(campaignId ? { campaignId } : {}) }
  if (!(await record(db, entry))) {
    const rearmed = await db.collection(POINT_ENTRIES).where({ _id: entry._id, void: true }).update({ data: { void: false, points: -points, pendingSince: now } })
    if (updatedCount(rearmed) !== 1) return 'ALREADY'
  }
  const took = await db.collection(MEMBERS).where({ _id: openid, points: _.gte(points) }).update({ data: { points: _.inc(-points), version: _.inc(1), updatedAt: now } })
  if (updatedCount(took) !== 1) {
    await db.collection(POINT_ENTRIES).where({ _id: entry._id, pendingSince: now }).update({ data: { void: true, points: 0, pendingSince: 0 } })
    return 'INSUFFICIENT'
  }
  return 'SPENT'
}

/** The claim that spent these points wrote its coupon (or gave the points back): the spend is final. */
export async function settleSpend(db: DB.Database, couponId: string): Promise<void> {
  await db.collection(POINT_ENTRIES).where({ _id: pointEntryIdFor('SPEND', couponId), pendingSince: db.command.gt(0) }).update({ data: { pendingSince: 0 } })
}

/** The claim was refused after the points were spent: give them back, once. */
export async function returnSpentPoints(db: DB.Database, openid: string, couponId: string, now: number): Promise<void> {
  const _ = db.command
  const spent = await findById<PointEntryDoc>(db, POINT_ENTRIES, pointEntryIdFor('SPEND', couponId))
  if (!spent || spent.void || spent.points === 0) return
  const entry: PointEntryDoc = { _id: pointEntryIdFor('SPEND_RETURNED', couponId), openid, kind: 'SPEND_RETURNED', ref: couponId, points: -spent.points, lifetime: 0, unrecovered: 0, note: '领券未成功，积分退回', createdAt: now, pendingSince: now }
  if (!(await record(db, entry))) return
  await db.collection(MEMBERS).doc(openid).update({ data: { points: _.inc(-spent.points), version: _.inc(1), updatedAt: now } })
  await settled(db, entry)
}

/**
 * Every entry of a member: those in pointEntries and those still riding on their orders (a hand-over's EARN_PICKUP
 * until settle copies it, server/pickup/handover-records.ts) — the orders read first, as the copy inserts the entry
 * before it clears the order: an entry is then seen in one place or both, never in neither (twins counted once).
 */
async function entriesOf(db: DB.Database, openid: string): Promise<PointEntryDoc[]> {
  const riding = await pendingEarnedEntries(db, openid)
  const out: PointEntryDoc[] = []
  await eachPage<PointEntryDoc>(db, POINT_ENTRIES, { openid }, async (page) => void out.push(...page), 1000)
  return withRiding(out, riding)
}

/** A member's EARN_PICKUP entries still on their orders (handoverRecords), as settle will copy them (earnedEntry). */
export async function pendingEarnedEntries(db: DB.Database, openid: string): Promise<PointEntryDoc[]> {
  const orders = await docsOf<OrderDoc>(db.collection('orders').where({ openid, recordsDueAt: db.command.gt(0) }).limit(1000))
  return orders.flatMap((o) => (o.handoverRecords?.earned ? [earnedEntry(o._id, o.openid, o.handoverRecords.earned)] : []))
}

function sumOf(entries: readonly PointEntryDoc[]): Pick<MemberDoc, 'points' | 'lifetimePoints' | 'unrecoveredPoints'> {
  const out = { points: 0, lifetimePoints: 0, unrecoveredPoints: 0 }
  for (const e of entries) {
    out.points += e.points
    out.lifetimePoints += e.lifetime
    out.unrecoveredPoints += e.unrecovered
  }
  return out
}

/** The balance as its entries say it should be (the check behind "re-derivable"). */
export async function rederiveMember(db: DB.Database, openid: string): Promise<Pick<MemberDoc, 'points' | 'lifetimePoints' | 'unrecoveredPoints'>> {
  return sumOf(await entriesOf(db, openid))
}

/** Longer than any call that writes an entry and then moves the balance can run. */
export const POINTS_HEAL_QUIET_MS = 20 * 60_000

/**
 * The settle step for calls cut off between writing a point entry and moving the balance: once an entry has been
 * pending for POINTS_HEAL_QUIET_MS, its member's balance is recomputed from the entries and written by one write
 * conditional on the balance's `version` as read before — never while another of that member's entries is pending
 * younger than that. A spend whose coupon never appeared is voided (its claim did not happen); if the entries would
 * take the balance below 0, a cut-off take-back takes only what there is and records the rest as unrecovered.
 */
export async function healMemberPoints(db: DB.Database, now: number): Promise<{ checked: number; healed: number }> {
  const _ = db.command
  const quietSince = now - POINTS_HEAL_QUIET_MS
  const stale = await docsOf<PointEntryDoc>(db.collection(POINT_ENTRIES).where({ pendingSince: _.gt(0).and(_.lte(quietSince)) }).limit(50))
  let healed = 0
  for (const openid of new Set(stale.map((e) => e.openid))) {
    const member = await memberOf(db, openid)
    const entries = await entriesOf(db, openid)
    if (entries.some((e) => e.pendingSince > quietSince)) continue
    const cutOff = entries.filter((e) => e.pendingSince > 0)
    for (const e of cutOff) {
      if (e.kind !== 'SPEND' || e.void) continue
      if (await findById(db, 'coupons', e.ref)) continue
      // Given back by the claim itself (its coupon insert failed): the spend stands against that return.
      if (await findById(db, POINT_ENTRIES, pointEntryIdFor('SPEND_RETURNED', e.ref))) continue
      const voided = await db.collection(POINT_ENTRIES).where({ _id: e._id, pendingSince: e.pendingSince, void: _.neq(true) }).update({ data: { void: true, points: 0 } })
      // The claim took its hold before it spent: the slot and the tally go back with the points, once.
      if (updatedCount(voided) === 1 && e.campaignId) await releaseCouponHold(db, { campaignId: e.campaignId, openid })
      e.points = 0
    }
    const total = sumOf(entries)
    for (const e of cutOff) {
      if (total.points >= 0) break
      if (e.kind !== 'TAKE_BACK' || e.points >= 0) continue
      const extra = Math.min(-total.points, -e.points)
      await db.collection(POINT_ENTRIES).where({ _id: e._id, pendingSince: e.pendingSince }).update({ data: { points: e.points + extra, unrecovered: e.unrecovered + extra } })
      total.points += extra
      total.unrecoveredPoints += extra
    }
    const same = member && member.points === total.points && member.lifetimePoints === total.lifetimePoints && member.unrecoveredPoints === total.unrecoveredPoints
    if (!same) {
      const outcome = await replaceByRecount(db, MEMBERS, member && { _id: openid, version: member.version ?? 0 }, { _id: openid, ...total }, { ...total }, now)
      if (outcome === 'raced') continue
      healed++
    }
    for (const e of cutOff) await settled(db, e)
  }
  return { checked: stale.length, healed }
}
