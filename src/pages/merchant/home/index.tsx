import { Button, Image, Text, View } from '@tarojs/components'
import Taro, { useDidShow, usePullDownRefresh, useReachBottom, useRouter } from '@tarojs/taro'
import { useState } from 'react'
import { formatDateTime, formatFen } from '@/components/format'
import Tabs from '@/components/kit/tabs'
import PointProgress from '@/components/PointProgress'
import StateView from '@/components/StateView'
import { OFFER_STATUS_LABEL } from '@/components/labels'
import { useMerchantStore } from '@/stores/merchant'
import './index.scss'

type Tab = 'products' | 'offers' | 'coupons'

const TABS: readonly Tab[] = ['products', 'offers', 'coupons']

export default function MerchantHomePage({ initialTab }: { initialTab?: Tab }) {
  const { params } = useRouter()
  const asked = (TABS as readonly string[]).includes(params.tab ?? '') ? (params.tab as Tab) : undefined
  const [tab, setTab] = useState<Tab>(initialTab ?? asked ?? 'products')
  const m = useMerchantStore()
  const refresh = (t: Tab = tab) =>
    t === 'products' ? m.refreshProducts() : t === 'offers' ? m.refreshOffers() : m.refreshCampaigns()
  useDidShow(() => void refresh())
  usePullDownRefresh(async () => {
    await refresh()
    Taro.stopPullDownRefresh()
  })
  useReachBottom(() => void (tab === 'products' ? m.loadMoreProducts() : tab === 'offers' ? m.loadMoreOffers() : undefined))
  const go = (url: string) => void Taro.navigateTo({ url })

  return (
    <View className='page merchant-home'>
      <Tabs
        value={tab}
        onChange={(v) => {
          setTab(v as Tab)
          void refresh(v as Tab)
        }}
      >
        <Tabs.TabPane title='我的商品' value='products'>
          <View className='merchant-home__top'>
            <Button className='btn-primary' onClick={() => go('/pages/merchant/product/index')}>
              ＋ 新建商品
            </Button>
          </View>
          <StateView
            loading={m.products.loading || !m.products.loaded}
            error={m.products.error}
            empty={m.products.items.length === 0}
            emptyText='还没有商品，先建一个商品再发布货源'
            onRetry={() => void m.refreshProducts()}
          >
            {m.products.items.map((p) => (
              <View key={p.productId} className='section merchant-product'>
                <View className='merchant-product__main' onClick={() => go(`/pages/merchant/product/index?id=${p.productId}`)}>
                  {p.imageUrls[0] ? <Image className='merchant-product__img' src={p.imageUrls[0]} mode='aspectFill' /> : <View className='merchant-product__img merchant-product__img--blank'>商</View>}
                  <View className='merchant-product__body'>
                    <Text className='merchant-product__name'>{p.name}</Text>
                    <Text className='muted'>{`${p.category}${p.spec ? ` · ${p.spec}` : ''} · 每${p.unit}`}</Text>
                    <Text className='merchant-product__price'>{`供货价 ${formatFen(p.supplyPriceFen)} · 建议零售 ${formatFen(p.suggestedPriceFen)}`}</Text>
                  </View>
                </View>
                <View className='merchant-product__actions'>
                  <Button size='mini' className='btn-ghost' onClick={() => go(`/pages/merchant/product/index?id=${p.productId}`)}>
                    编辑
                  </Button>
                  <Button size='mini' className='btn-ghost' onClick={() => go(`/pages/merchant/feedback/index?productId=${p.productId}`)}>
                    评价反馈
                  </Button>
                  <Button size='mini' className='btn-primary merchant-product__publish' onClick={() => go(`/pages/merchant/publish/index?productId=${p.productId}`)}>
                    发布货源
                  </Button>
                </View>
              </View>
            ))}
            {m.products.nextCursor && <View className='load-more'>上拉加载更多</View>}
          </StateView>
        </Tabs.TabPane>
        <Tabs.TabPane title='我的货源' value='offers'>
          <StateView
            loading={m.offers.loading || !m.offers.loaded}
            error={m.offers.error}
            empty={m.offers.items.length === 0}
            emptyText='还没有发布货源：在「我的商品」里点「发布货源」'
            onRetry={() => void m.refreshOffers()}
          >
            {m.offers.items.map((o) => (
              <View key={o.offerId} className='section merchant-offer' onClick={() => go(`/pages/merchant/purchase-orders/index?offerId=${o.offerId}`)}>
                <View className='row'>
                  <Text className='merchant-offer__name'>{o.product.name}</Text>
                  <Text className={`tag ${o.status === 'ENDED' ? 'tag--muted' : ''}`}>{OFFER_STATUS_LABEL[o.status]}</Text>
                </View>
                <Text className='muted'>{`${formatDateTime(o.startAt)} – ${formatDateTime(o.endAt)} · 售价 ${formatFen(o.minPriceFen)}–${formatFen(o.maxPriceFen)}`}</Text>
                <Text className='merchant-offer__sum'>{`库存 ${o.stock} · 团长认领 ${o.allocated} · 已售 ${o.sold} · 剩余 ${o.stockLeft}`}</Text>
                {o.points.map((p) => (
                  <PointProgress key={p.pickupPointId} name={p.name} allocated={p.allocated} sold={p.sold} unit={o.product.unit} />
                ))}
                {o.points.length === 0 && <Text className='muted'>还没有团长开团</Text>}
                <Text className='merchant-offer__more'>采购单与发货 ›</Text>
              </View>
            ))}
          </StateView>
        </Tabs.TabPane>
        <Tabs.TabPane title='优惠券' value='coupons'>
          <View className='merchant-home__top'>
            <Button className='btn-primary' onClick={() => go('/pages/merchant/campaign/index')}>
              ＋ 新建优惠券
            </Button>
          </View>
          <StateView
            loading={m.campaigns.loading || !m.campaigns.loaded}
            error={m.campaigns.error}
            empty={m.campaigns.items.length === 0}
            emptyText='还没有进行中的优惠券活动'
            onRetry={() => void m.refreshCampaigns()}
          >
            {m.campaigns.items.map((c) => (
              <View key={c.campaignId} className='section'>
                <View className='row'>
                  <Text className='merchant-offer__name'>{c.title}</Text>
                  <Text className='tag'>{c.priceFen > 0 ? `${formatFen(c.priceFen)} 购` : '免费领'}</Text>
                </View>
                <Text className='muted'>{`面值 ${formatFen(c.valueFen)} · 有效期至 ${formatDateTime(c.validTo)}`}</Text>
                <Text className='merchant-offer__sum'>{`已发放 ${c.issued} / ${c.total} · 已核销 ${c.redeemed}`}</Text>
              </View>
            ))}
          </StateView>
        </Tabs.TabPane>
      </Tabs>
      <View className='merchant-home__notices' onClick={() => go('/pages/merchant/feedback/index')}>
        <Text>评价反馈 · 各商品、各自提点的评价 ›</Text>
      </View>
      <View className='merchant-home__notices' onClick={() => go('/pages/merchant/settlement/index')}>
        <Text>结算 · 应结货款与对账单 ›</Text>
      </View>
      <View className='merchant-home__notices' onClick={() => go('/pages/resident/notices/index')}>
        <Text>消息通知 ›</Text>
      </View>
    </View>
  )
}
