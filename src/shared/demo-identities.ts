/** Demo identities of the local cloud (H5 only): whoever the tester picks in the "act as" switcher. */
export const DEMO_IDENTITIES = [
  { openid: 'demo-resident-1', label: '居民A' },
  { openid: 'demo-resident-2', label: '居民B' },
  { openid: 'demo-resident-3', label: '居民C' },
  { openid: 'demo-leader', label: '团长' },
  { openid: 'demo-clerk', label: '店员' },
  { openid: 'demo-merchant', label: '商家' },
  { openid: 'demo-admin', label: '管理员' },
] as const

export type DemoOpenid = (typeof DEMO_IDENTITIES)[number]['openid']

export function labelOf(openid: string): string {
  return DEMO_IDENTITIES.find((d) => d.openid === openid)?.label ?? openid
}

/** The switcher exists only where there is no real WeChat identity (the H5 build talks to the local cloud). */
export const isLocalMode = process.env.TARO_ENV === 'h5'
