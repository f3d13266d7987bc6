import { decideHandOverQuantity, decidePickup, quantityLeftToHandOver } from '@shared/domain/pickup'
import { ERROR_CODES, type ErrorCode } from '@shared/errors'
import type { OrderDoc } from '@server/docs'
import { findById, updatedCount } from '@server/fetch'
import { recordPickup } from '@server/ledger/ledger-flow'
import { earnPointsForPickup } from '@server/members/points'
import { addNotice } from '@server/messages/notices'

/** How the order was found at the counter: its own code, a proxy code, the resident's all-my-orders code, or the list. */
export type HandOverVia = 'code' | 'delegate' | 'myCode' | 'list'

export type HandOverResult =
  | { ok: true; order: OrderDoc; take: number; left: number; completes: boolean }
  | { ok: false; error: ErrorCode; order: OrderDoc }

/** A partial hand-over that raced another one re-reads and decides again, a few times at most. */
const ATTEMPTS = 10

/**
 * 核销 of one order, all or part of what is left: one conditional write on what was read (status READY, not
 * expired, the same code still valid, the same quantity handed over so far), so of any number of counters
 * handing over the same order at once each unit goes out exactly once. The write that completes the order
 * moves it to PICKED_UP and alone does what a pickup does (the counter's count, the ledger, points); a proxy
 * code is cleared by its use (valid once) and its owner is told.
 */
export async function handOver(db: DB.Database, order: OrderDoc, how: { via: HandOverVia; code: string | null; quantity?: number }, now: number): Promise<HandOverResult> {
  const _ = db.command
  let current = order
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    const blocked = decidePickup(current, now)
    if (blocked) return { ok: false, error: blocked, order: current }
    if (how.via === 'code' && current.pickupCode !== how.code) return { ok: false, error: ERROR_CODES.PICKUP_CODE_NOT_FOUND, order: current }
    if (how.via === 'delegate' && current.delegateCode !== how.code) return { ok: false, error: ERROR_CODES.PICKUP_CODE_NOT_FOUND, order: current }
    const left = quantityLeftToHandOver(current)
    const decided = decideHandOverQuantity(left, how.quantity)
    if (!decided) return { ok: false, error: ERROR_CODES.PICKUP_QUANTITY_TOO_MANY, order: current }
    const picked = current.pickedQuantity ?? 0
    const same: Record<string, unknown> = { _id: current._id, status: 'READY_FOR_PICKUP', pickupExpiresAt: _.gt(now) }
    if (how.via === 'code') same.pickupCode = how.code
    if (how.via === 'delegate') same.delegateCode = how.code
    const where = _.and([same, picked === 0 ? _.or([{ pickedQuantity: _.exists(false) }, { pickedQuantity: 0 }]) : { pickedQuantity: picked }])
    const data: Record<string, unknown> = decided.completes
      ? { status: 'PICKED_UP', pickedUpAt: now, pickedQuantity: picked + decided.take }
      : { pickedQuantity: picked + decided.take }
    if (how.via === 'delegate') data.delegateCode = null
    const res = await db.collection('orders').where(where as never).update({ data })
    if (updatedCount(res) === 1) {
      const after: OrderDoc = { ...current, ...(data as Partial<OrderDoc>) }
      if (decided.completes) await afterPickup(db, after, now)
      if (how.via === 'delegate') {
        await addNotice(db, `proxy_${current._id}_${how.code}`, {
          openid: current.openid, kind: 'PICKED_UP_BY_PROXY', title: '代取码已使用',
          body: `「${current.title}」已由他人凭代取码提走 ${decided.take} 件`, page: `pages/resident/order/index?orderId=${current._id}`,
        }, now)
      }
      return { ok: true, order: after, take: decided.take, left: left - decided.take, completes: decided.completes }
    }
    current = (await findById<OrderDoc>(db, 'orders', current._id)) ?? current
    // Unchanged but refused: the code or the expiry moved under us; decidePickup/the code checks say which.
    if (current.status !== 'READY_FOR_PICKUP') continue
  }
  return { ok: false, error: decidePickup(current, now) ?? ERROR_CODES.PICKUP_ALREADY_USED, order: current }
}

/** What a completed pickup does besides the status: the counter's 待提货 count, the ledger, member points. */
async function afterPickup(db: DB.Database, order: OrderDoc, now: number): Promise<void> {
  await db.collection('pickupPoints').doc(order.pickupPointId).update({ data: { readyCount: db.command.inc(-1) } })
  await recordPickup(db, order._id, now)
  await earnPointsForPickup(db, order, now)
}
