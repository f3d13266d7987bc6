import { Text, View } from '@tarojs/components'
import Taro, { useDidShow, usePullDownRefresh, useReachBottom } from '@tarojs/taro'
import { formatFen, formatTime } from '@/components/format'
import { ORDER_STATUS_LABEL } from '@/components/labels'
import StateView from '@/components/StateView'
import { useOrdersStore } from '@/stores/orders'
import './index.scss'

export default function OrdersPage() {
  const s = useOrdersStore()
  useDidShow(() => void useOrdersStore.getState().refresh())
  usePullDownRefresh(async () => {
    await s.refresh()
    Taro.stopPullDownRefresh()
  })
  useReachBottom(() => void s.loadMore())

  return (
    <View className='page'>
      <StateView
        loading={s.loading || !s.loaded}
        error={s.error}
        empty={s.items.length === 0}
        emptyText='还没有订单，去首页看看今天的团购吧'
        onRetry={() => void s.refresh()}
      >
        {s.items.map((o) => (
          <View
            key={o.orderId}
            className='section order-item'
            onClick={() => Taro.navigateTo({ url: `/pages/resident/order/index?id=${o.orderId}` })}
          >
            <View className='row'>
              <Text className='order-item__title'>{o.title}</Text>
              <Text className={`order-item__status order-item__status--${o.status.toLowerCase()}`}>{ORDER_STATUS_LABEL[o.status]}</Text>
            </View>
            <View className='row'>
              <Text className='muted'>{`${formatTime(o.createdAt)} · ×${o.quantity}`}</Text>
              <Text>{formatFen(o.amountFen)}</Text>
            </View>
            {o.status === 'READY_FOR_PICKUP' && <Text className='order-item__hint'>商品已到自提点，点击查看提货码</Text>}
          </View>
        ))}
        <View className='load-more'>{s.loadingMore ? '加载中…' : s.nextCursor ? '上拉加载更多' : '没有更多了'}</View>
      </StateView>
    </View>
  )
}
