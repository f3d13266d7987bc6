import { isPointBound, type Role } from '@shared/contracts/common'
import { isDuplicateWrite } from '@server/cloud'
import type { UserDoc } from '@server/users/model'

/** Make sure a users document exists (residents get one the first time they choose a pickup point). */
export async function ensureUser(db: DB.Database, openid: string, now: number): Promise<void> {
  try {
    await db.collection('users').add({ data: { _id: openid, roles: [], pickupPointId: null, boundPickupPointId: null, createdAt: now } })
  } catch (err) {
    if (!isDuplicateWrite(err)) throw err
  }
}

/**
 * Would granting `role` at `pickupPointId` move another point-bound role the person holds (leader and clerk share
 * boundPickupPointId) to another point?
 */
export function bindsOtherRoleElsewhere(user: Pick<UserDoc, 'roles' | 'boundPickupPointId'>, role: Role, pickupPointId: string | null): boolean {
  if (!pickupPointId || !isPointBound(role) || !user.boundPickupPointId || user.boundPickupPointId === pickupPointId) return false
  return user.roles.some((r) => r !== role && isPointBound(r))
}

export async function grantRoleTo(db: DB.Database, openid: string, role: Role, pickupPointId: string | null, now: number): Promise<void> {
  const _ = db.command
  await ensureUser(db, openid, now)
  const data: Record<string, unknown> = { roles: _.addToSet(role) }
  if (pickupPointId && isPointBound(role)) data.boundPickupPointId = pickupPointId
  await db.collection('users').doc(openid).update({ data })
}

export async function choosePickupPointFor(db: DB.Database, openid: string, pickupPointId: string, now: number): Promise<void> {
  await ensureUser(db, openid, now)
  await db.collection('users').doc(openid).update({ data: { pickupPointId } })
}
