import { groupBuyContract } from '@shared/contracts/group-buy'
import { amountFen } from '@shared/domain/order'
import { ERROR_CODES, fail, ok, type ErrorCode, type Result } from '@shared/errors'
import { isDuplicateWrite } from '@server/cloud'
import { action } from '@server/define'
import type { GroupBuyDoc, OrderDoc } from '@server/docs'
import { findById, updatedCount } from '@server/fetch'
import { orderIdFor, participationIdFor } from '@server/ids'
import { createPayment, paymentWindowMs } from '@server/payments/pay'
import { WarmCache } from '@server/warm-cache'

type Terms = Pick<GroupBuyDoc, '_id' | 'title' | 'priceFen' | 'limitPerUser' | 'startAt' | 'endAt' | 'pickupPointId'>

/** A group buy's terms are immutable after creation, so a warm instance reads them once (one read shared by
 * every join that arrives while it is in flight). */
const termsCache = new WarmCache<Promise<Terms | null>>(5_000)
/** Participation documents are never deleted: once seen, the next join goes straight to the conditional update. */
const knownParticipations = new WarmCache<true>(50_000)

async function loadTerms(db: DB.Database, groupBuyId: string): Promise<Terms | null> {
  const doc = await findById<GroupBuyDoc>(db, 'groupBuys', groupBuyId)
  if (!doc) return null
  return { _id: doc._id, title: doc.title, priceFen: doc.priceFen, limitPerUser: doc.limitPerUser, startAt: doc.startAt, endAt: doc.endAt, pickupPointId: doc.pickupPointId }
}

/**
 * Join = reserve stock, reserve the person's quota, write the order — three conditional writes, each
 * refusing rather than overshooting. A later step failing hands back what the earlier ones took.
 * Replays of the same requestId land on the same order id (a duplicate insert) and return that order.
 */
const joinOnce = action({
  access: ['resident'],
  input: groupBuyContract.join,
  async run({ caller, db, now }, { groupBuyId, quantity, requestId }) {
    const _ = db.command
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
    if (now < terms.startAt || now >= terms.endAt) return fail(ERROR_CODES.GROUP_BUY_NOT_OPEN, 'not inside its join window')
    if (quantity > terms.limitPerUser) return fail(ERROR_CODES.GROUP_BUY_LIMIT_EXCEEDED, `at most ${terms.limitPerUser} per person`)

    const orderId = orderIdFor(caller.openid, requestId)
    const participations = db.collection('participations')
    const partId = participationIdFor(groupBuyId, caller.openid)

    // 1. Stock: only while joinable and enough is left. Never below zero, whatever the crowd. Inside the join
    // window a group buy is always OPEN or SUCCEEDED (it only fails or closes at its end), so a refusal here
    // means sold out — no read needed to tell the resident why.
    const stockRes = await db
      .collection('groupBuys')
      .where({ _id: groupBuyId, status: _.in(['OPEN', 'SUCCEEDED']), startAt: _.lte(now), endAt: _.gt(now), stockLeft: _.gte(quantity) })
      .update({ data: { stockLeft: _.inc(-quantity), reservedQuantity: _.inc(quantity) } })
    if (updatedCount(stockRes) !== 1) return replayOr(ERROR_CODES.GROUP_BUY_SOLD_OUT)

    // 2. Per-person quota: the tally may only grow while it stays within the limit.
    const quota = await reserveQuota()
    if (quota !== null) {
      await releaseStock()
      return replayOr(quota)
    }

    // 3. The order itself, under an id derived from (caller, requestId).
    const order: OrderDoc = {
      _id: orderId,
      openid: caller.openid,
      requestId,
      groupBuyId,
      pickupPointId: terms.pickupPointId,
      title: terms.title,
      quantity,
      priceFen: terms.priceFen,
      amountFen: amountFen(terms.priceFen, quantity),
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
    }
    try {
      await db.collection('orders').add({ data: order })
    } catch (err) {
      // The insert may have happened even if we saw an error: only give back what no order holds.
      const existing = isDuplicateWrite(err) ? null : await findById<OrderDoc>(db, 'orders', orderId)
      if (existing && existing.createdAt === now && existing.quantity === quantity) return reply(existing)
      await releaseStock()
      await releaseQuota()
      if (isDuplicateWrite(err)) return replayOr(ERROR_CODES.INTERNAL)
      throw err
    }
    return reply(order)

    async function reply(o: OrderDoc) {
      const payment = await createPayment({ orderId: o._id, title: o.title, amountFen: o.amountFen, expiresAt: o.expiresAt })
      return ok({ orderId: o._id, status: 'PENDING_PAYMENT' as const, payment, amountFen: o.amountFen, expiresAt: o.expiresAt })
    }

    /** A replayed requestId answers with its order (if it still awaits payment) instead of the error. */
    async function replayOr(code: ErrorCode) {
      const existing = await findById<OrderDoc>(db, 'orders', orderId)
      if (existing) {
        if (existing.groupBuyId !== groupBuyId || existing.quantity !== quantity) {
          return fail(ERROR_CODES.INPUT_INVALID, 'requestId was already used for a different join')
        }
        if (existing.status === 'PENDING_PAYMENT') return reply(existing)
        return fail(ERROR_CODES.ORDER_NOT_PAYABLE, `this join was already ${existing.status}`)
      }
      return fail(code, code === ERROR_CODES.GROUP_BUY_LIMIT_EXCEEDED ? `at most ${terms.limitPerUser} per person` : code === ERROR_CODES.GROUP_BUY_SOLD_OUT ? 'not enough stock left' : 'cannot join now')
    }

    async function reserveQuota(): Promise<ErrorCode | null> {
      const limit = terms.limitPerUser
      if (!knownParticipations.get(partId)) {
        try {
          await participations.add({ data: { _id: partId, groupBuyId, openid: caller.openid, quantity, paidOrders: 0 } })
          knownParticipations.set(partId, true)
          return null
        } catch (err) {
          if (!isDuplicateWrite(err)) throw err
          knownParticipations.set(partId, true)
        }
      }
      const res = await participations.where({ _id: partId, quantity: _.lte(limit - quantity) }).update({ data: { quantity: _.inc(quantity) } })
      return updatedCount(res) === 1 ? null : ERROR_CODES.GROUP_BUY_LIMIT_EXCEEDED
    }

    async function releaseQuota() {
      await participations.doc(partId).update({ data: { quantity: _.inc(-quantity) } })
    }

    async function releaseStock() {
      await db.collection('groupBuys').doc(groupBuyId).update({ data: { stockLeft: _.inc(quantity), reservedQuantity: _.inc(-quantity) } })
    }
  },
})

/**
 * Joins in flight in this instance, by (order id, group buy, quantity). A replay that arrives while its original
 * is still running (a double tap, a client retry) waits for the original's answer: racing it, the twin would
 * take stock or quota of its own and, refused, answer SOLD_OUT before the original's order exists.
 */
const inFlight = new Map<string, Promise<Result<unknown>>>()

export const join = action({
  access: joinOnce.access,
  input: joinOnce.input,
  async run(ctx, input) {
    const key = `${orderIdFor(ctx.caller.openid, input.requestId)}:${input.groupBuyId}:${input.quantity}`
    const running = inFlight.get(key)
    if (running) return running as ReturnType<typeof joinOnce.run>
    const attempt = joinOnce.run(ctx, input)
    inFlight.set(key, attempt)
    try {
      return await attempt
    } finally {
      inFlight.delete(key)
    }
  },
})
