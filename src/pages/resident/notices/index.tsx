import { Text, View } from '@tarojs/components'
import Taro, { useDidShow, usePullDownRefresh, useReachBottom } from '@tarojs/taro'
import { formatTime } from '@/components/format'
import StateView from '@/components/StateView'
import { useNoticesStore } from '@/stores/notices'
import './index.scss'

/** 消息通知: 成团, refunds, arrivals, purchase orders, shipping — whatever happened to me, newest first. */
export default function NoticesPage() {
  const n = useNoticesStore()
  const load = async () => {
    await useNoticesStore.getState().refresh()
    // Opening the list is reading it: the badge on 我的 clears.
    await useNoticesStore.getState().markAllRead()
  }
  useDidShow(() => void load())
  usePullDownRefresh(async () => {
    await load()
    Taro.stopPullDownRefresh()
  })
  useReachBottom(() => void n.loadMore())
  const open = (page: string) => {
    const url = page.startsWith('/') ? page : `/${page}`
    // A page this version does not have (an older or newer client) is not worth an error screen.
    Taro.navigateTo({ url }).catch(() => void Taro.showToast({ title: '请在最新版小程序中查看', icon: 'none' }))
  }

  return (
    <View className='page'>
      <StateView loading={n.loading || !n.loaded} error={n.error} empty={n.items.length === 0} emptyText='暂时没有消息' onRetry={() => void load()}>
        {n.items.map((item) => (
          <View
            key={item.noticeId}
            className={`section notice ${item.read ? '' : 'notice--unread'}`}
            onClick={() => (item.page ? open(item.page) : undefined)}
          >
            <View className='row'>
              <Text className='notice__title'>{item.title}</Text>
              <Text className='muted'>{formatTime(item.createdAt)}</Text>
            </View>
            <Text className='notice__body'>{item.body}</Text>
          </View>
        ))}
        <View className='load-more'>{n.loadingMore ? '加载中…' : n.nextCursor ? '上拉加载更多' : '没有更多了'}</View>
      </StateView>
    </View>
  )
}
