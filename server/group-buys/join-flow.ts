import type { z } from 'zod'
import type { groupBuyContract, GroupBuyOutputs } from '@shared/contracts/group-buy'
import { isInsideJoinWindow, isWithinLimit } from '@shared/domain/group-buy'
import { arrivalWaitsForEnd } from '@shared/domain/pickup'
import { amountFen } from '@shared/domain/order'
import { ERROR_CODES, fail, ok, type ErrorCode, type Result } from '@shared/errors'
import { batchedReads } from '@server/batched-reads'
import { isDuplicateWrite } from '@server/cloud'
import type { GroupBuyDoc } from '@server/group-buys/model'
import type { OrderDoc } from '@server/orders/model'
import { findById } from '@server/fetch'
import { releaseQuota, releaseStock, reserveQuota, reserveStock } from '@server/group-buys/holds'
import { referrerOf } from '@server/group-buys/share-codes'
import { deliveryForJoin } from '@server/delivery/join'
import { orderIdFor } from '@server/ids'
import { createPayment, paymentWindowMs } from '@server/payments/pay'
import { bookSlot } from '@server/vouchers/book'
import { WarmCache } from '@server/warm-cache'

type JoinInput = z.infer<typeof groupBuyContract.join>
type JoinOutput = GroupBuyOutputs['join']
type Terms = Pick<GroupBuyDoc, '_id' | 'title' | 'priceFen' | 'limitPerUser' | 'startAt' | 'endAt' | 'pickupPointId'> & { service?: GroupBuyDoc; goodsFrom: number | null }

/** A group buy's terms are immutable after creation, so a warm instance reads them once (one read shared by
 * every join that arrives while it is in flight). */
const termsCache = new WarmCache<Promise<Terms | null>>(5_000)
/**
 * "Has this requestId already made an order?" is asked after every refusal, and a crowd refused at once asks it
 * together: one read for all who are waiting (server/batched-reads.ts).
 *
 * Why not skip the read when this instance has never seen the requestId: CloudBase runs several instances of a
 * function, a client retry can land on any of them, and the order of a join that succeeded on another instance
 * (its reply lost on the way back) exists in the database only. No fact held in one instance's memory proves a
 * requestId unused, so every refusal that could be a replay reads — shared, not skipped.
 */
const readOrder = batchedReads<OrderDoc>('orders')

async function loadTerms(db: DB.Database, groupBuyId: string): Promise<Terms | null> {
  const doc = await findById<GroupBuyDoc>(db, 'groupBuys', groupBuyId)
  if (!doc) return null
  return { _id: doc._id, title: doc.title, priceFen: doc.priceFen, limitPerUser: doc.limitPerUser, startAt: doc.startAt, endAt: doc.endAt, pickupPointId: doc.pickupPointId, goodsFrom: goodsFromOf(doc), ...(doc.kind === 'SERVICE' ? { service: doc } : {}) }
}

/** When a group buy's goods can be there at the earliest: its 提货时间's start, or its end for goods that arrive only after it (arrivalWaitsForEnd). */
function goodsFromOf(gb: GroupBuyDoc): number | null {
  const from = [gb.pickupStartAt ?? null, arrivalWaitsForEnd(gb) ? gb.endAt : null].filter((x): x is number => typeof x === 'number')
  return from.length ? Math.max(...from) : null
}

const REFUSALS: Partial<Record<ErrorCode, string>> = {
  [ERROR_CODES.GROUP_BUY_LIMIT_EXCEEDED]: 'over the per-person limit',
  [ERROR_CODES.GROUP_BUY_SOLD_OUT]: 'not enough stock left',
  [ERROR_CODES.GROUP_BUY_NOT_OPEN]: 'not inside its join window',
  [ERROR_CODES.GROUP_BUY_NOT_FOUND]: 'no such group buy',
}

/**
 * Join = reserve stock, reserve the person's quota, write the order — three conditional writes, each
 * refusing rather than overshooting. A later step failing hands back what the earlier ones took.
 * Replays of the same requestId land on the same order id (a duplicate insert) and return that order.
 */
