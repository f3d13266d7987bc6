import { Image, Text, View } from '@tarojs/components'
import type { ServiceView } from '@/shared/contracts/voucher'
import { formatFen } from '../format'
import { slotText } from '../SlotPicker'
import './index.scss'

interface Props {
  item: ServiceView
  onClick: () => void
}

/** One service in the feed's 服务 section: what, how long, the price and the next slot with room. */
export default function ServiceCard({ item, onClick }: Props) {
  return (
    <View className='service-card' onClick={onClick}>
      {item.imageUrls[0] ? <Image className='service-card__img' src={item.imageUrls[0]} mode='aspectFill' /> : null}
      <View className='service-card__body'>
        <Text className='service-card__title'>{item.title}</Text>
        <View>
          <Text className='tag'>{item.category}</Text>
          <Text className='tag tag--muted'>{`约 ${item.durationMinutes} 分钟`}</Text>
        </View>
        {item.serviceArea ? <Text className='muted service-card__area'>{`服务范围：${item.serviceArea}`}</Text> : null}
        <View className='service-card__foot'>
          <Text className='service-card__price'>{formatFen(item.priceFen)}</Text>
          <Text className='service-card__next'>{item.nextSlot ? `最近可约 ${slotText(item.nextSlot)}` : '已约满'}</Text>
        </View>
      </View>
    </View>
  )
}
