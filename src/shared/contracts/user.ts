import { isVisibleText, VISIBLE_TEXT_MESSAGE } from '../domain/visible-text'
import { z } from 'zod'
import { cursor, fileId, id, type Page, type PickupPlaceView, type Role } from './common'
import { building, room } from './delivery'
import { CONTACT_NAME_MAX, CONTACT_NOTE_MAX, CONTACT_PHONE_PATTERN, normalizePhone } from '../domain/contact'

export const userContract = {
  me: z.object({}).strict(),
  choosePickupPoint: z.object({ pickupPointId: id }).strict(),
  listPickupPoints: z.object({}).strict(),
  recordConsent: z
    .object({
      templates: z
        .array(z.enum(['GROUP_SUCCEEDED', 'GROUP_FAILED_REFUNDED', 'GOODS_ARRIVED', 'MARKETING', 'PICKUP_REMINDER']))
        .min(1)
        .max(5)
        // One accepted prompt is one credit per template: a template named twice would be two credits for one consent.
        .refine((t) => new Set(t).size === t.length, { message: '模板重复' }),
    })
    .strict(),
  notices: z.object({ cursor: cursor.optional() }).strict(),
  /** Everything up to now counts as read (the unread badge clears). */
  markNoticesRead: z.object({}).strict(),
  /** Marketing (精准推送) consent: off until the resident turns it on, withdrawable any time. */
  setMarketingConsent: z.object({ consent: z.boolean() }).strict(),
  /** 个人信息保护法: everything the platform holds about the caller. */
  exportMyData: z.object({}).strict(),
  /** A photo I just uploaded into my own folder: noted as mine, so deleteMe deletes it even if it is never attached. */
  recordUpload: z.object({ fileID: fileId }).strict(),
  /** Erase the caller: `confirm` must be exactly true. */
  deleteMe: z.object({ confirm: z.literal(true) }).strict(),
  /**
   * 收货人: the 称呼 (≤ 12), optionally a mainland mobile number and a 门牌/备注 (≤ 20). Replaces the whole contact:
   * leaving out phone or note clears it.
   */
  setContact: z
    .object({
      name: z.string().trim().min(1).max(CONTACT_NAME_MAX).refine(isVisibleText, VISIBLE_TEXT_MESSAGE),
      phone: z.string().max(20).transform(normalizePhone).pipe(z.string().regex(CONTACT_PHONE_PATTERN, 'must be an 11-digit mobile number')).optional(),
      note: z.string().trim().max(CONTACT_NOTE_MAX).refine((v) => v === '' || isVisibleText(v), VISIBLE_TEXT_MESSAGE).optional(),
      /** 配送到家 (#25): 楼栋 and 门牌, both or neither; a delivery join fills them in when left out. */
      building: building.optional(),
      room: room.optional(),
    })
    .strict()
    .refine((v) => (v.building === undefined) === (v.room === undefined), { message: '楼栋和门牌需同时填写', path: ['room'] }),
} as const

/** The caller's own 收货人 as `me` shows it (the phone masked: 138****5678). */
export interface MyContactView {
  name: string
  phoneMasked: string | null
  note: string | null
  /** 配送到家: the saved 楼栋 and 门牌 (absent until given). */
  building?: string
  room?: string
}

/** What an in-app notice is about. Subscribe messages need consent; notices reach everyone. */
export const NOTICE_KINDS = [
  'GROUP_SUCCEEDED', 'GROUP_FAILED_REFUNDED', 'GOODS_ARRIVED', 'SHORTAGE_REFUNDED', 'PURCHASE_ORDER', 'SHIPPED', 'MARKETING',
  'AFTER_SALES_REQUESTED', 'AFTER_SALES_DECIDED', 'PICKUP_REMINDER', 'TIER_REFUNDED', 'PICKED_UP_BY_PROXY', 'SHORTAGE',
  'VOUCHER_ISSUED', 'VOUCHER_REDEEMED', 'DELIVERED',
] as const
export type NoticeKind = (typeof NOTICE_KINDS)[number]

export interface NoticeView {
  noticeId: string
  kind: NoticeKind
  title: string
  body: string
  /** The mini-program page it opens. */
  page: string
  createdAt: number
  read: boolean
}

/** Subscribe-message templates a user can consent to (server/outbox.ts sends them). */
export type NoticeKey = z.infer<typeof userContract.recordConsent>['templates'][number]

/** A pickup point in the chooser: name, address, store, and (#22) opening hours and contact phone. */
export type PickupPointView = PickupPlaceView

export interface UserOutputs {
  /** `contact` is null until the resident gives one (user.setContact). */
  me: { openid: string; roles: Role[]; pickupPointId: string | null; boundPickupPointId: string | null; marketingConsent: boolean; contact?: MyContactView | null }
  setContact: { contact: MyContactView }
  choosePickupPoint: Record<string, never>
  listPickupPoints: { items: PickupPointView[] }
  recordConsent: Record<string, never>
  notices: Page<NoticeView> & { unread: number }
  markNoticesRead: Record<string, never>
  setMarketingConsent: { marketingConsent: boolean }
  /** `data` is also written as a JSON file to cloud storage (`fileID`, and a temp URL valid 2 hours). */
  exportMyData: { data: MyData; fileID: string; tempFileURL: string }
  recordUpload: Record<string, never>
  deleteMe: { deleted: true }
}

/** Stored documents as they are, one list per collection that references the caller (see docs/api.md). */
export interface MyData {
  exportedAt: number
  openid: string
  profile: Record<string, unknown> | null
  consents: { marketing: boolean; marketingConsentAt: number | null; subscribeMessages: Record<string, unknown>[] }
  orders: Record<string, unknown>[]
  refunds: Record<string, unknown>[]
  participations: Record<string, unknown>[]
  coupons: Record<string, unknown>[]
  couponClaims: Record<string, unknown>[]
  notices: Record<string, unknown>[]
  messages: Record<string, unknown>[]
  /** Ratings (#12) and member points (#12): empty where those are not kept. */
  ratings: Record<string, unknown>[]
  /** 售后 cases (#12); optional so exports made before them still type. */
  afterSales?: Record<string, unknown>[]
  points: Record<string, unknown>[]
  /** 代取 and 一码提货 codes issued to the caller (#22). */
  pickupCodes?: Record<string, unknown>[]
  /** 收货人 with the phone number opened (it is stored sealed on the profile); null when none was given. */
  contact?: { name: string; phone: string | null; note: string | null; building?: string; room?: string } | null
  /** Codes typed at a counter with this account (the verifications audit); optional so older exports still type. */
  codesTyped?: Record<string, unknown>[]
  /** The files stored for me (photos I uploaded and their attached copies); optional as above. */
  files?: Record<string, unknown>[]
}
