/** No imports: the 我的 page (main package) reads these, and zod must stay out of the main package (#20's budget). */

/**
 * The roles, declared once (docs/architecture.md → "Adding a role"): everything else — the admin's grant schema,
 * listRoles, the admin page's choices, the demo identities, the 我的 page's labels — is derived from these lists.
 * `resident` is everyone's; an admin grants the GRANTABLE_ROLES; `admin` comes from ADMIN_OPENIDS.
 */
export const GRANTABLE_ROLES = ['leader', 'clerk', 'merchant'] as const
export type GrantableRole = (typeof GRANTABLE_ROLES)[number]
export const ROLES = ['resident', ...GRANTABLE_ROLES, 'admin'] as const
export type Role = (typeof ROLES)[number]
/** Granted roles that work at one pickup point (a grant names it). */
export const POINT_BOUND_ROLES = ['leader', 'clerk'] as const satisfies readonly GrantableRole[]

export function isPointBound(role: Role): boolean {
  return (POINT_BOUND_ROLES as readonly Role[]).includes(role)
}
