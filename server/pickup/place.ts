import type { PickupPlaceView } from '@shared/contracts/common'
import { formatPickupWindow } from '@shared/domain/pickup'
import type { GroupBuyDoc } from '@server/group-buys/model'
import { findById } from '@server/fetch'
import type { PickupPointDoc } from '@server/pickup/model'
import { deliveryTermsOf } from '@server/delivery/settings'

export function toPickupPlaceView(p: PickupPointDoc): PickupPlaceView {
  // 配送到家 shown only where the store delivers (its open slots as of now).
  const delivery = deliveryTermsOf(p, Date.now())
  return { pickupPointId: p._id, name: p.name, address: p.address, storeName: p.storeName, openingHours: p.openingHours ?? null, contactPhone: p.contactPhone ?? null, ...(delivery ? { delivery } : {}) }
}

/**
 * Where and when an order is collected, as the sign-off writes it onto the orders it readies (#23: the pickup-code
 * page then reads the order alone): the point without its delivery terms (they change by the hour and are the
 * point's offer, not the order's) and the group buy's window. admin.updatePickupPoint writes a new place onto the
 * point's orders still waiting (pickupOnOrdersAt).
 */
export interface OrderPickup {
  place: PickupPlaceView | null
  pickupStartAt: number | null
  pickupEndAt: number | null
}

export function orderPickupOf(p: PickupPointDoc | null, gb: Pick<GroupBuyDoc, 'pickupStartAt' | 'pickupEndAt'>): OrderPickup {
  return { place: p ? placeOnOrder(p) : null, pickupStartAt: gb.pickupStartAt ?? null, pickupEndAt: gb.pickupEndAt ?? null }
}

function placeOnOrder(p: PickupPointDoc): PickupPlaceView {
  const { delivery: _offer, ...place } = toPickupPlaceView(p)
  return place
}

/** A point's details changed: the orders waiting there show the new ones (one write for all of them). */
export async function pickupOnOrdersAt(db: DB.Database, p: PickupPointDoc): Promise<void> {
  await db.collection('orders').where({ pickupPointId: p._id, status: 'READY_FOR_PICKUP' }).update({ data: { 'pickup.place': placeOnOrder(p) } })
}

export async function pickupPlaceOf(db: DB.Database, pickupPointId: string): Promise<PickupPlaceView | null> {
  const p = await findById<PickupPointDoc>(db, 'pickupPoints', pickupPointId)
  return p ? toPickupPlaceView(p) : null
}

/** Words per group buy for a minute: one read for all the residents a sign-off or a 成团 notifies. */
const WORDS_TTL_MS = 60_000
const wordsCache = new Map<string, { at: number; words: Promise<{ place: string; window: string }> }>()

export function pickupWordsForGroupBuy(db: DB.Database, groupBuyId: string, now: number): Promise<{ place: string; window: string }> {
  const hit = wordsCache.get(groupBuyId)
  if (hit && now - hit.at < WORDS_TTL_MS) return hit.words
  if (wordsCache.size > 1000) wordsCache.clear()
  const words = findById<GroupBuyDoc>(db, 'groupBuys', groupBuyId).then((gb) => (gb ? pickupWordsFor(db, gb) : { place: '', window: '' }))
  words.catch(() => wordsCache.delete(groupBuyId))
  wordsCache.set(groupBuyId, { at: now, words })
  return words
}

/**
 * Where and when, in the few words a subscribe message allows (thing ≤ 20 characters): 自提点 name + address, and
 * the group buy's 提货时间. Read once per call of a notifying flow, not per resident.
 */
export async function pickupWordsFor(db: DB.Database, gb: Pick<GroupBuyDoc, 'pickupPointId' | 'pickupStartAt' | 'pickupEndAt'>): Promise<{ place: string; window: string }> {
  const p = await findById<PickupPointDoc>(db, 'pickupPoints', gb.pickupPointId)
  return { place: p ? `${p.name} ${p.address}`.slice(0, 20) : '', window: formatPickupWindow(gb.pickupStartAt, gb.pickupEndAt) }
}
