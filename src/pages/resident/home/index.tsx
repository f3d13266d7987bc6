import { Button, Text, View } from '@tarojs/components'
import Taro, { useDidShow, usePullDownRefresh, useReachBottom } from '@tarojs/taro'
import { useEffect, useState } from 'react'
import GroupBuyCard from '@/components/GroupBuyCard'
import IdentitySwitcher from '@/components/IdentitySwitcher'
import PrivacyConsent from '@/components/PrivacyConsent'
import ServiceCard from '@/components/ServiceCard'
import StateView from '@/components/StateView'
import { useFeedStore, type FeedSort } from '@/stores/feed'
import { useSessionStore } from '@/stores/session'
import { ensureSession } from '@/stores/use-session-ready'
import { useVoucherStore } from '@/stores/voucher'
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
  // 服务 (#25): the services sold as vouchers at this point, a tab beside the feed's sorts.
  const [tab, setTab] = useState<'goods' | 'services'>('goods')
  const services = useVoucherStore()
  const openGroupBuy = (item: { groupBuyId: string; kind?: 'SERVICE' }) =>
    Taro.navigateTo({ url: item.kind === 'SERVICE' ? `/pages/resident/service/index?id=${item.groupBuyId}` : `/pages/resident/detail/index?id=${item.groupBuyId}` })

  useDidShow(() => {
    void ensureSession()
    if (useSessionStore.getState().pickupPoints.length === 0) void useSessionStore.getState().loadPickupPoints()
    const id = useSessionStore.getState().pickupPointId
    if (id) void useFeedStore.getState().refresh(id)
    if (id) void useVoucherStore.getState().loadServices(id)
  })
  // After the session loads or the point / identity changes.
  useEffect(() => {
    if (pointId) void useFeedStore.getState().refresh(pointId)
    if (pointId) void useVoucherStore.getState().loadServices(pointId)
  }, [pointId, session.openid])

  usePullDownRefresh(async () => {
    if (pointId) await Promise.all([feed.refresh(pointId), services.loadServices(pointId)])
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
                className={`home__sort ${tab === 'goods' && feed.sort === s.key ? 'home__sort--on' : ''}`}
                onClick={() => {
                  setTab('goods')
                  void feed.refresh(pointId, s.key)
                }}
              >
                {s.label}
              </Text>
            ))}
            <Text
              className={`home__sort home__sort--services ${tab === 'services' ? 'home__sort--on' : ''}`}
              onClick={() => {
                setTab('services')
                void services.loadServices(pointId)
              }}
            >
              {`服务${services.services.length ? ` ${services.services.length}` : ''}`}
            </Text>
          </View>
          {tab === 'services' ? (
            <StateView
              loading={services.servicesLoading && services.services.length === 0}
              error={services.servicesError}
              empty={services.services.length === 0}
              emptyText='这个自提点暂时没有可预约的服务'
              onRetry={() => void services.loadServices(pointId)}
            >
              {services.services.map((item) => (
                <ServiceCard key={item.groupBuyId} item={item} onClick={() => void openGroupBuy(item)} />
              ))}
            </StateView>
          ) : (
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
                  onClick={() => void openGroupBuy(item)}
                />
              ))}
              <View className='load-more'>{feed.loadingMore ? '加载中…' : feed.nextCursor ? '上拉加载更多' : '没有更多了'}</View>
            </StateView>
          )}
        </>
      )}
    </View>
  )
}
