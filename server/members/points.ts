import type { MemberView } from '@shared/contracts/member'
import { levelFor, pointsForOrder, pointsTakenBackBy, splitTakeBack, type PointEntryKind } from '@shared/domain/members'
import { isDuplicateWrite } from '@server/cloud'
import type { OrderDoc } from '@server/docs'
import { findById, updatedCount } from '@server/fetch'
import { pointEntryIdFor } from '@server/ids'

/**
 * 会员互通: the points ledger. Every change is an append-only entry in `pointEntries` whose id is derived from
 * the event (an order's pickup, a coupon's redemption, a refund, a coupon bought with points), so an event is
 * counted once however often it is noticed; the balance in `members/<openid>` moves only by conditional
 * increments right after its entry lands, and always equals the sum of the entries (rederiveMember).
 */
export interface MemberDoc {
  _id: string
  points: number
  /** Earned less what refunds took back (sets the level; spending never lowers it). */
  lifetimePoints: number
  /** Take-backs the balance could not cover: recorded, not hidden. */
  unrecoveredPoints: number
  /** +1 with every move, so settle's heal writes only over exactly the balance it checked. */
  version: number
  updatedAt: number
}

export interface PointEntryDoc {
  _id: string
  openid: string
  kind: PointEntryKind
  /** What the entry is about: an order, a coupon, a refund id. */
  ref: string
  /** Change to the balance. */
  points: number
  /** Change to lifetimePoints. */
  lifetime: number
  unrecovered: number
  note: string
  createdAt: number
  /** When it was written, until the balance reflects it (then 0): how settle finds a call cut off halfway. */
  pendingSince: number
  /** A spend the balance refused (or settle found never completed): counts for nothing. */
  void?: boolean
}

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

async function ensureMember(db: DB.Database, openid: string, now: number): Promise<void> {
  try {
    await db.collection(MEMBERS).add({ data: { _id: openid, points: 0, lifetimePoints: 0, unrecoveredPoints: 0, version: 0, updatedAt: now } })
  } catch (err) {
    if (!isDuplicateWrite(err)) throw err
  }
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
  const _ = db.command
  const entry: PointEntryDoc = { _id: pointEntryIdFor(kind, ref), openid, kind, ref, points, lifetime: points, unrecovered: 0, note, createdAt: now, pendingSince: now }
  if (!(await record(db, entry))) return false
  await ensureMember(db, openid, now)
  await db.collection(MEMBERS).doc(openid).update({ data: { points: _.inc(points), lifetimePoints: _.inc(points), version: _.inc(1), updatedAt: now } })
  await settled(db, entry)
  return true
}

/**
 * An order was handed over: 1 point per whole yuan it keeps paid, once per order. Called right after the
 * PICKED_UP write; a failure here is logged, not thrown, so the clerk is never told the hand-over failed.
 */
export async function earnPointsForPickup(db: DB.Database, order: Pick<OrderDoc, '_id' | 'openid' | 'amountFen' | 'refundedFen' | 'title'>, now: number): Promise<void> {
  try {
    await credit(db, order.openid, 'EARN_PICKUP', order._id, pointsForOrder(order), `提货「${order.title}」`, now)
  } catch (err) {
    console.error('[points] pickup credit failed', order._id, err)
  }
}

/** A clerk redeemed a partner store's coupon: the campaign's pointsOnRedeem, once per coupon. */
export async function earnPointsForRedeem(db: DB.Database, coupon: { _id: string; openid: string; title: string; pointsOnRedeem?: number }, now: number): Promise<void> {
  try {
    await credit(db, coupon.openid, 'EARN_REDEEM', coupon._id, coupon.pointsOnRedeem ?? 0, `到店核销「${coupon.title}」`, now)
  } catch (err) {
    console.error('[points] redeem credit failed', coupon._id, err)
  }
}

/**
 * A refund of an order confirmed (called once, when the refund wins PENDING → DONE, before the order's
 * refundedFen grows by it): take back the points the refunded money earned. Only orders that earned at pickup
 * give anything back; the balance never goes below 0: unredeemed coupons bought with points are voided (latest
 * first) until it covers the take-back, and only what was already redeemed is recorded as unrecovered.
 */
