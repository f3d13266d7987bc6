import { pickupContract, type HandedOverOrder, type PickupVerifyOutput } from '@shared/contracts/pickup'
import type { StaffContactView } from '@shared/domain/contact'
import { maskName } from '@shared/domain/group-buy'
import { MY_CODE_MAX_ORDERS } from '@shared/domain/pickup'
import { ERROR_CODES, fail, ok, type ErrorCode, type Result } from '@shared/errors'
import { counterPointOf } from '@server/pickup/clerk'
import { action, type Caller, type StoredUser } from '@server/define'
import type { PickupCodeDoc } from '@server/pickup/model'
import type { OrderDoc } from '@server/orders/model'
import { findById } from '@server/fetch'
import { auditHandedOver, handOver, handOverById, type HandOverAudit, type HandOverVia } from '@server/pickup/hand-over'
import { audit } from '@server/pickup/verifications'
import { staffContactOf, staffContactsOf, type ContactFields } from '@server/privacy/contact'
import { docsOf } from '@server/paging'

/**
 * 核销: hand the goods over for a code, each unit exactly once. The code is one of three kinds (pickupCodes):
 * an order's own code, a proxy code (代取, valid once) or a resident's all-my-orders code (一码提货: every READY
 * order of theirs at this point). Each order's hand-over is one conditional write (server/pickup/hand-over.ts);
 * of any number of clerks scanning the same code at once, one wins each order and the rest are told
 * ALREADY_USED. Every attempt, refused or not, lands in the verifications audit.
 */
export const verify = action({
  // Open to any identity on purpose: a non-clerk trying codes is exactly what the audit must record, and
  // defineFunction's role check would refuse before anything is written. The clerk check is the first step.
  access: ['resident'],
  input: pickupContract.verify,
  async run({ caller, db, now }, { code, quantity }): Promise<Result<PickupVerifyOutput>> {
    // The binding before the clerk check: an order's code names its resident (#23), so the clerk and the
    // resident's contact are one read of users instead of two. Reading a code tells a refused caller nothing.
    const binding = await findById<PickupCodeDoc>(db, 'pickupCodes', code)
    const resident = binding && binding.kind !== 'mine' && binding.orderId && binding.openid ? await clerkBeside(db, caller, binding.openid) : null
    const user = await caller.user()
    const pointId = counterPointOf(user)
    const refuse = async (error: ErrorCode, message: string, orderId?: string, via?: HandOverVia) => {
      await audit(db, { kind: 'pickup', code, clerkOpenid: caller.openid, pickupPointId: pointId ?? user.boundPickupPointId ?? null, ...(orderId ? { orderId } : {}), ...(via ? { via } : {}), outcome: error, at: now })
      return fail(error, refusalMessage(error, message))
    }
    if (!pointId) return refuse(ERROR_CODES.AUTH_FORBIDDEN, 'only a clerk bound to a pickup point verifies pickup codes')
    // This attempt's audit line at this counter, but for the order and what became of it.
    const line = (via: HandOverVia): HandOverAudit => ({ kind: 'pickup', code, clerkOpenid: caller.openid, pickupPointId: pointId, via, at: now })

    if (binding?.kind === 'mine') {
      if (binding.pickupPointId !== pointId) return refuse(ERROR_CODES.AUTH_FORBIDDEN, 'this code is for another pickup point', undefined, 'myCode')
      if ((binding.expiresAt ?? 0) <= now) return refuse(ERROR_CODES.PICKUP_EXPIRED, 'this code has expired', undefined, 'myCode')
      if (quantity !== undefined) return refuse(ERROR_CODES.PICKUP_QUANTITY_TOO_MANY, 'an all-my-orders code hands over whole orders', undefined, 'myCode')
      const res = await docsOf<OrderDoc>(db.collection('orders').where({ openid: binding.openid, pickupPointId: pointId, status: 'READY_FOR_PICKUP' }).limit(MY_CODE_MAX_ORDERS))
      if (res.length === 0) return refuse(ERROR_CODES.PICKUP_NOT_READY, 'nothing is waiting for this resident here', undefined, 'myCode')
      const handed: HandedOverOrder[] = []
      let lastRefusal: ErrorCode = ERROR_CODES.PICKUP_ALREADY_USED
      const contacts = await staffContactsOf(db, [binding.openid!])
      for (const o of res) {
        const r = await handOver(db, o, { via: 'myCode', code, audit: line('myCode') }, now)
        if (!r.ok) {
          lastRefusal = r.error
          await audit(db, { ...line('myCode'), orderId: o._id, outcome: r.error })
          continue
        }
        // A completing hand-over's line rode on the order (settle copies it: server/pickup/handover-records.ts).
        await auditHandedOver(db, line('myCode'), r)
        handed.push(view(r.order, r.take, r.left, contacts.get(o.openid) ?? null))
      }
      if (handed.length === 0) return fail(lastRefusal, refusalMessage(lastRefusal, 'nothing left to hand over'))
      return ok({ ...handed[0], orders: handed, via: 'myCode' })
    }

    const via = binding?.kind === 'delegate' ? 'delegate' : 'code'
    if (!binding?.orderId) return refuse(ERROR_CODES.PICKUP_CODE_NOT_FOUND, 'no such pickup code', undefined, via)
    // The order is read once, inside the hand-over's transaction, which also checks the code and the counter.
    const r = await handOverById(db, binding.orderId, pointId, { via, code, quantity, audit: line(via) }, now)
    if (!r.ok) {
      const message = r.error === ERROR_CODES.PICKUP_CODE_NOT_FOUND ? 'no such pickup code' : r.error === ERROR_CODES.AUTH_FORBIDDEN ? 'this order is picked up at another pickup point' : ''
      return refuse(r.error, message, r.order?._id, via)
    }
    const order = r.order
    await auditHandedOver(db, line(via), r)
    // Shown only now, handed over at this clerk's own point. The binding's resident is trusted only as the order's.
    const contact = resident?.openid === order.openid ? resident.contact : (await staffContactsOf(db, [order.openid])).get(order.openid) ?? null
    const one = view(r.order, r.take, r.left, contact)
    return ok({ ...one, orders: [one], via })
  },
})

