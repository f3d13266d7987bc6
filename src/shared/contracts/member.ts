import { z } from 'zod'
import { cursor, type Page } from './common'
import type { MemberLevel, PointEntryKind } from '../domain/members'

export const memberContract = {
  me: z.object({}).strict(),
  history: z.object({ cursor: cursor.optional() }).strict(),
} as const

export interface MemberView {
  points: number
  /** Earned less what refunds took back; sets the level. */
  lifetimePoints: number
  level: MemberLevel
  levelName: string
  /** Lifetime points the next level needs (null at the top). */
  nextLevelAt: number | null
  /** Points refunds should have taken back but the balance could not cover (points never go below 0). */
  unrecoveredPoints: number
}

export interface PointEntryView {
  entryId: string
  kind: PointEntryKind
  /** Change to the balance (negative for spending and take-backs). */
  points: number
  /** Part of a take-back the balance could not cover. */
  unrecovered: number
  note: string
  createdAt: number
}

export interface MemberOutputs {
  me: MemberView
  history: Page<PointEntryView>
}
