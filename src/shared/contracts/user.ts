import { z } from 'zod'
import { id, type Role } from './common'

export const userContract = {
  me: z.object({}).strict(),
  choosePickupPoint: z.object({ pickupPointId: id }).strict(),
  listPickupPoints: z.object({}).strict(),
  recordConsent: z.object({ templates: z.array(z.enum(['GROUP_SUCCEEDED', 'GROUP_FAILED_REFUNDED', 'GOODS_ARRIVED'])).min(1).max(3) }).strict(),
} as const

/** Subscribe-message templates a user can consent to (server/outbox.ts sends them). */
export type NoticeKey = z.infer<typeof userContract.recordConsent>['templates'][number]

export interface PickupPointView {
  pickupPointId: string
  name: string
  address: string
  storeName: string
}

export interface UserOutputs {
  me: { openid: string; roles: Role[]; pickupPointId: string | null; boundPickupPointId: string | null }
  choosePickupPoint: Record<string, never>
  listPickupPoints: { items: PickupPointView[] }
  recordConsent: Record<string, never>
}
