import { Text, View } from '@tarojs/components'
import Taro, { useDidShow, usePullDownRefresh, useReachBottom } from '@tarojs/taro'
import { formatTime } from '@/components/format'
import StateView from '@/components/StateView'
import type { VerificationView } from '@/shared/contracts/pickup'
import { friendlyMessage } from '@/components/error-copy'
import { useClerkStore } from '@/stores/clerk'

function outcomeText(v: VerificationView): string {
  const what = v.kind === 'pickup' ? '提货' : '优惠券'
  if (v.outcome === 'PICKED_UP' || v.outcome === 'REDEEMED') return `${what} · 核销成功`
  if (v.outcome === 'HANDED_PART') return `${what} · 部分提货`
  return `${what} · ${friendlyMessage({ code: v.outcome, message: '' })}`
}

/** The counter's day: how many are waiting and were handed over, the latest attempts, then who is still to come. */
export default function ClerkTodayPage() {
  const today = useClerkStore((s) => s.today)
  const { recent, counts } = useClerkStore((s) => s.todayHeader)
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
        empty={today.items.length === 0 && recent.length === 0 && !counts}
        emptyText='今天还没有待提货的订单'
        onRetry={() => void refreshToday()}
      >
        {counts && (
          <View className='section'>
            <Text className='section__title'>{`待提货 ${counts.readyCount} 单 · 今日已提货 ${counts.pickedUpToday} 单`}</Text>
          </View>
        )}
        {recent.length > 0 && (
          <View className='section'>
            <Text className='section__title'>最近核销</Text>
            {recent.map((v, i) => (
              <View key={`${v.at}-${i}`} className='row'>
                <Text>{outcomeText(v)}</Text>
                <Text className='muted'>{formatTime(v.at)}</Text>
              </View>
            ))}
          </View>
        )}
        <View className='section'>
          <Text className='section__title'>待提货订单</Text>
          {today.items.length === 0 && <Text className='muted'>暂无待提货订单</Text>}
          {today.items.map((i) => (
            <View key={i.orderId} className='row'>
              <Text>{`${i.maskedName} ${i.title}`}</Text>
              <Text>{`×${i.quantity}`}</Text>
              <Text className='muted'>{`${formatTime(i.readyAt)} 到货`}</Text>
            </View>
          ))}
        </View>
        <View className='load-more'>{today.loadingMore ? '加载中…' : today.nextCursor ? '上拉加载更多' : '没有更多了'}</View>
      </StateView>
    </View>
  )
}
