import { Button, Image, Text, View } from '@tarojs/components'
import Taro, { useDidShow, usePullDownRefresh, useReachBottom } from '@tarojs/taro'
import { formatDateTime, formatFen } from '@/components/format'
import StateView from '@/components/StateView'
import { useSupplyStore } from '@/stores/supply'
import './index.scss'

/** 货源: what merchants offer my pickup point, to sell as my own group buy (帮卖). */
export default function LeaderSupplyPage() {
  const open = useSupplyStore((s) => s.open)
  const { refreshOpen, loadMoreOpen } = useSupplyStore.getState()
  useDidShow(() => void refreshOpen())
  usePullDownRefresh(async () => {
    await refreshOpen()
    Taro.stopPullDownRefresh()
  })
  useReachBottom(() => void loadMoreOpen())

  return (
    <View className='page'>
      <StateView
        loading={open.loading || !open.loaded}
        error={open.error}
        empty={open.items.length === 0}
        emptyText='暂时没有向你的自提点开放的货源'
        onRetry={() => void refreshOpen()}
      >
        {open.items.map((o) => {
          const commissionAt = (price: number) => formatFen(Math.floor((price * o.commissionBp) / 10_000))
          return (
            <View key={o.offerId} className='section supply-card'>
              <View className='supply-card__main'>
                {o.product.imageUrls[0] ? <Image className='supply-card__img' src={o.product.imageUrls[0]} mode='aspectFill' /> : <View className='supply-card__img supply-card__img--blank'>货</View>}
                <View className='supply-card__body'>
                  <Text className='supply-card__name'>{o.product.name}</Text>
                  <Text className='supply-card__price'>{`售价 ${formatFen(o.lowestPriceFen)}–${formatFen(o.maxPriceFen)} / ${o.product.unit}`}</Text>
                  <Text className='muted'>{`佣金 ${o.commissionBp / 100}%（每${o.product.unit} ${commissionAt(o.lowestPriceFen)}–${commissionAt(o.maxPriceFen)}）`}</Text>
                  <Text className='muted'>{`剩余库存 ${o.stockLeft}${o.product.unit} · ${formatDateTime(o.endAt)} 截止`}</Text>
                </View>
              </View>
              <Button
                className='btn-primary supply-card__open'
                size='mini'
                disabled={o.stockLeft <= 0 || o.status !== 'OPEN'}
                onClick={() => Taro.navigateTo({ url: `/pages/leader/from-offer/index?offerId=${o.offerId}` })}
              >
                {o.stockLeft <= 0 ? '已被认领完' : o.status === 'OPEN' ? '一键开团' : '未开始'}
              </Button>
            </View>
          )
        })}
        <View className='load-more'>{open.loadingMore ? '加载中…' : open.nextCursor ? '上拉加载更多' : '没有更多了'}</View>
      </StateView>
    </View>
  )
}
