import type { Role } from '@shared/contracts/common'

// The users room's stored shapes (database/schema.json): users.

export interface UserDoc {
  _id: string
  roles: Role[]
  /** The pickup point a resident chose. */
  pickupPointId?: string | null
  /** The pickup point a leader or clerk works at. */
  boundPickupPointId?: string | null
  nickname?: string
  createdAt: number
}
