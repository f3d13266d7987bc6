import { z } from 'zod'
import type { DeliverySettings } from '../domain/delivery'

/** Document ids and client-made request ids: short, URL-safe, never objects or numbers. */
export const id = z.string().min(1).max(64).regex(/^[A-Za-z0-9_-]+$/, 'must be letters, digits, _ or -')
/** A client-made idempotency key: the same requestId from the same caller always means the same operation. */
export const requestId = z.string().min(8).max(64).regex(/^[A-Za-z0-9_-]+$/, 'must be letters, digits, _ or -')
/** Money is integer fen. Upper bound keeps sums far inside Number.MAX_SAFE_INTEGER. */
export const fen = z.number().int().min(0).max(100_000_000)
/** Epoch milliseconds between 2020 and 2100. */
export const epochMs = z.number().int().min(1_577_836_800_000).max(4_102_444_800_000)
export const cursor = z.string().min(1).max(200)
export const pageLimit = z.number().int().min(1).max(50)
export const shortText = (max: number) => z.string().trim().min(1).max(max)

export interface Page<T> {
  items: T[]
  /** Pass back as `cursor` for the next page; null when there is none. */
  nextCursor: string | null
}

// The roles live in a zod-free module (../domain/roles) so main-package pages can read them without pulling zod in.
export { GRANTABLE_ROLES, POINT_BOUND_ROLES, ROLES, isPointBound, type GrantableRole, type Role } from '../domain/roles'

/**
 * A cloud-storage file id as CloudBase issues them: `cloud://<env>.<bucket>/<path>`. Only the characters our
 * own upload paths use; the file must also exist in storage (the server checks that).
 */
export const fileId = z
  .string()
  .max(500)
  .regex(/^cloud:\/\/[A-Za-z0-9._-]+\/[A-Za-z0-9._\-/]+$/, 'must be a cloud:// file id')

/**
 * 提货时间: when residents collect (both or neither; the end after the start). On group buys, and as a default on
 * supply offers that a leader's group buy keeps unless it sets its own.
 */
export const pickupWindowFields = { pickupStartAt: epochMs.optional(), pickupEndAt: epochMs.optional() }
export const PICKUP_WINDOW_MESSAGE = '提货时间需同时填写开始和结束，且结束晚于开始'

/** Where and when to pick up, as the detail, order and pickup-code pages show it. */
export interface PickupPlaceView {
  pickupPointId: string
  name: string
  address: string
  storeName: string
  /** 营业时间, free text (e.g. 每天 8:00–21:00); null until the point sets it. */
  openingHours?: string | null
  /** The point's (the leader's) contact phone; null until set. */
  contactPhone?: string | null
  /** 配送到家 (#25): present when the point's store delivers (fee, free-over threshold, buildings, open slots). */
  delivery?: DeliverySettings | null
}
