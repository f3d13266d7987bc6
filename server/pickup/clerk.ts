import type { UserDoc } from '@server/users/model'

/** The pickup point a caller works the counter at: clerks only, and only once bound to one. */
export function counterPointOf(user: UserDoc): string | null {
  return user.roles.includes('clerk') && user.boundPickupPointId ? user.boundPickupPointId : null
}
