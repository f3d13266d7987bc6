import { Button, Text, View } from '@tarojs/components'
import Taro, { useDidShow, usePullDownRefresh, useReachBottom } from '@tarojs/taro'
import Countdown from '@/components/Countdown'
import { formatFen } from '@/components/format'
import GroupProgress from '@/components/GroupProgress'
import StateView from '@/components/StateView'
import StatusTag from '@/components/StatusTag'
import { useLeaderStore } from '@/stores/leader'
import './index.scss'

export default function LeaderHomePage() {
  const mine = useLeaderStore((s) => s.mine)
  const { refreshMine, loadMoreMine } = useLeaderStore.getState()
  useDidShow(() => void refreshMine())
  usePullDownRefresh(async () => {
    await refreshMine()
    Taro.stopPullDownRefresh()
  })
  useReachBottom(() => void loadMoreMine())

  return (
    <View className='page'>
      <View className='leader-home__top'>
        <Button className='btn-primary' onClick={() => Taro.navigateTo({ url: '/pages/leader/create/index' })}>
          ＋ 发起团购
        </Button>
        <Button className='btn-ghost leader-home__supply' onClick={() => Taro.navigateTo({ url: '/pages/leader/supply/index' })}>
          货源 · 帮卖开团
        </Button>
        <Button className='btn-ghost leader-home__supply' onClick={() => Taro.navigateTo({ url: '/pages/leader/earnings/index' })}>
          我的收益
        </Button>
      </View>
      <StateView
        loading={mine.loading || !mine.loaded}
        error={mine.error}
        empty={mine.items.length === 0}
        emptyText='还没有发起过团购，点上面的按钮开第一个团'
        onRetry={() => void refreshMine()}
      >
        {mine.items.map((g) => (
          <View key={g.groupBuyId} className='section' onClick={() => Taro.navigateTo({ url: `/pages/leader/group/index?id=${g.groupBuyId}` })}>
            <View className='row'>
              <Text className='leader-home__title'>{g.title}</Text>
              <StatusTag status={g.status} />
            </View>
            <GroupProgress paid={g.paidParticipants} min={g.minParticipants} />
            <View className='row'>
              <Text className='muted'>{`${formatFen(g.priceFen)} · 已售 ${g.stock - g.stockLeft}/${g.stock}${g.unit}`}</Text>
              {g.status === 'OPEN' || g.status === 'SUCCEEDED' ? <Countdown to={g.endAt} /> : null}
            </View>
            {g.arrivedAt ? <Text className='leader-home__arrived'>已确认到货</Text> : null}
          </View>
        ))}
        <View className='load-more'>{mine.loadingMore ? '加载中…' : mine.nextCursor ? '上拉加载更多' : '没有更多了'}</View>
      </StateView>
    </View>
  )
}
