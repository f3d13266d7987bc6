import type { PointEntryKind } from '@shared/domain/members'

// The members room's stored shapes (database/schema.json): members and pointEntries.

/**
 * 会员互通: the points ledger. Every change is an append-only entry in `pointEntries` whose id is derived from
 * the event (an order's pickup, a coupon's redemption, a refund, a coupon bought with points), so an event is
 * counted once however often it is noticed; the balance in `members/<openid>` moves only by conditional
 * increments right after its entry lands, and always equals the sum of the entries (rederiveMember).
 */
export interface MemberDoc {
  _id: string
  points: number
  /** Earned less what refunds took back (sets the level; spending never lowers it). */
  lifetimePoints: number
  /** Take-backs the balance could not cover: recorded, not hidden. */
  unrecoveredPoints: number
  /** +1 with every move, so settle's heal writes only over exactly the balance it checked. */
  version: number
  updatedAt: number
}

export interface PointEntryDoc {
  _id: string
  openid: string
  kind: PointEntryKind
  /** What the entry is about: an order, a coupon, a refund id. */
  ref: string
  /** Change to the balance. */
  points: number
  /** Change to lifetimePoints. */
  lifetime: number
  unrecovered: number
  note: string
  createdAt: number
  /** When it was written, until the balance reflects it (then 0): how settle finds a call cut off halfway. */
  pendingSince: number
  /** A spend the balance refused (or settle found never completed): counts for nothing. */
  void?: boolean
  /** A SPEND's campaign: settle gives back the hold (slot and tally) of a claim a crash cut off after the spend. */
  campaignId?: string
}
