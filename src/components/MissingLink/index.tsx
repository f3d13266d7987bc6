import { Button, Text, View } from '@tarojs/components'
import Taro from '@tarojs/taro'
import '../StateView/index.scss'

export const HOME_URL = '/pages/resident/home/index'

/** Back where the user came from; a page opened straight from a link has nowhere to go back to, so home. */
export function goBackOrHome(): void {
  if (Taro.getCurrentPages().length > 1) void Taro.navigateBack()
  else void Taro.switchTab({ url: HOME_URL })
}

/**
 * A page opened without the id it shows (a cut-off link, a hand-typed URL): say so and offer a way back, instead of
 * loading for ever or blaming the user's input (填写的信息有误).
 */
export default function MissingLink({ what }: { what: string }) {
  return (
    <View className='page'>
      <View className='state-view state-view--error missing-link'>
        <Text className='state-view__text'>{`这个链接不完整，找不到要打开的${what}`}</Text>
        <Button className='state-view__retry' size='mini' onClick={goBackOrHome}>
          返回
        </Button>
      </View>
    </View>
  )
}
