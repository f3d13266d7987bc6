import type { GroupBuyDoc } from '@server/group-buys/model'
import type { OrderDoc } from '@server/orders/model'
import { updatedCount } from '@server/fetch'
import { docsOf, eachPage } from '@server/paging'
import { SLOTS, type SlotDoc } from '@server/vouchers/model'

/** Orders that hold their slot's places: a booking not yet paid, a voucher (paid or redeemed) not cancelled. */
const HOLDING: readonly string[] = ['PENDING_PAYMENT', 'PAID', 'PICKED_UP']

type Sighting = { left: number; expectedLeft: number; seenAt: number }
type WithSighting = SlotDoc & { heal?: Sighting | null }

/**
 * The counter heal's part for services (heal-counters.ts runs it on the running service group buys of its batch): a
 * slot with fewer places left than its capacity less its live bookings lost places to a call cut off between its
 * writes — a booking killed after its slot place and before its order, an unpaid booking's expiry killed before it
 * gave the place back — and the slot would sell short for ever (an audit: test/node/attacks-crash.test.ts). As
 * for a group buy's stock, the gap is corrected only once it has stood still for `quiet` ms (seen twice with the same
 * `left`: the interrupted call is certainly dead), by one write conditional on that `left`, and never downwards (a
 * place given back early — a cancelled voucher's — is not taken again). Slots that have started are left alone.
 * Returns the slots corrected.
 */
export async function healSlotsOf(db: DB.Database, services: readonly Pick<GroupBuyDoc, '_id'>[], now: number, quiet: number): Promise<number> {
  if (services.length === 0) return 0
  const _ = db.command
  const ids = services.map((g) => g._id)
  const slots = await docsOf<WithSighting>(db.collection(SLOTS).where({ groupBuyId: _.in(ids), startAt: _.gt(now) }).limit(100))
  if (slots.length === 0) return 0
  const booked = new Map<string, number>()
  await eachPage<Pick<OrderDoc, '_id' | 'slotId' | 'quantity' | 'voucherCancelledAt'>>(db, 'orders', { groupBuyId: _.in(ids), status: _.in([...HOLDING]) }, async (page) => {
    for (const o of page) if (o.slotId && !o.voucherCancelledAt) booked.set(o.slotId, (booked.get(o.slotId) ?? 0) + o.quantity)
  }, undefined, { slotId: true, quantity: true, voucherCancelledAt: true })
  let healed = 0
  for (const s of slots) {
    const expectedLeft = s.capacity - (booked.get(s._id) ?? 0)
    const short = s.left < expectedLeft
    const seen = s.heal
    const same = !!seen && seen.left === s.left && seen.expectedLeft === expectedLeft
    if (short && same && now - seen!.seenAt >= quiet) {
      const fixed = await db.collection(SLOTS).where({ _id: s._id, left: s.left }).update({ data: { left: expectedLeft, heal: null } })
      if (updatedCount(fixed) === 1) {
        healed++
        console.warn(`[heal] slot ${s._id}: left ${s.left}→${expectedLeft}`)
      }
      continue
    }
    if (short ? same : !seen) continue
    await db.collection(SLOTS).doc(s._id).update({ data: { heal: short ? _.set({ left: s.left, expectedLeft, seenAt: now }) : null } })
  }
  return healed
}