/**
 * The caller's users document and the resident's in one query: the caller's primes caller.user() (define.ts), the
 * resident's is kept as the counter's view of their contact (staffContactOf) — for the caller to show only once
 * the hand-over at their own point succeeded.
 */
async function clerkBeside(db: DB.Database, caller: Caller, openid: string): Promise<{ openid: string; contact: StaffContactView | null }> {
  const ids = [...new Set([caller.openid, openid])]
  const docs = await docsOf<{ _id: string } & StoredUser & ContactFields>(db.collection('users').where({ _id: ids.length === 1 ? ids[0] : db.command.in(ids) }).limit(ids.length))
  caller.primeUser(docs.find((d) => d._id === caller.openid) ?? null)
  const doc = docs.find((d) => d._id === openid)
  return { openid, contact: doc ? staffContactOf(doc) : null }
}

export function view(o: OrderDoc, take: number, left: number, contact: HandedOverOrder['contact']): HandedOverOrder {
  return {
    orderId: o._id, groupBuyId: o.groupBuyId, quantity: take, orderedQuantity: o.quantity, leftQuantity: left,
    status: left === 0 ? 'PICKED_UP' : 'READY_FOR_PICKUP', title: o.title, maskedName: maskName(o.nickname), contact,
  }
}

export function refusalMessage(code: ErrorCode, fallback: string): string {
  switch (code) {
    case ERROR_CODES.PICKUP_ALREADY_USED:
      return 'this pickup code was already used'
    case ERROR_CODES.PICKUP_EXPIRED:
      return 'this pickup code has expired'
    case ERROR_CODES.PICKUP_NOT_READY:
      return 'this order is not ready for pickup'
    case ERROR_CODES.PICKUP_QUANTITY_TOO_MANY:
      return 'more than is left to hand over'
    default:
      return fallback || 'refused'
  }
}
