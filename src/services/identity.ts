import Taro from '@tarojs/taro'
import { DEFAULT_DEMO_OPENID } from '@/shared/demo-identities'

const STORAGE_KEY = 'llt.actingOpenid'
const DEFAULT_OPENID = DEFAULT_DEMO_OPENID

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

