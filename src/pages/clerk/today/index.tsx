import { Text, View } from '@tarojs/components'
import Taro, { useDidShow, usePullDownRefresh, useReachBottom } from '@tarojs/taro'
import { formatTime } from '@/components/format'
import StateView from '@/components/StateView'
import { useClerkStore } from '@/stores/clerk'

export default function ClerkTodayPage() {
  const today = useClerkStore((s) => s.today)
  const { refreshToday, loadMoreToday } = useClerkStore.getState()
  useDidShow(() => void refreshToday())
  usePullDownRefresh(async () => {
    await refreshToday()
    Taro.stopPullDownRefresh()
  })
  useReachBottom(() => void loadMoreToday())
  return (
    <View className='page'>
      <StateView
        loading={today.loading || !today.loaded}
        error={today.error}
        empty={today.items.length === 0}
        emptyText='今天还没有核销记录'
        onRetry={() => void refreshToday()}
      >
        <View className='section'>
          <Text className='section__title'>{`今日已核销 ${today.items.length} 单`}</Text>
          {today.items.map((i) => (
            <View key={i.orderId} className='row'>
              <Text>{`${i.seq != null ? `#${i.seq} ` : ''}${i.maskedName ?? ''} ${i.title ?? ''}`}</Text>
              <Text>{`×${i.quantity}`}</Text>
              <Text className='muted'>{formatTime(i.pickedUpAt ?? i.at ?? Date.now())}</Text>
            </View>
          ))}
        </View>
        <View className='load-more'>{today.loadingMore ? '加载中…' : today.nextCursor ? '上拉加载更多' : '没有更多了'}</View>
      </StateView>
    </View>
  )
}
