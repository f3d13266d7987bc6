import { Text, View } from '@tarojs/components'
import type { OrderDeliveryView } from '@/shared/contracts/delivery'
import { formatPickupWindow } from '@/shared/domain/pickup'
import { formatFen } from '../format'

interface Props {
  delivery: OrderDeliveryView
  /** The store that delivers (the pickup point's name), when known. */
  storeName?: string | null
}

/** 配送到家 on the order page: where, when, and the fee included in the amount; the code is shown to the deliverer. */
export default function DeliveryInfo({ delivery, storeName }: Props) {
  return (
    <View className='section delivery-info' id='delivery-info'>
      <Text className='section__title'>配送到家</Text>
      <View className='row'>
        <Text className='muted'>配送</Text>
        <Text id='delivery-info-address'>{`${delivery.building} ${delivery.room}`}</Text>
      </View>
      <View className='row'>
        <Text className='muted'>配送时段</Text>
        <Text id='delivery-info-slot'>{formatPickupWindow(delivery.slotStartAt, delivery.slotEndAt)}</Text>
      </View>
      <View className='row'>
        <Text className='muted'>配送费</Text>
        <Text>{delivery.feeFen > 0 ? formatFen(delivery.feeFen) : '免配送费'}</Text>
      </View>
      <Text className='muted'>{`到货后由${storeName ? ` ${storeName} ` : '门店'}送货上门，请向送货员出示提货码`}</Text>
    </View>
  )
}
