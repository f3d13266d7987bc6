import Taro from '@tarojs/taro'

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

const STORAGE_KEY = 'llt.actingOpenid'
const DEFAULT_OPENID: DemoOpenid = 'demo-resident-1'

export function getActingOpenid(): string {
  try {
    const stored: unknown = Taro.getStorageSync(STORAGE_KEY)
    return typeof stored === 'string' && stored !== '' ? stored : DEFAULT_OPENID
  } catch {
    return DEFAULT_OPENID
  }
}

export function setActingOpenid(openid: string): void {
  Taro.setStorageSync(STORAGE_KEY, openid)
}

export function labelOf(openid: string): string {
  return DEMO_IDENTITIES.find((d) => d.openid === openid)?.label ?? openid
}

/** The switcher exists only where there is no real WeChat identity. */
export const isLocalMode = process.env.TARO_ENV === 'h5'
