import { Text, View } from '@tarojs/components'
import { hasReachedThreshold } from '@/shared/domain/group-buy'
import './index.scss'

interface Props {
  paid: number
  min: number
}

export default function GroupProgress({ paid, min }: Props) {
  const reached = hasReachedThreshold({ paidParticipants: paid, minParticipants: min })
  const pct = min > 0 ? Math.min(100, Math.round((paid / min) * 100)) : 100
  return (
    <View className='group-progress'>
      <View className='group-progress__bar'>
        <View className={`group-progress__fill ${reached ? 'group-progress__fill--done' : ''}`} style={{ width: `${pct}%` }} />
      </View>
      <Text className='group-progress__text'>
        {`已拼 ${paid}/${min} 人`}
        {reached ? ' · 已成团' : ` · 还差 ${min - paid} 人成团`}
      </Text>
    </View>
  )
}
