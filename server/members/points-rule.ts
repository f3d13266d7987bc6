import { DEFAULT_POINTS_RULE, type PointsRule } from '@shared/domain/members'
import { findById } from '@server/fetch'

/** settings/pointsRule: the platform's points rule (admin.setPointsRule); absent = DEFAULT_POINTS_RULE. */
export const SETTINGS = 'settings'
const POINTS_RULE_ID = 'pointsRule'

export async function readPointsRule(db: DB.Database): Promise<PointsRule> {
  const doc = await findById<PointsRule>(db, SETTINGS, POINTS_RULE_ID)
  return doc ? { pointsPerYuan: doc.pointsPerYuan, maxPerRedemption: doc.maxPerRedemption } : { ...DEFAULT_POINTS_RULE }
}

/** One keyed document, written whole. Campaigns created before keep what they were accepted with. */
export async function writePointsRule(db: DB.Database, rule: PointsRule, now: number): Promise<void> {
  await db.collection(SETTINGS).doc(POINTS_RULE_ID).set({ data: { ...rule, updatedAt: now } })
}
