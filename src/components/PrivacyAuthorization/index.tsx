import { Button, Text, View } from '@tarojs/components'
import { useRouter } from '@tarojs/taro'
import { useEffect, useRef } from 'react'
import { AGREE_BUTTON_ID, agree, exposed, frontPage, openContract, pagePath, refuse, usePrivacyGate } from './privacy-gate'
import './index.scss'

/**
 * WeChat's privacy authorisation prompt: what we collect and why, the full 用户隐私保护指引 (wx.openPrivacyContract),
 * agree (the open-type="agreePrivacyAuthorization" button WeChat requires) or refuse (the app stays usable; only the
 * API that asked fails). Mounted where privacy APIs are used (the photo step, the home page's first-use consent, the
 * privacy page for the rest); only the first one on the page in front shows it.
 */
export default function PrivacyAuthorization({ onAnswered }: { onAnswered?: (agreed: boolean) => void }) {
  const pending = usePrivacyGate((s) => s.pending)
  const hosts = usePrivacyGate((s) => s.hosts)
  const page = pagePath(useRouter().path)
  // Which prompt on this page I am (registration order): only the first on the page in front shows.
  const slot = useRef<number | null>(null)
  useEffect(() => {
    usePrivacyGate.setState((s) => {
      slot.current = s.hosts.filter((h) => h === page).length
      return { hosts: [...s.hosts, page] }
    })
    return () =>
      usePrivacyGate.setState((s) => {
        const i = s.hosts.lastIndexOf(page)
        return { hosts: i < 0 ? s.hosts : [...s.hosts.slice(0, i), ...s.hosts.slice(i + 1)] }
      })
  }, [page])
  const shown = pending && slot.current === 0 && hosts.includes(page) && frontPage() === page
  useEffect(() => {
    if (shown) exposed()
  }, [shown])
  if (!shown) return null
  return (
    <View className='privacy-auth' role='dialog'>
      <View className='privacy-auth__card'>
        <Text className='privacy-auth__title'>用户隐私保护提示</Text>
        <Text className='privacy-auth__text'>
          选择照片时，我们会读取你选中的照片，只用于你发布的商品图、评价或售后凭证，上传后仅按页面说明展示；保存海报时会写入你的相册，复制链接时会写入你的剪切板。不同意也可以继续使用团购、下单和提货。
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
