import { Text, View } from '@tarojs/components'
import Taro, { useDidShow, usePullDownRefresh, useReachBottom, useRouter } from '@tarojs/taro'
import RatingList, { RatingBadge, RatingBreakdown } from '@/components/RatingList'
import StateView from '@/components/StateView'
import { useMerchantFeedbackStore } from '@/stores/merchant-feedback'
import './index.scss'

/** 评价反馈: without a productId every product with its rating; with one, that product overall, per pickup point, and its ratings. */
export default function MerchantFeedbackPage() {
  const { params } = useRouter()
  const productId = params.productId ?? ''
  const store = useMerchantFeedbackStore()
  const refresh = () => (productId ? store.loadProduct(productId) : store.refreshProducts())
  useDidShow(() => void refresh())
  usePullDownRefresh(async () => {
    await refresh()
    Taro.stopPullDownRefresh()
  })
  useReachBottom(() => void (productId ? store.loadMoreProductRatings() : store.loadMoreProducts()))

  if (!productId) {
    const list = store.products
    return (
      <View className='page merchant-feedback'>
        <StateView
          loading={list.loading || !list.loaded}
          error={list.error}
          empty={list.items.length === 0}
          emptyText='还没有商品：建好商品、发布货源后，团员提货后的评价会汇总在这里'
          onRetry={() => void store.refreshProducts()}
        >
          {list.items.map((p) => (
            <View key={p.productId} className='section merchant-feedback__product' onClick={() => void Taro.navigateTo({ url: `/pages/merchant/feedback/index?productId=${p.productId}` })}>
              <View className='row'>
                <Text className='merchant-feedback__name'>{p.name}</Text>
                <RatingBadge rating={p.rating} />
              </View>
              {p.rating.tagCounts.length > 0 && (
                <View>
                  {p.rating.tagCounts.slice(0, 4).map((t) => (
                    <Text key={t.tag} className='tag'>{`${t.tag} ${t.count}`}</Text>
                  ))}
                </View>
              )}
              <Text className='merchant-feedback__more'>按自提点看 ›</Text>
            </View>
          ))}
          {list.nextCursor && <View className='load-more'>上拉加载更多</View>}
        </StateView>
      </View>
    )
  }

  const p = store.product.productId === productId ? store.product : null
  const ratings = p?.ratings
  if (!p?.rating) {
    return (
      <View className='page'>
        <StateView loading={!ratings?.error} error={ratings?.error ?? null} empty emptyText='' onRetry={() => void store.loadProduct(productId)} />
      </View>
    )
  }
  return (
    <View className='page merchant-feedback'>
      <View className='section'>
        <View className='row'>
          <Text className='section__title merchant-feedback__title'>总体评价</Text>
          <RatingBadge rating={p.rating} />
        </View>
        {p.rating.count > 0 ? <RatingBreakdown rating={p.rating} /> : <Text className='muted'>还没有团员评价</Text>}
      </View>
      <View className='section'>
        <Text className='section__title'>各自提点</Text>
        {p.points.length === 0 && <Text className='muted'>还没有自提点的评价</Text>}
        {p.points.map((pt) => (
          <View key={pt.pickupPointId} className='merchant-feedback__point'>
            <View className='row'>
              <Text className='merchant-feedback__name'>{pt.name}</Text>
              <RatingBadge rating={pt} />
            </View>
            {pt.tagCounts.length > 0 && (
              <View>
                {pt.tagCounts.map((t) => (
                  <Text key={t.tag} className='tag'>{`${t.tag} ${t.count}`}</Text>
                ))}
              </View>
            )}
          </View>
        ))}
      </View>
      <View className='section'>
        <Text className='section__title'>全部评价</Text>
        <StateView
          loading={ratings?.loading ?? true}
          error={ratings?.error ?? null}
          empty={(ratings?.items.length ?? 0) === 0}
          emptyText='还没有评价'
          onRetry={() => void store.loadProduct(productId)}
        >
          <RatingList items={ratings?.items ?? []} />
          {ratings?.nextCursor && <View className='load-more'>{ratings.loadingMore ? '加载中…' : '上拉加载更多'}</View>}
        </StateView>
      </View>
    </View>
  )
}
