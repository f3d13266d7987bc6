import { Button, Text, View } from '@tarojs/components'
import { useDidShow, useRouter } from '@tarojs/taro'
import PickupCode from '@/components/PickupCode'
import StateView from '@/components/StateView'
import { formatDateTime } from '@/components/format'
import { useMyCodeStore } from '@/stores/my-code'

/** One code (and QR) for every order of mine waiting at this pickup point: the clerk scans once, hands over all. */
export default function MyCodePage() {
  const { params } = useRouter()
  const pickupPointId = params.pickupPointId ?? ''
  const s = useMyCodeStore()
  useDidShow(() => {
    if (pickupPointId) void useMyCodeStore.getState().load(pickupPointId)
  })
  if (!pickupPointId) {
    return (
      <View className='page'>
        <StateView loading={false} error={null} empty emptyText='没有指定自提点，请从订单页进入' />
      </View>
    )
  }
  if (!s.code) {
    return (
      <View className='page'>
        <StateView loading={s.loading} error={s.error} empty emptyText='' onRetry={() => void s.load(pickupPointId)} />
      </View>
    )
  }
  return (
    <View className='page'>
      <PickupCode code={s.code.code} expiresAt={null} />
      <View className='section'>
        <Text className='section__title'>{`这个码可一次提走 ${s.code.orders} 个订单`}</Text>
        <Text className='muted'>{`仅限本自提点使用，${formatDateTime(s.code.expiresAt)} 前有效；每个订单自己的提货码同样可用`}</Text>
        <Button size='mini' disabled={s.loading} onClick={() => void s.load(pickupPointId)}>
          刷新
        </Button>
      </View>
    </View>
  )
}
