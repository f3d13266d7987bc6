import { Button, Text, View } from '@tarojs/components'
import Taro, { useDidShow, usePullDownRefresh, useReachBottom } from '@tarojs/taro'
import { useEffect } from 'react'
import GroupBuyCard from '@/components/GroupBuyCard'
import IdentitySwitcher from '@/components/IdentitySwitcher'
import PrivacyConsent from '@/components/PrivacyConsent'
import StateView from '@/components/StateView'
import { useFeedStore, type FeedSort } from '@/stores/feed'
import { useSessionStore } from '@/stores/session'
import { ensureSession } from '@/stores/use-session-ready'
import './index.scss'

const SORTS: { key: FeedSort; label: string }[] = [
  { key: 'newest', label: '最新上架' },
  { key: 'endingSoon', label: '即将结束' },
]

export default function HomePage() {
  const session = useSessionStore()
  const feed = useFeedStore()
  const pointId = session.pickupPointId
  const point = session.pickupPoints.find((p) => p.pickupPointId === pointId)

  useDidShow(() => {
    void ensureSession()
    if (useSessionStore.getState().pickupPoints.length === 0) void useSessionStore.getState().loadPickupPoints()
    const id = useSessionStore.getState().pickupPointId
    if (id) void useFeedStore.getState().refresh(id)
  })
  // After the session loads or the point / identity changes.
  useEffect(() => {
    if (pointId) void useFeedStore.getState().refresh(pointId)
  }, [pointId, session.openid])

  usePullDownRefresh(async () => {
    if (pointId) await feed.refresh(pointId)
    Taro.stopPullDownRefresh()
  })
  useReachBottom(() => void feed.loadMore())

  const choosePoint = () => Taro.navigateTo({ url: '/pages/resident/pickup-points/index' })

  if (session.status === 'error' || (session.status !== 'ready' && !session.openid)) {
    return (
      <View className='page'>
        <IdentitySwitcher />
        <StateView loading={session.status !== 'error'} error={session.error} empty emptyText='' onRetry={() => void session.load()} />
      </View>
    )
  }

  return (
    <View className='page home'>
      <IdentitySwitcher />
      <PrivacyConsent />
      <View className='home__point' onClick={choosePoint}>
        <Text className='home__point-label'>自提点</Text>
        <Text className='home__point-name'>{point ? `${point.name}（${point.storeName}）` : pointId ? '我的自提点' : '未选择'}</Text>
        <Text className='home__point-switch'>切换 ›</Text>
      </View>
      {!pointId ? (
        <View className='section home__choose'>
          <Text className='section__title'>先选一个离你近的自提点</Text>
          <Text className='muted'>团购商品会送到自提点，由你到店自提</Text>
          <Button className='btn-primary home__choose-btn' onClick={choosePoint}>
            选择自提点
          </Button>
        </View>
      ) : (
        <>
          <View className='home__sorts'>
            {SORTS.map((s) => (
              <Text
                key={s.key}
                className={`home__sort ${feed.sort === s.key ? 'home__sort--on' : ''}`}
                onClick={() => void feed.refresh(pointId, s.key)}
              >
                {s.label}
              </Text>
            ))}
          </View>
          <StateView
            loading={feed.loading || !feed.loaded}
            error={feed.error}
            empty={feed.items.length === 0}
            emptyText='这个自提点暂时没有团购，晚点再来看看'
            onRetry={() => void feed.refresh(pointId)}
          >
            {feed.items.map((item) => (
              <GroupBuyCard
                key={item.groupBuyId}
                item={item}
                onClick={() => Taro.navigateTo({ url: `/pages/resident/detail/index?id=${item.groupBuyId}` })}
              />
            ))}
            <View className='load-more'>{feed.loadingMore ? '加载中…' : feed.nextCursor ? '上拉加载更多' : '没有更多了'}</View>
          </StateView>
        </>
      )}
    </View>
  )
}
