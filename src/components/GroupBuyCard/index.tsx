import { Image, Text, View } from '@tarojs/components'
import type { GroupBuyView } from '@/shared/contracts/group-buy'
import Countdown from '../Countdown'
import GroupProgress from '../GroupProgress'
import Price from '../Price'
import PriceTiers from '../PriceTiers'
import StatusTag from '../StatusTag'
import './index.scss'

interface Props {
  item: GroupBuyView
  onClick?: () => void
}

export default function GroupBuyCard({ item, onClick }: Props) {
  const live = item.status === 'OPEN' || item.status === 'SUCCEEDED'
  return (
    <View className='gb-card' onClick={onClick}>
      {item.imageUrls?.[0] ? <Image className='gb-card__img' src={item.imageUrls[0]} mode='aspectFill' /> : <View className='gb-card__img gb-card__img--blank'>团</View>}
      <View className='gb-card__body'>
        <View className='gb-card__head'>
          <StatusTag status={item.status} />
          <Text className='gb-card__title'>{item.title}</Text>
        </View>
        <Price fen={item.priceFen} originalFen={item.originalPriceFen} />
        {item.priceTiers && <PriceTiers tiers={item.priceTiers} paidQuantity={item.paidQuantity ?? 0} unit={item.unit} finalPriceFen={item.finalPriceFen} compact />}
        <GroupProgress paid={item.paidParticipants} min={item.minParticipants} />
        <View className='gb-card__foot'>
          {item.status === 'UPCOMING' ? (
            <Countdown to={item.startAt} prefix='距开团' endedText='已开团' />
          ) : live ? (
            <Countdown to={item.endAt} />
          ) : (
            <Text className='gb-card__muted'>已结束</Text>
          )}
          <Text className='gb-card__stock'>{item.stockLeft > 0 ? `剩余 ${item.stockLeft}${item.unit}` : '已抢光'}</Text>
        </View>
      </View>
    </View>
  )
}
