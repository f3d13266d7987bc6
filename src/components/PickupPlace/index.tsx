import { Text, View } from '@tarojs/components'
import type { PickupPlaceView } from '@/shared/contracts/common'
import { formatPickupWindow } from '@/shared/domain/pickup'
import './index.scss'

interface Props {
  place: PickupPlaceView | null | undefined
  pickupStartAt: number | null | undefined
  pickupEndAt: number | null | undefined
}

/** 自提点, address, 营业时间, contact phone and 提货时间: where and when to collect, on detail, order and code pages. */
export default function PickupPlace({ place, pickupStartAt, pickupEndAt }: Props) {
  const window = formatPickupWindow(pickupStartAt, pickupEndAt)
  if (!place && !window) return null
  return (
    <View className='section pickup-place' id='pickup-place'>
      <Text className='section__title'>取货信息</Text>
      {place && (
        <>
          <View className='row'>
            <Text className='muted'>自提点</Text>
            <Text className='pickup-place__name'>{place.storeName ? `${place.name} · ${place.storeName}` : place.name}</Text>
          </View>
          <View className='row'>
            <Text className='muted'>地址</Text>
            <Text className='pickup-place__address' id='pickup-place-address'>{place.address}</Text>
          </View>
          {place.openingHours && (
            <View className='row'>
              <Text className='muted'>营业时间</Text>
              <Text>{place.openingHours}</Text>
            </View>
          )}
          {place.contactPhone && (
            <View className='row'>
              <Text className='muted'>联系电话</Text>
              <Text>{place.contactPhone}</Text>
            </View>
          )}
        </>
      )}
      <View className='row'>
        <Text className='muted'>提货时间</Text>
        <Text className='pickup-place__window' id='pickup-place-window'>{window || '到货后通知'}</Text>
      </View>
    </View>
  )
}
