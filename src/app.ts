import type { PropsWithChildren } from 'react'
import Taro, { useLaunch } from '@tarojs/taro'
import { installPrivacyGate } from '@/components/PrivacyAuthorization/privacy-gate'

import './app.scss'

function App({ children }: PropsWithChildren) {
  useLaunch(() => {
    // Cloud development exists only inside WeChat; H5 talks to the local cloud host over HTTP instead.
    if (process.env.TARO_ENV === 'weapp') {
      const env = process.env.TARO_APP_CLOUD_ENV
      Taro.cloud.init(env ? { env, traceUser: true } : { traceUser: true })
      installPrivacyGate()
    }
  })
  return children
}

export default App
