import { Text, View } from '@tarojs/components'
import { formatFen } from '../format'
import './index.scss'

interface Props {
  fen: number
  originalFen?: number | null
  size?: 'normal' | 'large'
}

export default function Price({ fen, originalFen, size = 'normal' }: Props) {
  return (
    <View className={`price price--${size}`}>
      <Text className='price__now'>{formatFen(fen)}</Text>
      {originalFen != null && originalFen > fen && <Text className='price__original'>{formatFen(originalFen)}</Text>}
    </View>
  )
}
