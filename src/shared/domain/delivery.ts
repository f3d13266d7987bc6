/**
 * 配送到家 (#25): a pickup point's store may deliver to the residents' doors. The rules are here, pure and shared:
 * what a delivery costs (the fee, free over a threshold), whether a join's building and slot are ones the point
 * serves, who gets the fee (the store, which delivers), and the order of a 配送单 (by building, then room, in
 * natural order: 2栋 before 10栋, 101 before 1201).
 */
import { ERROR_CODES, type ErrorCode } from '../errors'

export const FULFILMENTS = ['PICKUP', 'DELIVERY'] as const
export type Fulfilment = (typeof FULFILMENTS)[number]

/** Limits of the settings and of an address (楼栋 / 门牌). */
export const DELIVERY_BUILDINGS_MAX = 200
export const DELIVERY_SLOTS_MAX = 20
export const BUILDING_MAX = 12
export const ROOM_MAX = 12
/** A fee no store would ask for one delivery (¥100): a typo guard, not a price rule. */
export const DELIVERY_FEE_MAX_FEN = 10_000

export interface DeliverySlot {
  startAt: number
  endAt: number
}

/** What a pickup point stores (`pickupPoints.delivery`) and residents see. */
export interface DeliverySettings {
  enabled: boolean
  feeFen: number
  /** Goods of at least this amount are delivered free; null = never free. */
  freeOverFen: number | null
  buildings: string[]
  slots: DeliverySlot[]
}

/** What a delivery order carries (`orders.delivery`): frozen at join, so later edits of the settings never change it. */
export interface DeliveryAddress {
  building: string
  room: string
  slotStartAt: number
  slotEndAt: number
  feeFen: number
}

/**
 * 小程序发货信息管理's logistics_type for an order: 2 (同城配送) when the store delivered it to the door, 4 (用户自提)
 * when it was collected at the counter.
 */
export function logisticsTypeFor(fulfilment: Fulfilment | undefined): 2 | 4 {
  return fulfilment === 'DELIVERY' ? 2 : 4
}

/** The fee for goods worth `goodsFen`: free at or over the threshold. */
export function deliveryFeeFor(settings: Pick<DeliverySettings, 'feeFen' | 'freeOverFen'>, goodsFen: number): number {
  if (settings.freeOverFen !== null && goodsFen >= settings.freeOverFen) return 0
  return settings.feeFen
}

/** Slots residents may still choose: not yet ended, earliest first. */
export function openSlots(settings: Pick<DeliverySettings, 'slots'>, now: number): DeliverySlot[] {
  return settings.slots.filter((s) => s.endAt > now).sort((a, b) => a.startAt - b.startAt)
}

/**
 * A delivery join: the point must deliver, the building must be one it serves, the slot one of its slots that has
 * not ended. The refusal, or the fee to add to the order's amount.
 */
export function decideDelivery(
  settings: DeliverySettings | null | undefined,
  ask: { building: string; room: string; slot: DeliverySlot },
  goodsFen: number,
  now: number,
  goodsFrom: number | null = null,
): { ok: true; delivery: DeliveryAddress } | { ok: false; error: ErrorCode; message: string } {
  if (!settings || !settings.enabled) return { ok: false, error: ERROR_CODES.DELIVERY_NOT_OFFERED, message: 'this pickup point does not deliver' }
  if (!settings.buildings.includes(ask.building)) return { ok: false, error: ERROR_CODES.DELIVERY_BUILDING_NOT_SERVED, message: `the store does not deliver to ${ask.building}` }
  const slot = settings.slots.find((s) => s.startAt === ask.slot.startAt && s.endAt === ask.slot.endAt)
  if (!slot || slot.endAt <= now) return { ok: false, error: ERROR_CODES.DELIVERY_SLOT_INVALID, message: 'not one of the point’s delivery slots, or it has ended' }
  // A slot over before the goods can be there (the group buy's 提货时间 opens, or its end for goods that arrive only
  // after it) cannot be kept: before (an audit: test/node/attacks-points-delivery-leader.test.ts) its fee was taken.
  if (goodsFrom !== null && slot.endAt <= goodsFrom) return { ok: false, error: ERROR_CODES.DELIVERY_SLOT_INVALID, message: 'this slot ends before the goods can be delivered' }
  return { ok: true, delivery: { building: ask.building, room: ask.room, slotStartAt: slot.startAt, slotEndAt: slot.endAt, feeFen: deliveryFeeFor(settings, goodsFen) } }
}

/**
 * 分账 of the delivery fee: the store delivers, so the fee goes to the store — before the goods are split, and
 * only out of what the order keeps. `keptFen` is what the order still holds after its refunds; the fee stays
 * with it as long as the order is not refunded in full (a partial shortage or an after-sales refund gives back
 * goods, not the delivery), and a full refund takes it back with everything else. The rest is the goods' money,
 * split by the plain rule (src/shared/domain/ledger.ts splitShares).
 */
export function splitDeliveryFee(keptFen: number, deliveryFeeFen: number | undefined): { storeFen: number; goodsFen: number } {
  const kept = Math.max(0, keptFen)
  const storeFen = Math.min(Math.max(0, deliveryFeeFen ?? 0), kept)
  return { storeFen, goodsFen: kept - storeFen }
}

/**
 * Natural order of labels like 2栋 / 10栋 / 3-201 / 1201: runs of digits compare as numbers, the rest as text
 * (then by length, so 2栋 < 2栋A). Deterministic on every runtime (no locale tables).
 */
export function naturalCompare(a: string, b: string): number {
  const ta = a.match(/\d+|\D+/g) ?? []
  const tb = b.match(/\d+|\D+/g) ?? []
  let padding = 0 // 02 vs 2: equal as numbers; only a tie-break (02 after 2) once everything else is equal
  for (let i = 0; i < Math.min(ta.length, tb.length); i++) {
    const x = ta[i]
    const y = tb[i]
    const nx = /^\d/.test(x)
    const ny = /^\d/.test(y)
    if (nx && ny) {
      const d = Number(x) - Number(y)
      if (d !== 0) return d
      if (padding === 0) padding = x.length - y.length
    } else if (nx !== ny) {
      return nx ? -1 : 1
    } else if (x !== y) {
      return x < y ? -1 : 1
    }
  }
  return ta.length - tb.length || padding
}

/** 配送单 order: building, then room (both natural), then slot, then the order id (stable). */
export function compareDeliveryStops(
  a: { building: string; room: string; slotStartAt: number; orderId: string },
  b: { building: string; room: string; slotStartAt: number; orderId: string },
): number {
  return naturalCompare(a.building, b.building) || naturalCompare(a.room, b.room) || a.slotStartAt - b.slotStartAt || (a.orderId < b.orderId ? -1 : a.orderId > b.orderId ? 1 : 0)
}

/** Settings as an admin sends them are checked by this (beside the schema): slots in order, no overlap of equal slots. */
export function deliverySettingsProblem(s: Pick<DeliverySettings, 'enabled' | 'buildings' | 'slots' | 'feeFen' | 'freeOverFen'>): string | null {
  if (new Set(s.buildings).size !== s.buildings.length) return '楼栋重复'
  for (const slot of s.slots) if (slot.endAt <= slot.startAt) return '配送时段的结束须晚于开始'
  const keys = s.slots.map((x) => `${x.startAt}-${x.endAt}`)
  if (new Set(keys).size !== keys.length) return '配送时段重复'
  if (s.enabled && (s.buildings.length === 0 || s.slots.length === 0)) return '开启配送需至少一个楼栋和一个时段'
  return null
}
