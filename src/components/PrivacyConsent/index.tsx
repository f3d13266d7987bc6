import { Button, Text, View } from '@tarojs/components'
import Taro from '@tarojs/taro'
import { useEffect, useState } from 'react'
import PrivacyAuthorization from '../PrivacyAuthorization'
import './index.scss'

const ACCEPTED_KEY = 'llt.privacyAcceptedAt'

/**
 * The one-time privacy consent on first use. In weapp WeChat owns the prompt (`wx.requirePrivacyAuthorize`, shown
 * only until accepted, with `__usePrivacyCheck__` in app.config); in H5 a card at the top of the page that stays
 * until accepted — a card, not an overlay, so nothing under it is blocked while the resident reads.
 */
export default function PrivacyConsent() {
  const weapp = process.env.TARO_ENV === 'weapp'
  const [accepted, setAccepted] = useState(() => weapp || !!Taro.getStorageSync(ACCEPTED_KEY))

  useEffect(() => {
    if (weapp && typeof Taro.requirePrivacyAuthorize === 'function') Taro.requirePrivacyAuthorize({})
  }, [weapp])

  // weapp: WeChat's authorisation (asked by requirePrivacyAuthorize above) is answered by the prompt on this page.
  if (weapp) return <PrivacyAuthorization />
  if (accepted) return null
  const accept = () => {
    Taro.setStorageSync(ACCEPTED_KEY, Date.now())
    setAccepted(true)
  }
  return (
    <View className='privacy-consent' role='dialog'>
      <Text className='privacy-consent__title'>隐私保护提示</Text>
      <Text className='privacy-consent__text'>
        为完成团购、提货与退款，我们会使用你的微信身份标识、所选自提点和订单记录；营销推荐默认关闭。你可以在「我的 → 隐私与数据」随时查看、导出或注销。
      </Text>
      <View className='privacy-consent__actions'>
        <Text className='privacy-consent__link' onClick={() => void Taro.navigateTo({ url: '/pages/resident/privacy/index' })}>查看详情</Text>
        <Button className='btn-primary privacy-consent__ok' size='mini' onClick={accept}>同意并继续</Button>
      </View>
    </View>
  )
}