export async function takeBackPointsForRefund(db: DB.Database, refund: RefundRef, now: number): Promise<void> {
  // The refund is already DONE: a failure here must not stop the timer's other work (it is logged).
  try {
    await takeBack(db, refund, now)
  } catch (err) {
    console.error('[points] take-back failed', refund._id, err)
  }
}

type RefundRef = { _id: string; kind?: string; orderId: string; openid: string; amountFen: number }

async function takeBack(db: DB.Database, refund: RefundRef, now: number): Promise<void> {
  if (refund.kind === 'coupon') return
  const _ = db.command
  const earned = await findById<PointEntryDoc>(db, POINT_ENTRIES, pointEntryIdFor('EARN_PICKUP', refund.orderId))
  if (!earned) return
  const order = await findById<OrderDoc>(db, 'orders', refund.orderId)
  if (!order) return
  const wanted = pointsTakenBackBy(order, refund.amountFen)
  if (wanted <= 0) return
  const entryId = pointEntryIdFor('TAKE_BACK', refund._id)
  const entry: PointEntryDoc = { _id: entryId, openid: refund.openid, kind: 'TAKE_BACK', ref: refund._id, points: -wanted, lifetime: -wanted, unrecovered: 0, note: '退款扣回积分', createdAt: now, pendingSince: now }
  if (!(await record(db, entry))) return
  await ensureMember(db, refund.openid, now)
  for (let attempt = 0; attempt < 8; attempt++) {
    const whole = await db.collection(MEMBERS).where({ _id: refund.openid, points: _.gte(wanted) }).update({ data: { points: _.inc(-wanted), lifetimePoints: _.inc(-wanted), version: _.inc(1), updatedAt: now } })
    if (updatedCount(whole) === 1) {
      await db.collection(POINT_ENTRIES).where({ _id: entryId, pendingSince: now }).update({ data: { points: -wanted, unrecovered: 0, pendingSince: 0 } })
      return
    }
    // Not enough left (spent already): what the points bought and is still unused is voided first, latest first,
    // its points back on the balance for this take-back to take (a take-back voids what the points bought).
    const seen = (await memberOf(db, refund.openid))?.points ?? 0
    if (seen < wanted && (await voidPointsCoupons(db, refund.openid, wanted - seen, now)) > 0) continue
    // Still not enough (what was bought is already redeemed): take what is there, by a write conditional on the
    // balance seen. The entry says so first, so a call cut off between the two leaves an entry settle can reconcile
    // (healMemberPoints).
    const { taken, unrecovered } = splitTakeBack(seen, wanted)
    const note = unrecovered > 0 ? `退款扣回积分 ${wanted}，其中 ${unrecovered} 分已用于已核销的券，无法扣回` : entry.note
    await db.collection(POINT_ENTRIES).where({ _id: entryId, pendingSince: now }).update({ data: { points: -taken, unrecovered, note } })
    const part = await db
      .collection(MEMBERS)
      .where({ _id: refund.openid, points: seen })
      .update({ data: { points: _.inc(-taken), lifetimePoints: _.inc(-wanted), unrecoveredPoints: _.inc(unrecovered), version: _.inc(1), updatedAt: now } })
    if (updatedCount(part) === 1) {
      await settled(db, entry)
      return
    }
  }
  throw new Error(`points take-back for ${refund._id} kept losing races`)
}

/**
 * A take-back needs `needed` more points than the balance holds: void this member's unredeemed coupons bought with
 * points, latest first, until their points cover it. Each coupon is voided by one conditional write ISSUED → VOIDED
 * (a clerk's redemption racing it wins or loses cleanly), then a SPEND_VOIDED entry keyed by the coupon puts its
 * points back on the balance, once. Returns the points put back.
 */
