import type { PropsWithChildren } from 'react'
import Taro, { useLaunch, usePageNotFound } from '@tarojs/taro'
import { installPrivacyGate } from '@/components/PrivacyAuthorization/privacy-gate'

import './app.scss'

const NOT_FOUND_URL = '/pages/resident/not-found/index'

function App({ children }: PropsWithChildren) {
  useLaunch(() => {
    // Cloud development exists only inside WeChat; H5 talks to the local cloud host over HTTP instead.
    if (process.env.TARO_ENV === 'weapp') {
      const env = process.env.TARO_APP_CLOUD_ENV
      Taro.cloud.init(env ? { env, traceUser: true } : { traceUser: true })
      installPrivacyGate()
    }
  })
  // An address that is no page (a subpackage's folder, a renamed page): a page that says so, not a blank screen.
  usePageNotFound((res) => {
    void Taro.redirectTo({ url: `${NOT_FOUND_URL}?path=${encodeURIComponent(res.path)}` })
  })
  return children
}

export default App
