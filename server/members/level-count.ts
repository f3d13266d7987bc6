import { minLifetimeFor } from '@shared/domain/members'
import { MEMBERS } from '@server/members/points'

/**
 * How many members reach `level` (lifetime points, on the `lifetime` index): the people a level-restricted (member)
 * campaign is for. A campaign for fewer than K_ANONYMITY_MIN of them singles people out as an audience would.
 */
export async function membersAtLevel(db: DB.Database, level: number): Promise<number> {
  const res = (await db.collection(MEMBERS).where({ lifetimePoints: db.command.gte(minLifetimeFor(level)) }).count()) as unknown as { total: number }
  return res.total
}
