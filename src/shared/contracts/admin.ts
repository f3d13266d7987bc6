import { z } from 'zod'
import { cursor, fen, GRANTABLE_ROLES, id, isPointBound, shortText, type Page, type PickupPlaceView, type Role } from './common'
import type { ReconcileReport } from './ledger'
import { setDeliveryInput, type DeliveryTermsView } from './delivery'

/** A store's contact phone: a mobile or a landline (digits, spaces, dashes), shown to residents as is. */
const pointPhone = z.string().trim().regex(/^[0-9][0-9 -]{5,18}[0-9]$/, 'must be a phone number')

export const adminContract = {
  createPickupPoint: z
    .object({ name: shortText(40), address: shortText(120), storeName: shortText(40), openingHours: shortText(40).optional(), contactPhone: pointPhone.optional() })
    .strict(),
  /** 自提点 details residents see (address, 营业时间, contact phone): the admin, or a leader of that point. */
  updatePickupPoint: z
    .object({ pickupPointId: id, address: shortText(120).optional(), openingHours: shortText(40).optional(), contactPhone: pointPhone.optional() })
    .strict(),
  grantRole: z
    .object({ openid: id, role: z.enum(GRANTABLE_ROLES), pickupPointId: id.optional() })
    .strict()
    .refine((v) => !isPointBound(v.role) || v.pickupPointId !== undefined, {
      message: 'leaders and clerks are bound to a pickup point',
      path: ['pickupPointId'],
    }),
  /** The store's fee per order for being the pickup point (split from each order paid from then on). */
  setHandlingFee: z.object({ pickupPointId: id, handlingFeeFen: fen.max(100_000) }).strict(),
  /**
   * 配送到家 (#25): whether the point's store delivers, its fee per order (free when the goods reach freeOverFen), the
   * buildings it serves and the delivery slots. The admin only: the fee is the store's money for the store's work.
   */
  setDelivery: setDeliveryInput,
  /**
   * The platform's points rule: a coupon campaign may grant at most pointsPerYuan × its value in yuan per
   * redemption, and never more than maxPerRedemption (default 1 per ¥1, at most 1,000).
   */
  setPointsRule: z.object({ pointsPerYuan: z.number().int().min(0).max(100), maxPerRedemption: z.number().int().min(0).max(100_000) }).strict(),
  getPointsRule: z.object({}).strict(),
  reconcile: z.object({}).strict(),
  lastReconciliation: z.object({}).strict(),
  /** Handed-over orders whose shipping info WeChat has not accepted yet (their payments stay frozen until it has). */
  shippingBacklog: z.object({}).strict(),
  /**
   * One-off (#19): rating and 售后 photos stored before attached copies existed are moved to random per-attach
   * copies and recorded in `uploads` (so deleteMe covers them); call again with `nextCursor` until it is null.
   */
  migrateOldPhotos: z.object({ cursor: cursor.optional() }).strict(),
  /**
   * One-off (#23): ledger positions stored in their own collection (ledgerOrders) before they moved onto their
   * orders are copied there; call again with `nextCursor` until it is null.
   */
  migrateLedgerOrders: z.object({ cursor: cursor.optional() }).strict(),
  /** Everyone holding a granted role (leader, clerk, merchant), newest grant holder first. */
  listRoles: z.object({ cursor: cursor.optional() }).strict(),
} as const

/** The roles an admin grants (declared with the others in ./common). */
export { GRANTABLE_ROLES, type GrantableRole } from './common'

export interface RoleHolderView {
  openid: string
  roles: Role[]
  /** The pickup point a leader or clerk works at. */
  boundPickupPointId: string | null
  boundPickupPointName: string | null
}

export interface ShippingBacklogItem {
  orderId: string
  itemDesc: string
  handedOverAt: number
  attempts: number
  lastError: string | null
}

export interface AdminOutputs {
  shippingBacklog: { items: ShippingBacklogItem[]; count: number }
  setHandlingFee: { pickupPointId: string; handlingFeeFen: number }
  setDelivery: { pickupPointId: string; delivery: DeliveryTermsView }
  setPointsRule: { pointsPerYuan: number; maxPerRedemption: number }
  getPointsRule: { pointsPerYuan: number; maxPerRedemption: number }
  reconcile: ReconcileReport
  lastReconciliation: { report: ReconcileReport | null }
  createPickupPoint: { pickupPointId: string }
  updatePickupPoint: { pickupPoint: PickupPlaceView }
  grantRole: Record<string, never>
  listRoles: Page<RoleHolderView>
  migrateOldPhotos: { scanned: number; moved: number; photos: number; nextCursor: string | null }
  migrateLedgerOrders: { scanned: number; moved: number; nextCursor: string | null }
}