async function joinOnce(db: DB.Database, openid: string, input: JoinInput, now: number): Promise<Result<JoinOutput>> {
  const { groupBuyId, quantity, requestId, scene, onFail } = input
  let loading = termsCache.get(groupBuyId)
  if (!loading) {
    loading = loadTerms(db, groupBuyId)
    termsCache.set(groupBuyId, loading)
  }
  const loaded = await loading.catch(() => null)
  if (!loaded) {
    termsCache.delete(groupBuyId) // a missing group buy may be created later; a failed read may succeed
    return fail(ERROR_CODES.GROUP_BUY_NOT_FOUND, 'no such group buy')
  }
  const terms: Terms = loaded
  // #25: a service books a slot (server/vouchers/book.ts); a goods join names none.
  if (terms.service) return bookSlot(db, openid, terms.service, input, now)
  if (input.slotIndex !== undefined || input.slotId !== undefined) return fail(ERROR_CODES.INPUT_INVALID, 'slotIndex/slotId: only a service group buy has slots')
  // The shared rule (src/shared/domain/group-buy.ts) on the immutable terms; status and stock are left to the
  // conditional write, which is built from the same rule.
  if (!isInsideJoinWindow(terms, now)) return fail(ERROR_CODES.GROUP_BUY_NOT_OPEN, 'not inside its join window')
  if (!isWithinLimit(terms, 0, quantity)) return fail(ERROR_CODES.GROUP_BUY_LIMIT_EXCEEDED, `at most ${terms.limitPerUser} per person`)

  const orderId = orderIdFor(openid, requestId)
  // Attributed to the poster's leader when the resident came through a code of this group buy (one read, only
  // for joins that carry a scene; before anything is taken, so a failed read leaves nothing to hand back).
  const referrerLeader = await referrerOf(db, scene, groupBuyId)
  // 配送到家 (#25): decided before anything is taken; PICKUP reads nothing.
  const delivery = await deliveryForJoin(db, openid, input, { pickupPointId: terms.pickupPointId, goodsFrom: terms.goodsFrom }, amountFen(terms.priceFen, quantity), now)
  if (!delivery.ok) return fail(delivery.error, delivery.message)

  // 1. Stock, in this instance's next stock round for the group buy (one conditional write shared by the
  // joins waiting for it; see server/group-buys/stock-rounds.ts): never below zero, whatever the crowd.
  const stock = await reserveStock(db, groupBuyId, quantity, now)
  if (stock !== 'RESERVED') return replayOr(stock)

  // 2. Per-person quota: the tally may only grow while it stays within the limit.
  const quota = await reserveQuota(db, groupBuyId, openid, quantity, terms.limitPerUser, { orderId, at: now })
  if (quota !== 'MADE' && quota !== 'TAKEN') {
    await releaseStock(db, groupBuyId, quantity)
    return replayOr(quota)
  }

  // 3. The order itself, under an id derived from (caller, requestId).
  const order: OrderDoc = {
    _id: orderId,
    openid,
    requestId,
    groupBuyId,
    pickupPointId: terms.pickupPointId,
    title: terms.title,
    quantity,
    priceFen: terms.priceFen,
    amountFen: amountFen(terms.priceFen, quantity) + delivery.feeFen,
    status: 'PENDING_PAYMENT',
    createdAt: now,
    expiresAt: now + paymentWindowMs(),
    paidAt: null,
    transactionId: null,
    readyAt: null,
    pickedUpAt: null,
    refundedAt: null,
    pickupCode: null,
    pickupExpiresAt: null,
    nickname: null,
    ...(referrerLeader ? { referrerLeader } : {}),
    ...(onFail === 'ROLL_OVER' ? { onFail } : {}),
    // Its join made the buyer's participation: its payment is counted without reading it (group-buys/first-payer.ts).
    ...(quota === 'MADE' ? { madeParticipation: true } : {}),
    ...delivery.fields,
  }
  try {
    await db.collection('orders').add({ data: order })
  } catch (err) {
    // The insert may have happened even if we saw an error: only give back what no order holds.
    const existing = isDuplicateWrite(err) ? null : await readOrder(db, orderId)
    if (existing && existing.createdAt === now && existing.quantity === quantity) return reply(existing)
    await releaseStock(db, groupBuyId, quantity)
    await releaseQuota(db, groupBuyId, openid, quantity)
    if (isDuplicateWrite(err)) return replayOr(ERROR_CODES.INTERNAL)
    throw err
  }
  await delivery.remember()
  return reply(order)

  async function reply(o: OrderDoc) {
    const payment = await createPayment({ orderId: o._id, title: o.title, amountFen: o.amountFen, expiresAt: o.expiresAt })
    return ok({ orderId: o._id, status: 'PENDING_PAYMENT' as const, payment, amountFen: o.amountFen, expiresAt: o.expiresAt })
  }

  /** A replayed requestId answers with its order (if it still awaits payment) instead of the error. */
  async function replayOr(code: ErrorCode) {
    const existing = await readOrder(db, orderId)
    if (existing) {
      if (existing.groupBuyId !== groupBuyId || existing.quantity !== quantity) {
        return fail(ERROR_CODES.INPUT_INVALID, 'requestId was already used for a different join')
      }
      if (existing.status === 'PENDING_PAYMENT') return reply(existing)
      return fail(ERROR_CODES.ORDER_NOT_PAYABLE, `this join was already ${existing.status}`)
    }
    return fail(code, REFUSALS[code] ?? 'cannot join now')
  }
}

/**
 * Joins in flight in this instance, by (caller, requestId, group buy, quantity). A replay that arrives while its original
 * is still running (a double tap, a client retry) waits for the original's answer: racing it, the twin would
 * take stock or quota of its own and, refused, answer SOLD_OUT before the original's order exists.
 */
const inFlight = new Map<string, Promise<Result<JoinOutput>>>()

/** groupBuy.join: one join per (caller, requestId, group buy, quantity) at a time in this instance. */
export async function joinGroupBuy(db: DB.Database, openid: string, input: JoinInput, now: number): Promise<Result<JoinOutput>> {
  // The same (caller, requestId) is the same order id; a plain key spares a hash per call.
  const key = `${openid}\u0000${input.requestId}\u0000${input.groupBuyId}\u0000${input.quantity}`
  const running = inFlight.get(key)
  if (running) return running
  const attempt = joinOnce(db, openid, input, now)
  inFlight.set(key, attempt)
  try {
    return await attempt
  } finally {
    inFlight.delete(key)
  }
}
