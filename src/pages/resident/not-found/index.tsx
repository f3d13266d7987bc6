import { Button, Text, View } from '@tarojs/components'
import Taro, { useRouter } from '@tarojs/taro'
import { HOME_URL } from '@/components/MissingLink'
import '@/components/StateView/index.scss'

/**
 * Where an address that is no page lands (app.ts usePageNotFound): a subpackage's folder without a page, a page
 * since renamed. Says so and leads home, instead of a blank grey screen.
 */
export default function NotFoundPage() {
  const path = useRouter().params.path ?? ''
  return (
    <View className='page'>
      <View className='state-view state-view--error'>
        <Text className='state-view__text'>页面不存在</Text>
        {path && <Text className='muted'>{`找不到 ${decodeURIComponent(path)}`}</Text>}
        <View>
          <Button className='state-view__retry' size='mini' onClick={() => void Taro.switchTab({ url: HOME_URL })}>
            回首页
          </Button>
        </View>
      </View>
    </View>
  )
}
