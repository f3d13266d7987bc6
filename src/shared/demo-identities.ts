import type { Role } from './contracts/common'

/**
 * Demo identities of the local cloud (H5 only): whoever the tester picks in the "act as" switcher. Each is named by
 * its role (the switcher labels it with the role's own label; residents get a letter: 居民A, 居民B, …).
 */
export const DEMO_IDENTITIES: readonly { openid: string; role: Role; tag: string }[] = [
  { openid: 'demo-resident-1', role: 'resident', tag: 'A' },
  { openid: 'demo-resident-2', role: 'resident', tag: 'B' },
  { openid: 'demo-resident-3', role: 'resident', tag: 'C' },
  { openid: 'demo-leader', role: 'leader', tag: '' },
  { openid: 'demo-clerk', role: 'clerk', tag: '' },
  { openid: 'demo-merchant', role: 'merchant', tag: '' },
  { openid: 'demo-admin', role: 'admin', tag: '' },
]

/** The identity a fresh H5 session acts as. */
export const DEFAULT_DEMO_OPENID = DEMO_IDENTITIES[0].openid

/** The switcher exists only where there is no real WeChat identity (the H5 build talks to the local cloud). */
export const isLocalMode = process.env.TARO_ENV === 'h5'