async function voidPointsCoupons(db: DB.Database, openid: string, needed: number, now: number): Promise<number> {
  const _ = db.command
  const spends = (await db.collection(POINT_ENTRIES).where({ openid, kind: 'SPEND', void: _.neq(true) }).orderBy('createdAt', 'desc').limit(100).get()) as unknown as { data: PointEntryDoc[] }
  let back = 0
  for (const spend of spends.data) {
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
    if (!(await record(db, entry))) continue
    await db.collection(MEMBERS).doc(openid).update({ data: { points: _.inc(price), version: _.inc(1), updatedAt: now } })
    await settled(db, entry)
    back += price
  }
  return back
}

/**
 * Pay a member coupon with points. The SPEND entry, keyed by the coupon (so by the claim's requestId), is written
 * first: the call that writes it is the one that spends, a concurrent twin of the same claim answers ALREADY.
 * Then one conditional write takes the points (never below 0); a refusal voids the entry (a later retry of the
 * same claim may re-arm it).
 */
export async function spendPoints(db: DB.Database, openid: string, couponId: string, points: number, note: string, now: number): Promise<'SPENT' | 'INSUFFICIENT' | 'ALREADY'> {
  const _ = db.command
  const entry: PointEntryDoc = { _id: pointEntryIdFor('SPEND', couponId), openid, kind: 'SPEND', ref: couponId, points: -points, lifetime: 0, unrecovered: 0, note, createdAt: now, pendingSince: now, void: false }
  if (!(await record(db, entry))) {
    const rearmed = await db.collection(POINT_ENTRIES).where({ _id: entry._id, void: true }).update({ data: { void: false, points: -points, pendingSince: now } })
    if (updatedCount(rearmed) !== 1) return 'ALREADY'
  }
  const took = await db.collection(MEMBERS).where({ _id: openid, points: _.gte(points) }).update({ data: { points: _.inc(-points), version: _.inc(1), updatedAt: now } })
  if (updatedCount(took) !== 1) {
    await db.collection(POINT_ENTRIES).where({ _id: entry._id, pendingSince: now }).update({ data: { void: true, points: 0, pendingSince: 0 } })
    return 'INSUFFICIENT'
  }
  await settled(db, entry)
  return 'SPENT'
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

async function entriesOf(db: DB.Database, openid: string): Promise<PointEntryDoc[]> {
  const out: PointEntryDoc[] = []
  for (let skip = 0; ; skip += 1000) {
    const res = (await db.collection(POINT_ENTRIES).where({ openid }).skip(skip).limit(1000).get()) as unknown as { data: PointEntryDoc[] }
    out.push(...res.data)
    if (res.data.length < 1000) return out
  }
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
  const stale = (await db.collection(POINT_ENTRIES).where({ pendingSince: _.gt(0).and(_.lte(quietSince)) }).limit(50).get()) as unknown as { data: PointEntryDoc[] }
  let healed = 0
  for (const openid of new Set(stale.data.map((e) => e.openid))) {
    const member = await memberOf(db, openid)
    const entries = await entriesOf(db, openid)
    if (entries.some((e) => e.pendingSince > quietSince)) continue
    const cutOff = entries.filter((e) => e.pendingSince > 0)
    for (const e of cutOff) {
      if (e.kind !== 'SPEND' || e.void) continue
      if (await findById(db, 'coupons', e.ref)) continue
      await db.collection(POINT_ENTRIES).where({ _id: e._id, pendingSince: e.pendingSince }).update({ data: { void: true, points: 0 } })
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
      if (!member) {
        try {
          await db.collection(MEMBERS).add({ data: { _id: openid, ...total, version: 1, updatedAt: now } })
        } catch (err) {
          if (!isDuplicateWrite(err)) throw err
          continue
        }
      } else {
        const moved = await db.collection(MEMBERS).where({ _id: openid, version: member.version ?? 0 }).update({ data: { ...total, version: _.inc(1), updatedAt: now } })
        if (updatedCount(moved) !== 1) continue
      }
      healed++
    }
    for (const e of cutOff) await settled(db, e)
  }
  return { checked: stale.data.length, healed }
}
