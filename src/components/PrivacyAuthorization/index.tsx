import { Button, Text, View } from '@tarojs/components'
import { useEffect, useState } from 'react'
import { AGREE_BUTTON_ID, agree, exposed, openContract, refuse, usePrivacyGate } from './privacy-gate'
import './index.scss'

/**
 * WeChat's privacy authorisation prompt: what we collect and why, the full 用户隐私保护指引 (wx.openPrivacyContract),
 * agree (the open-type="agreePrivacyAuthorization" button WeChat requires) or refuse (the app stays usable; only the
 * API that asked fails). Mounted where privacy APIs are used (the photo step; the privacy page for the rest); of all
 * mounted, only the first shows it.
 */
export default function PrivacyAuthorization({ onAnswered }: { onAnswered?: (agreed: boolean) => void }) {
  const pending = usePrivacyGate((s) => s.pending)
  const [host, setHost] = useState(false)
  useEffect(() => {
    const first = usePrivacyGate.getState().hosts === 0
    usePrivacyGate.setState((s) => ({ hosts: s.hosts + 1 }))
    setHost(first)
    return () => usePrivacyGate.setState((s) => ({ hosts: s.hosts - 1 }))
  }, [])
  useEffect(() => {
    if (pending && host) exposed()
  }, [pending, host])
  if (!pending || !host) return null
  return (
    <View className='privacy-auth' role='dialog'>
      <View className='privacy-auth__card'>
        <Text className='privacy-auth__title'>用户隐私保护提示</Text>
        <Text className='privacy-auth__text'>
          选择照片时，我们会读取你选中的照片，只用于你发布的商品图、评价或售后凭证，上传后仅按页面说明展示；复制链接时会写入你的剪切板。不同意也可以继续使用团购、下单和提货。
        </Text>
        <Text className='privacy-auth__link' onClick={openContract}>
          阅读《邻里团用户隐私保护指引》
        </Text>
        <View className='privacy-auth__actions'>
          <Button
            className='privacy-auth__refuse'
            onClick={() => {
              refuse()
              onAnswered?.(false)
            }}
          >
            拒绝
          </Button>
          <Button
            id={AGREE_BUTTON_ID}
            className='btn-primary privacy-auth__agree'
            openType='agreePrivacyAuthorization'
            onAgreePrivacyAuthorization={() => {
              agree()
              onAnswered?.(true)
            }}
          >
            同意
          </Button>
        </View>
      </View>
    </View>
  )
}
