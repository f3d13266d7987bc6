import { Text, View } from '@tarojs/components'
import Progress from '../kit/progress'
import './index.scss'

interface Props {
  name: string
  allocated: number
  sold: number
  unit: string
}

/** One pickup point's take of an offer: a bar of sold over allocated, with both numbers in words. */
export default function PointProgress({ name, allocated, sold, unit }: Props) {
  const percent = allocated > 0 ? Math.min(100, Math.round((sold / allocated) * 100)) : 0
  return (
    <View className='point-progress'>
      <View className='point-progress__head'>
        <Text className='point-progress__name'>{name}</Text>
        <Text className='point-progress__nums'>{`已售 ${sold} / 认领 ${allocated}${unit}`}</Text>
      </View>
      <Progress percent={percent} showText={false} strokeWidth='6' color='#fa6400' />
    </View>
  )
}
